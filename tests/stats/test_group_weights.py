"""Group weights (contract §2): S_i = Σ W_g S_ig / Σ W_g over groups with a counted answer.

On the tiny survey with villager 0.6, staff 0.4:
  income: villagers 460/6, staff 90 → 0.6·76.667 + 0.4·90 = 82
  air:    villagers 460/5 = 92, staff 50 → 0.6·92 + 0.4·50 = 75.2
  water:  villagers 360/5 = 72, staff 90 → 0.6·72 + 0.4·90 = 79.2
"""

import numpy as np
import pytest

from stats import score
from tests.stats.factories import DK, default_scheme, four_dimension_scheme, generated_matrix, tiny_matrix

WEIGHTS = {"villager": 0.6, "staff": 0.4}


def scores(result):
    return {i.code: i.score for i in result.items}


def test_it_weights_the_group_means_of_an_item():
    r = score(tiny_matrix(), default_scheme(group_weights=WEIGHTS))
    assert scores(r) == pytest.approx({"income": 82.0, "air": 75.2, "water": 79.2})
    assert r.items[1].group_scores == pytest.approx({"villager": 92.0, "staff": 50.0})


def test_it_renormalises_over_the_groups_that_answered_the_item():
    m = tiny_matrix()
    m.answers[6:, 1] = DK  # no staff member counts on air
    r = score(m, default_scheme(group_weights=WEIGHTS))
    assert scores(r)["air"] == pytest.approx(92.0)
    assert scores(r)["income"] == pytest.approx(82.0)


def test_its_variance_is_the_sum_of_squared_weights_times_the_group_variances():
    # Strata are groups, so with fixed λ_g: V = Σ λ_g² V_g and S = Σ λ_g S_g.
    m = generated_matrix(3000, seed=7, dont_know=0.0, blank=0.0)
    lam = {"villager": 0.5, "staff": 0.3, "deputy": 0.2}
    r = score(m, four_dimension_scheme(group_weights=lam))
    total_v, total_s = 0.0, 0.0
    for g, code in enumerate(m.group_codes):
        rows = m.group == g
        sub = generated_matrix(3000, seed=7, dont_know=0.0, blank=0.0)
        for name in ("answers", "group", "village", "age_band"):
            setattr(sub, name, getattr(m, name)[rows])
        alone = score(sub, four_dimension_scheme())
        total_v += lam[code] ** 2 * alone.composite.se**2
        total_s += lam[code] * alone.composite.score
    assert r.composite.score == pytest.approx(total_s)
    assert r.composite.se**2 == pytest.approx(total_v, rel=1e-9)


def test_without_group_weights_groups_are_pooled():
    r = score(tiny_matrix(), default_scheme())
    assert scores(r)["income"] == pytest.approx(80.0)
    assert np.isclose(r.items[0].composite_weight, 0.5)


def test_a_groups_item_mean_from_fewer_than_min_cell_answers_is_withheld_and_its_derivation_says_so():
    """With group weights each item's derivation printed every group's mean — one deputy's (or
    two staff members') answers word for word although their group cell is suppressed."""
    from stats import explain

    r = score(tiny_matrix(), default_scheme(group_weights=WEIGHTS, min_cell=3))
    air = r.items[1]
    assert air.group_scores == {"villager": pytest.approx(92.0), "staff": None}  # 2 staff answered
    assert air.score == pytest.approx(75.2)  # the score itself is unchanged
    assert [c.suppressed for c in r.by_group] == [False, True]
    text = next(e["text"] for e in explain(r) if e["figure"] == "item:air")
    assert "50.00" not in text and "0.4×〔staff：作答不足 3 人，不公布〕" in text, text
    english = next(e["text"] for e in explain(r, lang="en") if e["figure"] == "item:air")
    assert "0.4×[staff: fewer than 3 answers, not shown]" in english, english


def test_a_group_weighted_0_counts_nowhere_and_a_warning_says_why_its_own_score_is_empty():
    """The staff weigh 0: the composite is the villagers' alone, and the staff's own breakdown is
    Σ W·S / Σ W = 0/0 (contract §2), null in the document; a warning says so, where the cell
    showed an empty score with no reason."""
    weighted = score(tiny_matrix(), default_scheme(group_weights={"villager": 1.0, "staff": 0.0}))
    villagers_only = score(tiny_matrix(), default_scheme(group_weights={"villager": 1.0, "staff": 1.0}))
    staff = next(c for c in weighted.by_group if c.code == "staff")
    villager = next(c for c in villagers_only.by_group if c.code == "villager")
    assert weighted.composite.score == pytest.approx(villager.score)
    assert np.isnan(staff.score) and not staff.suppressed and staff.n == 2
    assert [w for w in weighted.warnings if "weighs 0" in w] == [
        "群体“staff”的权重为 0：不计入任何得分，其分组得分为空"
        "（group 'staff' weighs 0: it counts towards no score, and its own breakdown is empty）"
    ]
    assert not any("weighs 0" in w for w in villagers_only.warnings)


@pytest.mark.parametrize("scale", [1e307, 5e-324])
def test_weights_are_relative_even_where_their_sums_overflow_or_lose_digits(scale):
    """A Scheme built in code is not bounded as a parsed one is: every kind of weight scaled by one
    factor gives the same figures. The engine scales weights past 1e100 or below 1e-100 to a
    largest weight of 1: at 1e307 the items' weights × scores overflowed (inf / inf), at the
    smallest float (5e-324; the weights are whole multiples of it, so exactly proportional)
    weight × score kept a digit or two."""
    m = generated_matrix(300, seed=3)
    dims = {"economy": 4, "ecology": 2, "safety": 3, "governance": 1}
    items = {f"q{j}": 1 for j in range(12)} | {"q0": 2, "q5": 3}
    groups = {"villager": 6, "staff": 3, "deputy": 1}
    plain = score(m, default_scheme(dimension_weights=dims, item_weights=items, group_weights=groups))
    scaled = score(
        m,
        default_scheme(
            dimension_weights={code: w * scale for code, w in dims.items()},
            item_weights={code: w * scale for code, w in items.items()},
            group_weights={code: w * scale for code, w in groups.items()},
        ),
    )
    assert scaled.composite.score == pytest.approx(plain.composite.score, rel=1e-12)
    assert scaled.composite.se == pytest.approx(plain.composite.se, rel=1e-9)
    assert scores(scaled) == pytest.approx(scores(plain), rel=1e-12)
