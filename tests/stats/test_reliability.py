from pathlib import Path

import numpy as np
import pytest

from stats import cronbach_alpha, score
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
