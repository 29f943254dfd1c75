"""The score document (contract §5) described for the OpenAPI schema: what
GET /api/v1/surveys/SLUG/score/ and the what-if POST return, so that a client can be generated
and its answers checked (tests/security/test_api_fuzz.py checks every answer against it).

Only the schema uses these serializers; the document itself is made by surveys/scoring.py.
Scores are on 0–100 at full precision; a figure that cannot be computed (no counted answer, a
suppressed cell) is null.
"""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

_REFUSAL = inline_serializer("Refusal", {"detail": serializers.CharField()})
_NOT_FOUND = inline_serializer("NotFound", {"detail": serializers.CharField()})
_CANNOT_SCORE = inline_serializer(
    "CannotScore",
    {
        "code": serializers.ChoiceField(choices=["questionnaire_incomplete", "scheme_invalid"]),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text='scheme_invalid：{字段: [问题]}，如 {"dimension_weights": ["缺少维度“safety”的权重"]}',
        ),
    },
)


def refusals(media_type: str | None = None) -> dict:
    """The 403 and 404 of a survey's evaluator and staff endpoints, for extend_schema(responses=)."""
    key = (lambda code: (code, media_type)) if media_type else (lambda code: code)
    return {
        key(403): OpenApiResponse(
            _REFUSAL, description="未登录，或在这项调查中没有所需的角色（评价人员、工作人员）或管理员权限"
        ),
        key(404): OpenApiResponse(_NOT_FOUND, description="没有这项调查"),
    }


def cannot_score(media_type: str | None = None) -> dict:
    """The 409 of an endpoint that scores a survey which cannot be scored as it is stored
    (surveys/api/exceptions.py), for extend_schema(responses=)."""
    return {
        ((409, media_type) if media_type else 409): OpenApiResponse(
            _CANNOT_SCORE,
            description="还不能计算得分：问卷还缺少题目、答案选项或受访群体（code: questionnaire_incomplete），"
            "或保存的计分方案与问卷不符（code: scheme_invalid；errors 列出每个问题，detail 说明在哪里改正）",
        )
    }


def _number(help_text: str = "", **kwargs) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text, **kwargs)


def _interval() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        min_length=2,
        max_length=2,
        allow_null=True,
        help_text="95% 置信区间 [下限, 上限]",
    )


class _Estimate(serializers.Serializer):
    score = _number("0–100；无计分答案时为 null")
    se = _number("标准误")
    ci95 = _interval()
    deff = _number("设计效应")


class CompositeSerializer(_Estimate):
    n = serializers.IntegerField(help_text="至少有一个计分答案的答卷数")
    df = serializers.IntegerField(
        help_text="自由度：计入该数字的 PSU 数 − 层数（不足 1 时 se、ci95、deff 为 null）"
    )
    method = serializers.CharField(
        help_text="标准误方法：taylor（泰勒线性化），或 bootstrap (Rao–Wu, R=<重复次数>)，如 bootstrap (Rao–Wu, R=500)"
    )


class DimensionSerializer(_Estimate):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField(help_text="在综合得分中的权重（按有得分的维度重新归一）")
    n = serializers.IntegerField()


class ItemSerializer(_Estimate):
    code = serializers.CharField()
    name = serializers.CharField()
    dimension = serializers.CharField()
    weight = serializers.FloatField(help_text="方案中的题目权重")
    composite_weight = serializers.FloatField(help_text="在综合得分中的最终份额")
    n = serializers.IntegerField(help_text="计分答案数")
    dont_know = serializers.IntegerField(help_text="答“不了解”（dont_know）的人数")
    left_out = serializers.IntegerField(help_text="方案不计分（分值 null）的答案数")
    blank = serializers.IntegerField(help_text="未作答数")
    distribution = serializers.DictField(child=serializers.IntegerField(), help_text="{选项代码: 人数}")
    group_scores = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        allow_null=True,
        help_text="有群体权重时各群体的题目均分；无计分作答或作答不足 min_cell 人（不公布）时为 null",
    )


class BreakdownCellSerializer(_Estimate):
    code = serializers.CharField()
    name = serializers.CharField()
    n = serializers.IntegerField(help_text="至少有一个计分答案的答卷数（小单元隐去按此判断）")
    responses = serializers.IntegerField(help_text="该单元全部答卷数")
    suppressed = serializers.BooleanField(help_text="少于 min_cell 份：不公布得分")
    df = serializers.IntegerField()
    method = serializers.CharField()
    dimensions = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="{维度代码: 得分}"
    )
    village = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_null=True)


class SampleSerializer(serializers.Serializer):
    responses = serializers.IntegerField(help_text="计入的答卷数")
    excluded = serializers.IntegerField(help_text="已剔除的答卷数")
    synthetic = serializers.IntegerField(help_text="其中合成演示数据的份数")


class ExplainSerializer(serializers.Serializer):
    figure = serializers.CharField()
    text = serializers.CharField(help_text="该数字的推导过程")


class ItemReliabilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    corrected_item_total = _number("校正题总相关：该题与其余各题总分的相关")
    alpha_if_deleted = _number("删除该题后的 α")


class AlphaSerializer(serializers.Serializer):
    cronbach_alpha = _number(
        "克朗巴赫 α（全部题目都计分的受访者，逐行删除）；少于 2 人、只有 1 道题或总分都相同时为 null"
    )
    ci95 = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        allow_null=True,
        required=False,
        help_text="α 的 95% 置信区间 [下限, 上限]（Feldt 法）；α 为 null 时为 null（此前发布的文档没有这一项）",
    )
    n = serializers.IntegerField(help_text="全部题目都计分的受访者数")
    k = serializers.IntegerField(help_text="题数")
    method = serializers.ChoiceField(choices=["listwise", "pairwise"])
    items = ItemReliabilitySerializer(many=True)


class ReliabilitySerializer(AlphaSerializer):
    dimensions = serializers.DictField(child=AlphaSerializer(), help_text="{维度代码: 该维度各题的 α}")


class ScoreDocumentSerializer(serializers.Serializer):
    survey = serializers.CharField(help_text="调查代码")
    title = serializers.CharField()
    status = serializers.CharField()
    composite = CompositeSerializer()
    dimensions = DimensionSerializer(many=True)
    items = ItemSerializer(many=True)
    by_village = BreakdownCellSerializer(many=True)
    by_group = BreakdownCellSerializer(many=True)
    by_age_band = BreakdownCellSerializer(many=True)
    by_village_group = BreakdownCellSerializer(many=True)
    reliability = ReliabilitySerializer(
        help_text="克朗巴赫 α：全部题目的与各维度的，各附 Feldt 法 95% 置信区间"
    )
    scheme = serializers.DictField(
        help_text="所用计分方案：各选项分值、维度、题目与群体权重、最小公布样本量（min_cell）"
    )
    design = serializers.DictField(help_text="抽样设计：各层（群体）的 PSU 数、抽样比、自由度")
    warnings = serializers.ListField(child=serializers.CharField())
    sample = SampleSerializer()
    explain = ExplainSerializer(many=True)
    language = serializers.ChoiceField(choices=["zh", "en"])
    computed_at = serializers.DateTimeField()
