"""Scores for evaluators: the score document, what-if schemes, saving a scheme, year over year."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

import stats
from stats.compare import compare_documents, same_scoring
from stats.scheme import MAX_WEIGHT, NOT_AN_OBJECT
from surveys.api.exceptions import valid_query
from surveys.api.score_schema import ScoreDocumentSerializer, cannot_score, refusals
from surveys.cache import survey_data_changed
from surveys.models import Survey
from surveys.permissions import CanReadScores, survey_get_for
from surveys.scoring import METHODS, score_document, survey_matrix, survey_scheme
from surveys.services.publish import score_document_shown

SCORE_PARAMETERS = [
    OpenApiParameter("method", str, enum=list(METHODS), description="标准误方法：taylor（默认）或 bootstrap"),
    OpenApiParameter("lang", str, enum=["zh", "en"], description="名称与说明的语言，默认中文"),
]


# A published survey's score is the one published (as on the evaluator page and in the downloads).
LIVE = OpenApiParameter(
    "live",
    bool,
    description="true：已发布的调查也按当前数据计算（默认给出发布时冻结的得分文档，响应头 X-Report-Published: 1）",
)

REFUSALS = {**refusals(), **cannot_score()}  # every view here scores the survey


class ScoreQuery(serializers.Serializer):
    method = serializers.ChoiceField(choices=METHODS, default="taylor")
    lang = serializers.ChoiceField(choices=["zh", "en"], default="zh")


class ScoreGetQuery(ScoreQuery):
    live = serializers.BooleanField(default=False)


def _weights(help_text: str, **kwargs) -> serializers.DictField:
    child = serializers.FloatField(min_value=0, max_value=MAX_WEIGHT)
    return serializers.DictField(child=child, help_text=help_text, **kwargs)


# A scheme as contract §2 writes it, for the schema: what a client sends and reads. The views check
# a scheme with stats.parse_scheme against the survey's own codes, whose messages name each code
# and value; this serializer validates nothing. Its docstring is the schema's description.
class SchemeSerializer(serializers.Serializer):
    """计分方案：各选项分值、维度与题目权重、群体权重、最小公布样本量。代码为本调查问卷中的代码。"""

    option_points = serializers.DictField(
        child=serializers.FloatField(allow_null=True, min_value=0, max_value=100),
        help_text="{选项代码: 分值 0–100，null 为不计分}；未列出的选项取问卷的默认分值",
    )
    dimension_weights = _weights("{维度代码: 权重}，问卷的每个维度都要有")
    item_weights = _weights("{题目代码: 权重}；未列出的题目权重为 1", required=False, allow_null=True)
    group_weights = _weights(
        "{群体代码: 权重}，每个群体都要有；null 为不按群体加权", required=False, allow_null=True
    )
    min_cell = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="分项少于此人数不公布得分，默认 5"
    )

    class Meta:
        closed = True  # any other key is refused (surveys/api/openapi.py: additionalProperties)


@extend_schema_field(SchemeSerializer)
class SchemeField(serializers.JSONField):
    """The what-if's scheme: any JSON here, checked by stats.parse_scheme; the schema gives its shape."""


class WhatIfInput(serializers.Serializer):
    scheme = SchemeField(help_text="计分方案，只用于试算，不保存")


# Contract §2's example, in the 2020 survey's codes: 基本满意 at 80, group weights 0.6 / 0.2 / 0.2.
EXAMPLE_SCHEME = {
    "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
    "dimension_weights": {"economy": 0.25, "ecology": 0.25, "safety": 0.25, "governance": 0.25},
    "item_weights": {"income": 1},
    "group_weights": {"villager": 0.6, "staff": 0.2, "deputy": 0.2},
    "min_cell": 5,
}


def _document(document: dict) -> Response:
    """The score document, its Content-Language its own (?lang=), not the page language a
    cookie chose."""
    response = Response(document)
    response["Content-Language"] = "en" if document["language"] == "en" else "zh-Hans"
    return response


def _errors(exc: stats.SchemeError) -> Response:
    return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)


class _SurveyView(APIView):
    permission_classes = [CanReadScores]

    def survey(self, request, slug: str) -> Survey:
        survey = survey_get_for(request.user, slug)
        self.check_object_permissions(request, survey)
        return survey

    def query(self, request) -> dict:
        return valid_query(ScoreQuery, request)


