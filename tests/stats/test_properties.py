"""Properties that must hold for any data (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stats import score
from tests.stats.factories import default_scheme, tiny_matrix

answer_grids = st.lists(
    st.lists(st.integers(min_value=-1, max_value=3), min_size=3, max_size=3), min_size=8, max_size=8
)


def matrix_with(grid):
    return tiny_matrix(answers=np.array(grid, dtype=np.int8))


@settings(max_examples=60, deadline=None)
@given(answer_grids)
def test_the_composite_stays_within_the_points_range(grid):
    r = score(matrix_with(grid), default_scheme())
    c = r.composite.score
    assert np.isnan(c) or 0.0 <= c <= 100.0


@settings(max_examples=40, deadline=None)
@given(answer_grids, st.randoms())
def test_permuting_respondents_changes_nothing(grid, random):
    m = matrix_with(grid)
    order = list(range(8))
    random.shuffle(order)
    p = tiny_matrix(
        answers=m.answers[order], group=m.group[order], village=m.village[order], age_band=m.age_band[order]
    )
    a, b = score(m, default_scheme()).to_dict(), score(p, default_scheme()).to_dict()
    assert a["composite"]["score"] == b["composite"]["score"] or np.isclose(
        a["composite"]["score"], b["composite"]["score"]
    )
    if a["composite"]["se"] is not None:
        assert np.isclose(a["composite"]["se"], b["composite"]["se"])
    assert [i["distribution"] for i in a["items"]] == [i["distribution"] for i in b["items"]]


@settings(max_examples=40, deadline=None)
@given(answer_grids, st.integers(0, 7), st.integers(0, 2))
def test_a_dont_know_on_one_item_changes_no_other_item(grid, row, col):
    before = score(matrix_with(grid), default_scheme())
    grid[row][col] = 3
    after = score(matrix_with(grid), default_scheme())
    for j in range(3):
        if j != col:
            assert np.allclose(before.items[j].score, after.items[j].score, equal_nan=True)
