"""GET /api/v1/surveys/: the surveys a token's owner (or a logged-in user) is a member of, each
with what they may read of it — for an evaluator, the figures the /evaluate/ list shows
(surveys/evaluate/overview.py): the composite, its sample and dimensions, where the figures come
from, the change since the same body's survey of the year before; for staff, none (staff never
see scores), only the addresses of what they may read. A county's script finds every town's
survey here, then reads each one's score, progress or downloads by its slug. ?year=, ?status=
and ?q= keep what the /staff/ and /evaluate/ lists' choices keep (surveys/selectors_surveys.py),
the change still taken from the year before's survey when that one is not asked for; a year
outside 1900–2100 or a status that does not exist is a 400."""

from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from stats.text import one_line
from surveys.api.exceptions import valid_query
from surveys.api.progress import TotalsSerializer
from surveys.api.score_schema import CompositeSerializer, DimensionSerializer, SampleSerializer
from surveys.evaluate.overview import SurveyFigures, survey_figures
from surveys.localized import localized, organisation
from surveys.models import YEARS, Survey
from surveys.permissions import can_read_scores, can_view_progress, surveys_listed_for
from surveys.reports.data import LANGUAGES
from surveys.selectors_progress import progress_totals
from surveys.selectors_surveys import (
    PROGRESS_ORDERS,
    SCORE_ORDERS,
    WORDS_MAX,
    SurveysAsked,
    by_score,
    lagging_first,
)

# The orders of the /evaluate/ and /staff/ lists, both here: a county's script ranks every town.
ORDERS = [*SCORE_ORDERS, *PROGRESS_ORDERS]


class ListQuery(serializers.Serializer):
    """The query string, as the schema gives it too (a year's bounds, the statuses)."""

    lang = serializers.ChoiceField(choices=["zh", "en"], default="zh", help_text="名称与说明的语言，默认中文")
    # The /staff/ and /evaluate/ lists' choices (surveys/selectors_surveys.py); here a value out
    # of range is a 400, and a year none of the surveys has an empty list.
    year = serializers.IntegerField(
        min_value=YEARS[0], max_value=YEARS[1], required=False, help_text="只列这一年度的调查"
    )
    status = serializers.ChoiceField(
        choices=Survey.Status.values, required=False, help_text="只列这一状态的调查"
    )
    q = serializers.CharField(
        max_length=WORDS_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="只列名称、被评价单位（中英文）、代码或年度含有这些字的调查，不分大小写；以空格分开的几个词须都含有",
    )
    order = serializers.ChoiceField(
        choices=ORDERS,
        required=False,
        help_text="排序；不给出时年度新者在前。score-asc / score-desc：按综合得分从低到高 / 从高到低"
        "（没有得分或无权读取得分的排在最后）；progress-asc：按收集进度从低到高（配额目标已完成的比例，"
        "同比例时尚缺多者在前；草稿、未设配额或无权查看进度的排在最后）",
    )


class ChangeSerializer(serializers.Serializer):
    base = serializers.CharField(help_text="同一被评价单位上一年度的调查代码")
    difference = serializers.FloatField(allow_null=True, help_text="综合满意度的差值：本调查 − 上年度")
    se = serializers.FloatField(allow_null=True, help_text="差值的标准误（两样本独立）")
    ci95 = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="差值的 95% 置信区间",
    )
    significant = serializers.BooleanField(
        allow_null=True, help_text="区间不含 0；差值没有区间时为 null（无法判断）"
    )
    same_scoring = serializers.BooleanField(
        help_text="两年的选项分值与权重相同（不同时差值部分来自计分方案）"
    )


class FiguresSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["published", "today", "none"],
        help_text="published：发布时冻结的数字；today：当前数据；none：还不能计算得分（见 problem）",
    )
    published_at = serializers.DateTimeField(allow_null=True)
    composite = CompositeSerializer(allow_null=True, help_text="与得分文档的 composite 相同")
    sample = SampleSerializer(allow_null=True)
    dimensions = DimensionSerializer(many=True)
    scheme = serializers.CharField(help_text="计分方案摘要（与评价页、下载文件所写相同）")
    data_hash = serializers.CharField(help_text="所用答卷的 SHA-256 摘要（已发布的为发布时的）")
    changed_since_publication = serializers.BooleanField(
        allow_null=True, help_text="已发布的调查：发布后答卷是否有变化（发布的数字不受影响）"
    )
    change = ChangeSerializer(
        allow_null=True, help_text="较同一被评价单位上一年度调查的变化（仅有一项时给出）"
    )
    problem = serializers.CharField(help_text="不能计算得分的原因；能计算时为空")


