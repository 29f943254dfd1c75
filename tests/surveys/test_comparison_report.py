"""The comparison PDF's sentences (surveys/reports/comparison.py `_headline`): what a report
writer copies about the change since the base year, for every case the two documents allow."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from surveys.reports.comparison import _headline, comparison_table

SCHEME = {"option_points": {"satisfied": 100}, "dimension_weights": {"d": 1}}


def _document(composite, dimension, item, *, se=1.0):
    def cell(score, **more):
        return {"score": score, "se": None if score is None else se, **more}

    return {
        "composite": cell(composite),
        "dimensions": [cell(dimension, code="d", name="经济发展")],
        "items": [cell(item, code="i", name="收入")],
        "scheme": SCHEME,
    }


BASE, THIS = SimpleNamespace(year=2023), SimpleNamespace(year=2024)


def _sentences(base_document, document):
    with translation.override("zh-hans"):
        return _headline(THIS, BASE, comparison_table(base_document, document))


def test_a_change_within_its_interval_is_not_called_a_change():
    # 90 → 91 with se 1 each side: difference +1.00, se √2, interval [-1.77, 3.77].
    sentences = _sentences(_document(90, 90, 90), _document(91, 91, 91))
    assert sentences == [
        "综合满意度：基期 90.00 分（2023），本期 91.00 分（2024），差值 +1.00 分，95% 置信区间 -1.77 至 3.77。",
        "区间含 0：这一差值可能只是抽样误差，不能据此认为满意度有变化。",
        "各维度与各题的差值，区间都含 0。",
    ]


def test_a_change_beyond_its_interval_is_named_with_the_parts_that_changed():
    # Composite and item down by 5 (interval [-7.77, -2.23]); the dimension up by 1 (within).
    sentences = _sentences(_document(90, 90, 90), _document(85, 91, 85))
    assert sentences[1:] == ["区间不含 0：变化显著。", "区间不含 0 的维度与题目：收入 -5.00。"]
    assert "差值 -5.00 分，95% 置信区间 -7.77 至 -2.23。" in sentences[0]


def test_a_side_without_a_composite_or_a_standard_error_is_said_so():
    assert _sentences(_document(None, None, None), _document(85, 91, 85))[0] == (
        "综合满意度无法比较：其中一项调查没有综合得分。"
    )
    single = _document(85, 91, 85, se=None)  # one primary sampling unit: no standard error
    assert _sentences(_document(90, 90, 90), single) == [
        "综合满意度：基期 90.00 分（2023），本期 85.00 分（2024），差值 -5.00 分；"
        "其中一期没有标准误，说不出这一差值是否超出抽样误差。"
    ], "and nothing said of intervals the dimensions and items do not have"
    partly = _document(85, 91, 85)
    partly["items"][0]["se"] = None
    assert (
        _sentences(_document(90, 90, 90), partly)[-1]
        == "有置信区间的维度与题目，区间都含 0；其余没有标准误。"
    )


@pytest.mark.parametrize("score", [90, 90.004])
def test_no_change_reads_as_none(score):
    sentences = _sentences(_document(90, 90, 90), _document(score, 90, 90))
    assert "差值 0.00 分" in sentences[0]
