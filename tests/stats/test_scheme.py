import pytest

from stats import SchemeError, parse_scheme, scheme_to_dict

CODES = dict(
    options=["satisfied", "basically_satisfied", "dissatisfied", "dont_know"],
    dimensions=["economy", "ecology"],
    items=["income", "air", "water"],
    groups=["villager", "staff"],
)
GOOD = {
    "option_points": {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None},
    "dimension_weights": {"economy": 0.5, "ecology": 0.5},
    "item_weights": {"income": 1},
    "group_weights": {"villager": 0.6, "staff": 0.4},
    "min_cell": 5,
}


def errors_of(**changes):
    data = {**GOOD, **changes}
    with pytest.raises(SchemeError) as caught:
        parse_scheme(data, **CODES)
    return caught.value.errors


def test_it_accepts_the_contract_example_and_round_trips():
    scheme = parse_scheme(GOOD, **CODES)
    assert scheme.item_weight("air") == 1.0
    assert parse_scheme(scheme_to_dict(scheme), **CODES) == scheme


def test_it_defaults_min_cell_to_five_and_allows_null_group_weights():
    data = {k: v for k, v in GOOD.items() if k != "min_cell"}
    data["group_weights"] = None
    scheme = parse_scheme(data, **CODES)
    assert scheme.min_cell == 5 and scheme.group_weights is None


def test_it_rejects_an_unknown_option_code():
    errors = errors_of(option_points={**GOOD["option_points"], "great": 120})
    assert any("great" in m and "未知" in m for m in errors["option_points"])


def test_it_rejects_points_that_are_not_numbers():
    errors = errors_of(option_points={**GOOD["option_points"], "satisfied": "100"})
    assert any("satisfied" in m and "不是数字" in m for m in errors["option_points"])


@pytest.mark.parametrize("points", [150, -10, 100.5])
def test_it_rejects_points_off_the_0_to_100_scale(points):
    errors = errors_of(option_points={**GOOD["option_points"], "satisfied": points})
    assert errors["option_points"] == [
        f"选项“satisfied”的分值 {points} 不在 0 至 100 之间：得分是百分制"
        f"（points of 'satisfied' must be between 0 and 100, as scores are, got {points!r}）"
    ]


def test_points_at_the_ends_of_the_scale_are_accepted():
    points = {"satisfied": 100, "basically_satisfied": 0.5, "dissatisfied": 0, "dont_know": None}
    assert parse_scheme({**GOOD, "option_points": points}, **CODES).option_points["satisfied"] == 100


def test_null_item_weights_and_min_cell_take_their_defaults():
    scheme = parse_scheme({**GOOD, "item_weights": None, "min_cell": None}, **CODES)
    assert scheme.item_weights == {} and scheme.min_cell == 5


def test_it_requires_points_for_every_option():
    points = {k: v for k, v in GOOD["option_points"].items() if k != "dont_know"}
    assert any("dont_know" in m for m in errors_of(option_points=points)["option_points"])


def test_it_rejects_a_negative_weight():
    errors = errors_of(item_weights={"air": -1})
    assert any("air" in m and "负数" in m for m in errors["item_weights"])


@pytest.mark.parametrize("key", ["dimension_weights", "group_weights"])
def test_it_rejects_a_weight_too_large_to_sum(key):
    """Four dimensions of 1e308 each overflowed their sum, and every score came out 0."""
    errors = errors_of(**{key: {code: 1e308 for code in GOOD[key]}})
    assert any("过大" in m and "1e100" in m for m in errors[key])
    assert parse_scheme({**GOOD, key: {code: 1e100 for code in GOOD[key]}}, **CODES)


def test_it_rejects_weights_summing_to_zero():
    errors = errors_of(dimension_weights={"economy": 0, "ecology": 0})
    assert any("之和" in m for m in errors["dimension_weights"])


def test_it_rejects_an_unknown_item_in_item_weights():
    assert any("soil" in m for m in errors_of(item_weights={"soil": 2})["item_weights"])


def test_it_requires_a_weight_for_every_dimension():
    errors = errors_of(dimension_weights={"economy": 1})
    assert any("缺少" in m and "ecology" in m for m in errors["dimension_weights"])


def test_it_rejects_an_unknown_group():
    errors = errors_of(group_weights={"villager": 1, "staff": 1, "mayor": 1})
    assert any("mayor" in m for m in errors["group_weights"])


def test_a_min_cell_written_as_a_whole_float_is_that_integer():
    """JSON has one kind of number: 5.0, as a script or a spreadsheet writes it, is 5 (it was
    refused as not an integer)."""
    scheme = parse_scheme({**GOOD, "min_cell": 5.0}, **CODES)
    assert scheme.min_cell == 5 and type(scheme_to_dict(scheme)["min_cell"]) is int


@pytest.mark.parametrize("bad", [0, -3, 2.5, "5", True])
def test_it_rejects_a_min_cell_that_is_not_a_positive_integer(bad):
    assert "min_cell" in errors_of(min_cell=bad)


def test_it_rejects_unknown_top_level_keys():
    assert "weights" in errors_of(weights={})


def test_it_reports_every_problem_at_once():
    errors = errors_of(min_cell=0, item_weights={"air": -1}, colour="red")
    assert set(errors) == {"min_cell", "item_weights", "colour"}