class ScoreView(_SurveyView):
    @extend_schema(
        summary="得分文档",
        parameters=[*SCORE_PARAMETERS, LIVE],
        responses={200: ScoreDocumentSerializer, 400: OpenApiTypes.OBJECT, **REFUSALS},
    )
    def get(self, request, slug: str):
        survey = self.survey(request, slug)
        document, frozen = score_document_shown(survey, **valid_query(ScoreGetQuery, request))
        response = _document(document)
        response["X-Report-Published"] = "1" if frozen else "0"
        return response

    @extend_schema(
        summary="按另一计分方案试算（不保存）",
        description=(
            "The scheme as in the contract; an option it leaves out of option_points scores its "
            "questionnaire's default points (dont_know: none), as in a saved scheme. The document's "
            "scheme gives every option's points used."
        ),
        parameters=SCORE_PARAMETERS,
        request=WhatIfInput,
        examples=[OpenApiExample("按群体加权", request_only=True, value={"scheme": EXAMPLE_SCHEME})],
        responses={200: ScoreDocumentSerializer, 400: OpenApiTypes.OBJECT, **REFUSALS},
    )
    def post(self, request, slug: str):
        survey = self.survey(request, slug)
        body = WhatIfInput(data=request.data)
        if not body.is_valid():
            return Response({"errors": body.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            return _document(
                score_document(survey, scheme_data=body.validated_data["scheme"], **self.query(request))
            )
        except stats.SchemeError as exc:
            return _errors(exc)


class SchemeView(_SurveyView):
    @extend_schema(summary="当前计分方案", responses={200: SchemeSerializer, **REFUSALS})
    def get(self, request, slug: str):
        survey = self.survey(request, slug)
        loaded = survey_matrix(survey)
        scheme = survey_scheme(survey, loaded.catalog, loaded.matrix.dimension_codes)
        return Response(stats.scheme_to_dict(scheme))

    @extend_schema(
        summary="保存计分方案（校验代码与权重）",
        request=SchemeSerializer,
        examples=[OpenApiExample("按群体加权", request_only=True, value=EXAMPLE_SCHEME)],
        responses={200: SchemeSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT, **REFUSALS},
    )
    def put(self, request, slug: str):
        survey = self.survey(request, slug)
        if survey.status == Survey.Status.PUBLISHED:
            return Response(
                {"errors": {"scheme": [_("调查已发布，计分方案已冻结，不能修改。")]}},
                status=status.HTTP_409_CONFLICT,
            )
        data = request.data
        if not isinstance(data, dict):  # null would be taken as "the scheme it has" and saved
            return _errors(stats.SchemeError({"scheme": [NOT_AN_OBJECT]}))
        loaded = survey_matrix(survey)
        try:
            scheme = survey_scheme(survey, loaded.catalog, loaded.matrix.dimension_codes, data)
        except stats.SchemeError as exc:
            return _errors(exc)
        with transaction.atomic():
            survey.scheme = stats.scheme_to_dict(scheme)
            survey.save(update_fields=["scheme", "updated_at"])
            survey_data_changed(survey)
        return Response(survey.scheme)


class CompareView(_SurveyView):
    @extend_schema(
        summary="与另一年度（或另一调查）比较：差值及其标准误",
        description=(
            "current − base，按两份得分文档计算（各自的标准误合成差值的标准误，两样本独立）。"
            "已发布的调查用发布时冻结的得分文档，与评价页面和 compare_surveys 命令一致；live=true 则按当前数据计算。"
            "same_scoring：两者的选项分值与权重是否相同（不同时差值部分来自计分方案）。"
        ),
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, **REFUSALS},
        parameters=[
            OpenApiParameter("other", str, OpenApiParameter.PATH, description="作为基期的调查代码"),
            *SCORE_PARAMETERS,
            LIVE,
        ],
    )
    def get(self, request, slug: str, other: str):
        current = self.survey(request, slug)
        base = self.survey(request, other)
        options = valid_query(ScoreGetQuery, request)
        base_document = score_document_shown(base, **options)[0]
        current_document = score_document_shown(current, **options)[0]
        comparison = compare_documents(base_document, current_document).to_dict()
        return Response(
            {
                "base": base.slug,
                "current": current.slug,
                **comparison,
                "same_scoring": same_scoring(base_document, current_document),
            }
        )
