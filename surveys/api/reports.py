"""The evaluator's downloads (contract §6): GET /api/v1/surveys/SLUG/report.xlsx|.pdf|.csv|.sav."""

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

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


def attachment(body: bytes, fmt: str, *, ascii_name: str, name: str) -> HttpResponse:
    """A download whose file name is Chinese where the browser can take it, ASCII otherwise."""
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response


def report_download(survey, fmt: str) -> HttpResponse:
    """The frozen published file for a published survey, else one rendered now."""
    published = published_report(survey) if survey.status == survey.Status.PUBLISHED else None
    if published is not None and bytes(getattr(published, fmt) or b""):
        body, data_hash = bytes(getattr(published, fmt)), published.data_hash
        label = "已发布统计结果"
    else:
        data = report_data(survey)
        body, data_hash = render_report(data, fmt), data.data_hash
        label = "统计结果"
    response = attachment(
        body,
        fmt,
        ascii_name=f"{survey.slug}-report.{fmt}",
        name=f"{survey.title}-{label}.{fmt}",
    )
    response["X-Data-Hash"] = data_hash
    response["X-Report-Published"] = "1" if published is not None else "0"
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
        return report_download(survey, self.fmt)


def download_view(fmt: str):
    """One view class per format, so each has its own URL, content type and schema entry."""

    def get(self, request, slug: str):
        return ReportDownloadView.get(self, request, slug)

    decorated = extend_schema(
        summary=f"下载评价报告（{fmt.upper()}）",
        description=DESCRIPTIONS[fmt]
        + "。调查已发布时返回发布时冻结的文件；响应头 X-Data-Hash 为所含答卷的 SHA-256。",
        responses={
            (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY, description=DESCRIPTIONS[fmt]
            ),
        },
        operation_id=f"survey_report_{fmt}",
    )(get)
    return type(
        f"Report{fmt.title()}View",
        (ReportDownloadView,),
        {"fmt": fmt, "get": decorated, "renderer_classes": [JSONRenderer, _file_renderer(fmt)]},
    )