class ListedProgressSerializer(TotalsSerializer):
    still_needed = serializers.IntegerField(help_text="配额尚缺的答卷数（target − towards_target）")
    last_response_at = serializers.DateTimeField(allow_null=True, help_text="最近收到答卷的时间")


class SurveyListItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["draft", "open", "closed", "published"])
    figures = FiguresSerializer(allow_null=True, help_text="评价人员与管理员才有；工作人员为 null")
    progress = ListedProgressSerializer(
        allow_null=True,
        help_text="收集进度的合计（与进度接口的 totals 相同，另有最近收到答卷的时间）；草稿与无权查看进度者为 null",
    )
    links = inline_serializer(
        "SurveyLinks",
        {
            "score": serializers.CharField(allow_null=True),
            "progress": serializers.CharField(allow_null=True),
        },
    )


def _figures(figures: SurveyFigures) -> dict:
    change = figures.change
    return {
        "source": "published"
        if figures.published_at
        else ("today" if figures.document is not None else "none"),
        "published_at": figures.published_at.isoformat() if figures.published_at else None,
        "composite": figures.document["composite"] if figures.document is not None else None,
        "sample": (figures.document or {}).get("sample"),
        "dimensions": figures.dimensions,
        "scheme": figures.scheme_digest,
        "data_hash": figures.data_hash,
        "changed_since_publication": figures.changed_since_publication,
        "change": None
        if change is None
        else {
            "base": change.base.slug,
            "difference": change.difference,
            "se": change.se,
            "ci95": list(change.ci95) if change.ci95 else None,
            "significant": change.significant,
            "same_scoring": change.same_scoring,
        },
        "problem": figures.problem,
    }


class SurveyListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="我的调查（评价人员附综合得分）",
        description=(
            "令牌所有者（或登录用户）所在的调查，年度新者在前（或按 order 排序）。评价人员与管理员：每项调查附评价页所示的数字"
            "（已发布的为发布时冻结的数字，否则为当前数据）、样本、各维度得分，以及较同一被评价单位上一年度调查的变化；"
            "工作人员：figures 为 null。可查看进度者：progress 为收集进度的合计。"
            "links 给出可读取的得分与进度地址（无权读取时为 null）。"
        ),
        parameters=[ListQuery],
        responses={200: SurveyListItemSerializer(many=True), 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = valid_query(ListQuery, request)
        language = query["lang"]
        every = surveys_listed_for(request.user)
        asked = SurveysAsked(
            year=query.get("year"), status=query.get("status", ""), words=one_line(query["q"])
        )
        surveys = asked.keep(every)
        # The year before is looked for among every survey one may score, not only those asked for.
        among = [s for s in every if can_read_scores(request.user, s)]
        readable = asked.keep(among)
        with translation.override(LANGUAGES[language]):
            figures = {f.survey.pk: f for f in survey_figures(readable, language, among=among)}
            progress = progress_totals(
                [
                    survey
                    for survey in surveys
                    if survey.status != Survey.Status.DRAFT and can_view_progress(request.user, survey)
                ]
            )
            order = query.get("order", "")
            if order == "progress-asc":
                surveys = lagging_first(surveys, progress)
            elif order:
                surveys = by_score(surveys, {pk: f.score for pk, f in figures.items()}, order)
            english = language == "en"
            items = [
                {
                    "slug": survey.slug,
                    "title": localized(survey, english=english),
                    "organisation": organisation(survey, english=english),
                    "year": survey.year,
                    "status": survey.status,
                    "figures": _figures(figures[survey.pk]) if survey.pk in figures else None,
                    "progress": ListedProgressSerializer(progress[survey.pk]).data
                    if survey.pk in progress
                    else None,
                    "links": {
                        "score": reverse("api-survey-score", args=[survey.slug])
                        if survey.pk in figures
                        else None,
                        "progress": reverse("api-survey-progress", args=[survey.slug])
                        if can_view_progress(request.user, survey)
                        else None,
                    },
                }
                for survey in surveys
            ]
        response = Response(items)
        response["Content-Language"] = "en" if language == "en" else "zh-Hans"
        return response
