"""The paragraph for the 绩效评价报告 (surveys/reports/paragraph.py): written from the figures, so
it cannot say 300-odd questionnaires in one place and 200 in another, or leave out the margin
of error, as the seed report did."""

import pytest
from django.utils import translation

from surveys.reports.data import Sample
from surveys.reports.paragraph import report_paragraph


def _document(**changes) -> dict:
    document = {
        "composite": {"score": 92.625, "ci95": [91.2, 94.04]},
        "dimensions": [
            {"code": "economy", "name": "经济发展满意度", "weight": 0.6, "score": 90.1},
            {"code": "governance", "name": "政府履职满意度", "weight": 0.4, "score": None},
        ],
        "items": [{"code": c} for c in ("income", "jobs", "integrity")],
        "by_group": [
            {"code": "villager", "name": "村民群众"},
            {"code": "staff", "name": "政府工作人员"},
            {"code": "deputy", "name": "县、镇人大代表"},
        ],
        "by_village": [{"code": "a", "n": 20}, {"code": "b", "n": 19}, {"code": "c", "n": 0}],
        "design": {
            "strata": [
                {"group": "villager", "psu": 2, "psu_is": "village"},
                {"group": "staff", "psu": 40, "psu_is": "respondent"},
                {"group": "deputy", "psu": 0, "psu_is": "respondent"},  # nobody answered
            ]
        },
        "options": [
            {"code": "satisfied", "name": "满意", "points": 100},
            {"code": "basically_satisfied", "name": "基本满意", "points": 80.5},
            {"code": "dont_know", "name": "不了解", "points": None},
        ],
        "scheme": {
            "dimension_weights": {"economy": 0.6, "governance": 0.4},
            "group_weights": {"villager": 0.7, "staff": 0.3},
        },
    }
    document.update(changes)
    return document


def _sample(**changes) -> Sample:
    fields = {
        "planned": 380,
        "invitations": 18,
        "returned": 83,
        "valid": 79,
        "excluded": 4,
        "excluded_reasons": [],
        "synthetic": 0,
        "by_source": [],
    }
    return Sample(**{**fields, **changes})


def test_the_paragraph_says_who_how_many_how_scored_and_the_score_with_its_interval():
    with translation.override("zh-hans"):
        text = report_paragraph(_document(), _sample())
    assert text == (
        "本次满意度调查的对象为 2 个村（社区）的“村民群众”，以及“政府工作人员”，"
        "共回收问卷 83 份，有效 79 份（剔除 4 份）。"
        "问卷设 3 道题，分属 2 个维度，按“满意”100 分、“基本满意”80.5 分计分（“不了解”、未作答不计分），"
        "维度权重为经济发展满意度 0.6、政府履职满意度 0.4，各群体按权重（村民群众 0.7、政府工作人员 0.3）合并。"
        "综合满意度为 92.63 分（95% 置信区间 91.20–94.04 分）。"
        "各维度得分：经济发展满意度 90.10 分、政府履职满意度 —。"
    )


def test_in_english_and_for_a_survey_without_villages():
    document = _document(
        by_village=[],
        design={"strata": [{"group": "staff", "psu": 40, "psu_is": "respondent"}]},
        by_group=[{"code": "staff", "name": "Government staff"}],
        scheme={"dimension_weights": {"economy": 0.5, "governance": 0.5}},
        dimensions=[
            {"code": "economy", "name": "Economy", "weight": 0.5, "score": 90.1},
            {"code": "governance", "name": "Governance", "weight": 0.5, "score": 95},
        ],
        options=[{"code": "satisfied", "name": "Satisfied", "points": 100}],
    )
    with translation.override("en"):
        text = report_paragraph(document, _sample(returned=1, valid=1, excluded=0))
    assert text == (
        "This satisfaction survey asked “Government staff”; 1 questionnaire came back, 1 of them valid. "
        "The questionnaire has 3 items in 2 dimensions, scored “Satisfied” 100 (unanswered not scored); "
        "the dimensions weigh the same. "
        "The composite satisfaction is 92.63 (95% confidence interval 91.20–94.04). "
        "By dimension: Economy 90.10, Governance 95.00."
    )


def test_in_english_lists_end_with_and_where_chinese_uses_its_list_comma():
    document = _document(
        by_group=[
            {"code": "villager", "name": "Villagers"},
            {"code": "staff", "name": "Government staff"},
            {"code": "deputy", "name": "Deputies"},
        ],
        design={
            "strata": [
                {"group": "villager", "psu": 2, "psu_is": "village"},
                {"group": "staff", "psu": 40, "psu_is": "respondent"},
                {"group": "deputy", "psu": 9, "psu_is": "respondent"},
            ]
        },
        options=[
            {"code": "satisfied", "name": "Satisfied", "points": 100},
            {"code": "basically_satisfied", "name": "Basically satisfied", "points": 80},
            {"code": "dissatisfied", "name": "Dissatisfied", "points": 0},
            {"code": "dont_know", "name": "Don't know", "points": None},
        ],
    )
    with translation.override("en"):
        text = report_paragraph(document, _sample())
    assert text.startswith(
        "This satisfaction survey asked “Villagers” in 2 villages (communities), "
        "as well as “Government staff” and “Deputies”; 83 questionnaires came back"
    )
    assert (
        "scored “Satisfied” 100, “Basically satisfied” 80 and “Dissatisfied” 0 "
        "(“Don't know” and unanswered not scored)"
    ) in text
    assert (
        "the dimensions weigh 经济发展满意度 0.6 and 政府履职满意度 0.4, "
        "and the groups are combined with the weights Villagers 0.7 and Government staff 0.3."
    ) in text
    with translation.override("zh-hans"):
        text = report_paragraph(_document(), _sample())
    assert (
        "以及“政府工作人员”，" in text
        and "“满意”100 分、“基本满意”80.5 分计分（“不了解”、未作答不计分）" in text
    )


@pytest.mark.parametrize(
    ("composite", "said"),
    [
        ({"score": 92.5, "ci95": None}, "综合满意度为 92.50 分（样本不足以计算置信区间）。"),
        ({"score": None, "ci95": None}, "综合满意度还无法计算（没有计分的回答）。"),
    ],
)
def test_a_score_without_an_interval_or_without_a_score_says_so(composite, said):
    with translation.override("zh-hans"):
        assert said in report_paragraph(_document(composite=composite), _sample())


def test_synthetic_data_is_said_first():
    with translation.override("zh-hans"):
        assert report_paragraph(_document(), _sample(synthetic=79)).startswith(
            "（以下为演示数据，并非真实调查结果。）本次满意度调查"
        )


def test_a_document_published_without_named_options_is_scored_by_its_schemes_codes():
    document = _document(options=None)
    document["scheme"]["option_points"] = {"satisfied": 100, "dont_know": None}
    with translation.override("zh-hans"):
        text = report_paragraph(document, _sample())
    assert "按“satisfied”100 分计分（“dont_know”、未作答不计分）" in text


def test_a_document_without_its_design_names_the_groups_that_answered():
    document = _document(design=None, by_group=[{"code": "staff", "name": "政府工作人员", "n": 12}])
    with translation.override("zh-hans"):
        assert report_paragraph(document, _sample()).startswith(
            "本次满意度调查的对象为“政府工作人员”，共回收问卷"
        )
        assert report_paragraph(_document(design=None), _sample()).startswith("本次满意度调查，共回收问卷")
