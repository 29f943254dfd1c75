"""The evaluator's downloads (contract §6): GET /api/v1/surveys/SLUG/report.xlsx|.pdf|.csv|.sav."""

import re
from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from surveys.api.exceptions import valid_query
from surveys.api.score_schema import cannot_score, refusals
from surveys.localized import localized
from surveys.permissions import CanReadScores, survey_get_for
from surveys.reports import CONTENT_TYPES, render_report
from surveys.reports.data import report_data
from surveys.services.publish import published_report

DESCRIPTIONS = {
    "xlsx": "Excel 工作簿：汇总、维度、题目、村、群体、年龄段、原始数据（匿名）、计算方法",
    "pdf": "中文 A4 统计结果报告（绩效评价报告附件格式）",
    "csv": "全部统计表，一个 CSV（按 table 列区分各表，UTF-8 带 BOM）",
    "sav": "SPSS 数据文件：匿名答卷，带值标签",
}


class ReportQuery(serializers.Serializer):
    lang = serializers.ChoiceField(choices=["zh", "en"], default="zh")


# Characters no file name may hold on Windows (a colon in an English title, a slash in a Chinese
# one); browsers replace them with "_" ("County_ 2020"). Written as a dash instead, spaces tidied.
_NOT_IN_FILE_NAMES = re.compile(r'\s*[\\/:*?"<>|\x00-\x1f]+\s*')


def file_name(text: str) -> str:
    return _NOT_IN_FILE_NAMES.sub(" - ", text).strip(" -.") or "report"


def attachment(body: bytes, fmt: str, *, ascii_name: str, name: str) -> HttpResponse:
    """A download whose file name is Chinese where the browser can take it, ASCII otherwise."""
    name = file_name(name)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


def report_download(survey, fmt: str, language: str = "zh") -> HttpResponse:
    """The frozen published file for a published survey, else one rendered now.

    `language` "en" gives the English report; a publication made before English reports
    existed has none frozen, and the English file is then rendered from today's data (its
    X-Report-Published header says 0, as for any file that is not the frozen one).
    """
    published = published_report(survey) if survey.status == survey.Status.PUBLISHED else None
    frozen = published.file(fmt, language) if published is not None else b""
    if frozen:
        body, data_hash = frozen, published.data_hash
    else:
        data = report_data(survey, language=language)
        body, data_hash = render_report(data, fmt), data.data_hash
    english = language == "en"
    title = localized(survey, english=english)
    label = {
        (True, False): "已发布统计结果",
        (False, False): "统计结果",
        (True, True): "published-report",
        (False, True): "report",
    }[(bool(frozen), english)]
    response = attachment(
        body,
        fmt,
        ascii_name=f"{survey.slug}-report{'-en' if english else ''}.{fmt}",
        name=f"{title}-{label}.{fmt}",
    )
    response["X-Data-Hash"] = data_hash
    response["X-Report-Published"] = "1" if frozen else "0"
    response["Content-Language"] = "en" if english else "zh-Hans"
    return response


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type in Accept; errors still come as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data) if isinstance(data, dict | list) else data


def _file_renderer(fmt: str) -> type[BaseRenderer]:
    return type(
        f"{fmt.title()}Renderer",
        (_FileRenderer,),
        {"media_type": CONTENT_TYPES[fmt].split(";")[0], "format": fmt},
    )


class ReportDownloadView(APIView):
    permission_classes = [CanReadScores]
    fmt = "xlsx"

    def get(self, request, slug: str):
        survey = survey_get_for(request.user, slug)
        self.check_object_permissions(request, survey)
        return report_download(survey, self.fmt, valid_query(ReportQuery, request)["lang"])


def download_view(fmt: str):
    """One view class per format, so each has its own URL, content type and schema entry."""

    def get(self, request, slug: str):
        return ReportDownloadView.get(self, request, slug)

    decorated = extend_schema(
        summary=f"下载评价报告（{fmt.upper()}）",
        description=DESCRIPTIONS[fmt]
        + "。调查已发布时返回发布时冻结的文件；响应头 X-Data-Hash 为所含答卷的 SHA-256。"
        "默认中文；?lang=en 为英文报告（数字相同）。",
        parameters=[
            OpenApiParameter("lang", str, enum=["zh", "en"], description="报告语言，默认中文（zh）"),
            # DRF's ?format= only picks between the file and JSON for errors: nothing to offer.
            OpenApiParameter("format", exclude=True),
        ],
        responses={
            (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY, description=DESCRIPTIONS[fmt]
            ),
            (400, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="lang 不是 zh 或 en"),
            **refusals("application/json"),
            **cannot_score("application/json"),
        },
        operation_id=f"survey_report_{fmt}",
    )(get)
    return type(
        f"Report{fmt.title()}View",
        (ReportDownloadView,),
        {"fmt": fmt, "get": decorated, "renderer_classes": [JSONRenderer, _file_renderer(fmt)]},
    )
