from pathlib import Path

import numpy as np
import pytest

from stats import cronbach_alpha, score
from stats.reliability import alpha_from_moments, feldt_interval
from tests.stats.factories import four_dimension_scheme, generated_matrix

DATA = Path(__file__).parent.parent / "data"


def load(name):
    return np.genfromtxt(DATA / name, delimiter=",", skip_header=1)


def test_it_matches_psych_alpha_on_the_attitude_data():
    # psych::alpha(attitude): raw_alpha 0.8431427696; alpha.drop and r.drop for `rating`
    # 0.8097602063 and 0.6712620572; for `critical` 0.8638723114 and 0.2650343392.
    a = cronbach_alpha(
        load("attitude.csv"),
        ["rating", "complaints", "privileges", "learning", "raises", "critical", "advance"],
    )
    assert a.alpha == pytest.approx(0.8431427696, abs=1e-9)
    assert a.n == 30
    assert a.items[0].alpha_if_deleted == pytest.approx(0.8097602063, abs=1e-9)
    assert a.items[0].corrected_item_total == pytest.approx(0.6712620572, abs=1e-9)
    assert a.items[5].alpha_if_deleted == pytest.approx(0.8638723114, abs=1e-9)
    assert a.items[5].corrected_item_total == pytest.approx(0.2650343392, abs=1e-9)


def test_it_matches_pingouin_listwise_on_the_data_with_missing_values():
    a = cronbach_alpha(load("cronbach_wide_missing.csv"))
    assert round(a.alpha, 4) == 0.8017
    assert a.method == "listwise"


def test_it_matches_pingouin_pairwise_on_the_data_with_missing_values():
    a = cronbach_alpha(load("cronbach_wide_missing.csv"), pairwise=True)
    assert round(a.alpha, 4) == 0.7327


def test_score_reports_the_listwise_alpha_of_its_points():
    m = generated_matrix(3000, seed=4)
    r = score(m, four_dimension_scheme())
    points = np.array([100.0, 80.0, 0.0, np.nan, np.nan])[m.answers]  # index -1 → last → NaN
    direct = cronbach_alpha(points)
    assert r.reliability["cronbach_alpha"] == pytest.approx(direct.alpha, rel=1e-10)
    assert r.reliability["n"] == direct.n
    economy_items = [j for j, d in enumerate(m.item_dimension) if d == "economy"]
    assert r.reliability["dimensions"]["economy"]["cronbach_alpha"] == pytest.approx(
        cronbach_alpha(points[:, economy_items]).alpha, rel=1e-10
    )


@pytest.mark.parametrize(
    ("alpha", "interval"),
    [
        (0.732660835214447, [0.435, 0.909]),  # pairwise
        (0.8016949152542373, [0.581, 0.933]),  # listwise (pingouin still counts 12 rows)
        (0.7380191693290734, [0.447, 0.911]),  # missing values imputed with the median
    ],
)
def test_feldt_interval_matches_pingouin_documented_values(alpha, interval):
    # pingouin's cronbach_alpha on its cronbach_wide_missing data (12 rows, 11 items)
    low, high = feldt_interval(alpha, 12, 11)
    assert [round(low, 3), round(high, 3)] == interval


def test_the_listwise_interval_counts_the_complete_rows_only():
    # pingouin takes n before dropping the three incomplete rows, so its listwise interval
    # [0.581, 0.933] is narrower than the nine respondents allow
    a = cronbach_alpha(load("cronbach_wide_missing.csv"))
    assert a.n == 9
    assert a.ci95 == feldt_interval(a.alpha, 9, 11)
    assert [round(b, 3) for b in a.ci95] == [0.533, 0.947]


def test_few_respondents_give_a_wide_interval_reaching_below_zero():
    few = np.array([[3, 2, 3, 1], [2, 3, 1, 2], [3, 3, 2, 3], [1, 2, 1, 1]], dtype=float)
    a = cronbach_alpha(few)
    assert (a.n, a.k) == (4, 4)
    assert a.ci95[0] < 0 < a.alpha < a.ci95[1] < 1


def test_no_interval_without_alpha():
    assert all(np.isnan(b) for b in cronbach_alpha(np.ones((5, 3))).ci95)  # no variance
    assert all(np.isnan(b) for b in feldt_interval(0.5, 1, 4))
    assert all(np.isnan(b) for b in feldt_interval(0.5, 30, 1))


def test_totals_that_are_all_the_same_give_no_alpha_whatever_the_rounding():
    # 100 + 80 + 0 and 80 + 0 + 100 are both 180: the total score has no variance, and α none. The
    # covariances summed to −4.5e-13 or +1e-13 by rounding; α came out as −9·10¹⁵, shown on the
    # evaluator page with an "interval" of [−6·10¹⁶, −6·10¹⁴].
    rows = np.array([[100, 80, 0], [80, 0, 100]] * 2, dtype=float)
    for matrix in (rows, rows[::-1], np.vstack([rows, rows])):
        a = cronbach_alpha(matrix)
        assert np.isnan(a.alpha) and all(np.isnan(b) for b in a.ci95)
        n = matrix.shape[0]
        moments = alpha_from_moments(n, matrix.sum(axis=0), matrix.T @ matrix, ["a", "b", "c"])
        assert np.isnan(moments.alpha)
    # One respondent off the common total: the total varies a little, and α is defined again
    # (1.5 · (1 − ΣVar_i / Var_total) = −87 exactly; far below 0, as items pulling apart give).
    other = np.vstack([rows, [[100, 80, 20]]])
    assert cronbach_alpha(other).alpha == pytest.approx(-87.0)
