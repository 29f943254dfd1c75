"""How many choices the questionnaire puts side by side (surveys/respond/layout.py)."""

import pytest

from surveys.respond.layout import columns, label_ems

USUAL = ["满意", "基本满意", "不满意", "不了解"]
USUAL_EN = ["Satisfied", "Basically satisfied", "Dissatisfied", "Don't know"]


@pytest.mark.parametrize(
    ("labels", "classes"),
    [
        (USUAL, "c2 m2 w4"),  # the demo's scale: as it always was, two by two on a phone
        (USUAL_EN, "c2 m2 w4"),
        (["满意", "不满意", "不了解"], "c3 m3 w3"),  # three short choices: one row, not 2 + 1
        ([f"{k}分" for k in range(10, -1, -1)] + ["不了解"], "c3 m3 w4"),  # 0–10: rows of 3, not 6 rows of 2
        (["非常满意", "满意", "一般", "不满意", "非常不满意"], "c2 m2 w3"),  # wide: 3 + 2, not 4 + 1
        (["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"], "c2 m2 w3"),  # 3 + 3
        (["是", "否"], "c2 m2 w2"),
        (["很好"], "c1 m1 w1"),
        (["18–39岁", "40–59岁", "60岁及以上"], "c2 m2 w3"),
        ([], ""),
    ],
)
def test_as_many_columns_as_fit_whole_in_even_rows_never_fewer_than_before(labels, classes):
    assert columns(labels) == classes


def test_a_long_label_keeps_the_two_columns_it_always_had_and_wraps_inside_its_box():
    assert columns(["比较满意但仍需改进的地方很多", "不满意"]) == "c2 m2 w2"


def test_an_english_label_may_take_two_lines_a_chinese_one_is_measured_whole():
    assert label_ems("Basically satisfied") == pytest.approx(len("satisfied") * 0.6)
    assert label_ems("Very satisfied indeed") == pytest.approx(len("Very satisfied") * 0.6)  # not 4 + 16
    assert label_ems("非常不满意") == 5
    assert label_ems("10分") == pytest.approx(2.2)
