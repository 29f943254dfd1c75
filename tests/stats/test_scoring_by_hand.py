"""The tiny survey of factories.tiny_matrix, worked out by hand.

Points: 满意 100, 基本满意 80, 不满意 0, 不了解 null. Dimensions economy 0.5, ecology 0.5.

           income  air   water
  r1 A vil   100   100    80
  r2 A vil    80   (dk)  100
  r3 A vil   100    80     0
  r4 B vil     0   100   100
  r5 B vil    80   100  (blank)
  r6 B vil   100    80    80
  r7 staff   100   100   100
  r8 staff    80     0    80

income = 640/8 = 80;  air = 560/7 = 80;  water = 540/7 = 77.142857…
economy = 80;  ecology = (80 + 540/7)/2 = 78.571428…;  composite = (80 + 78.5714…)/2 = 555/7 = 79.285714…

Taylor: a = (0.5, 0.25, 0.25); z_i = 0.5(y_inc − 80)/8 + 0.25 δ(y_air − 80)/7 + 0.25 δ(y_wat − 540/7)/7
  z = 2.066327, 0.816327, −1.505102 | −3.469388, 0.714286, 1.352041 | 2.780612, −2.755102
Villagers: PSU totals e_A = 1.377551, e_B = −1.403061 → 2/1 · Σ(e − ē)² = 7.731818
Staff (each its own PSU): 2/1 · Σ(z − z̄)² = 30.644133
V = 737125/19208 = 38.375937…, SE = 6.194831…, df = 4 PSUs − 2 strata = 2.
"""

import math

import pytest
from scipy import stats as sps

from stats import score
from tests.stats.factories import default_scheme, tiny_matrix

POINTS = {"satisfied": 100, "basically_satisfied": 80, "dissatisfied": 0, "dont_know": None}


@pytest.fixture(scope="module")
def result():
    return score(tiny_matrix(), default_scheme())


def item(result, code):
    return next(i for i in result.items if i.code == code)


def test_it_scores_an_item_as_the_mean_of_its_counted_answers(result):
    assert item(result, "income").score == pytest.approx(80.0)


def test_it_leaves_dont_know_out_of_the_mean(result):
    air = item(result, "air")
    assert air.score == pytest.approx(560 / 7)
    assert air.n == 7
    assert air.dont_know == 1


def test_dont_know_counts_the_dont_know_answers_whatever_the_scheme_scores(result):
    """items[].dont_know (contract §5) is how many answered 不了解; left_out, how many answers the
    scheme leaves out of the mean (points null)."""
    assert (item(result, "air").dont_know, item(result, "air").left_out) == (1, 1)
    scored = score(tiny_matrix(), default_scheme(option_points={**POINTS, "dont_know": 50}))
    air = item(scored, "air")
    assert (air.dont_know, air.left_out, air.n) == (1, 0, 8)
    harsh = score(tiny_matrix(), default_scheme(option_points={**POINTS, "dissatisfied": None}))
    air = item(harsh, "air")
    assert air.dont_know == 1 and air.left_out == 1 + air.distribution["dissatisfied"]


def test_it_leaves_blank_answers_out_of_the_mean(result):
    water = item(result, "water")
    assert water.score == pytest.approx(540 / 7)
    assert water.blank == 1
    assert water.distribution == {"satisfied": 3, "basically_satisfied": 3, "dissatisfied": 1, "dont_know": 0}


def test_a_dimension_is_the_mean_of_its_item_scores(result):
    ecology = next(d for d in result.dimensions if d.code == "ecology")
    assert ecology.score == pytest.approx((80 + 540 / 7) / 2)


def test_the_composite_is_the_dimension_weighted_mean(result):
    assert result.composite.score == pytest.approx(555 / 7)
    assert result.composite.n == 8


def test_the_composite_standard_error_is_the_hand_worked_taylor_figure(result):
    assert result.composite.se**2 == pytest.approx(737125 / 19208, rel=1e-12)
    assert result.composite.df == 2
    q = sps.t.ppf(0.975, 2)
    se = math.sqrt(737125 / 19208)
    # The upper end, 105.94, is past the scale: cut at 100, and a warning says so.
    assert result.composite.ci95 == pytest.approx((555 / 7 - q * se, 100.0))
    assert any("截断" in w and "composite" in w for w in result.warnings)


def test_the_item_weight_changes_the_dimension_score():
    r = score(tiny_matrix(), default_scheme(item_weights={"air": 3}))
    ecology = next(d for d in r.dimensions if d.code == "ecology")
    assert ecology.score == pytest.approx((3 * 80 + 540 / 7) / 4)


def test_a_village_cell_uses_srs_within_the_village(result):
    # Village A: income 280/3, air 180/2, water 180/3 → composite 0.5·93.33 + 0.25·90 + 0.25·60.
    # z = 4.027778, 1.111111, −5.138889 (they sum to 0); V = 3/2 · Σz² = 65.798611.
    a = next(c for c in result.by_village if c.code == "A")
    assert a.score == pytest.approx(0.5 * 280 / 3 + 0.25 * 90 + 0.25 * 60)
    assert a.method == "srs_within_village"
    z = [
        0.5 * (100 - 280 / 3) / 3 + 0.25 * 10 / 2 + 0.25 * 20 / 3,
        0.5 * (80 - 280 / 3) / 3 + 0.25 * 40 / 3,
        0.5 * (100 - 280 / 3) / 3 - 0.25 * 10 / 2 - 0.25 * 60 / 3,
    ]
    assert a.se**2 == pytest.approx(1.5 * sum(v * v for v in z))
    assert a.df == 2


def test_to_dict_gives_plain_json_values(result):
    d = result.to_dict()
    assert isinstance(d["composite"]["score"], float)
    assert d["composite"]["ci95"] == list(result.composite.ci95)
    assert d["items"][0]["distribution"]["satisfied"] == 4
    assert set(d) >= {
        "composite",
        "dimensions",
        "items",
        "by_village",
        "by_group",
        "by_age_band",
        "by_village_group",
        "reliability",
        "scheme",
        "warnings",
    }


def test_a_group_weighed_zero_has_no_score_in_its_own_cell_and_so_no_se():
    """Group weights {villager: 1, staff: 0}: the staff cell's own weighted mean is 0/0 — no score,
    and no SE or interval either (the SE was 0.00, as if it were exact)."""
    scheme = default_scheme(group_weights={"villager": 1, "staff": 0})
    staff = next(c for c in score(tiny_matrix(), scheme).by_group if c.code == "staff")
    assert staff.n > 0 and not staff.suppressed
    assert math.isnan(staff.score) and math.isnan(staff.se) and staff.ci95 is None
