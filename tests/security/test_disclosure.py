"""The anonymised answers are k-anonymous on (village, group, age band), k = min_cell."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.reports.disclosure import WITHHELD, k_anonymous

records = st.lists(
    st.tuples(st.sampled_from(["", "east", "west", "north"]), st.sampled_from(["villager", "staff", "deputy"]),
              st.sampled_from(["", "18-44", "45-59", "60+"])),
    max_size=120,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(records, st.integers(min_value=1, max_value=12))
def test_every_released_combination_has_at_least_k_responses(rows, k):
    released = k_anonymous(rows, k)
    assert len(released) == len(rows)
    if len(rows) >= k:
        assert min(Counter(released).values(), default=k) >= k, Counter(released)
    for before, after in zip(rows, released, strict=True):
        # A part is kept as it was or withheld, never changed into another value; the coarser
        # parts go only after the finer ones.
        assert all(a in (b, WITHHELD) for a, b in zip(after, before, strict=True))
        if after[1] == WITHHELD:
            assert after == (WITHHELD, WITHHELD, WITHHELD)
        if after[0] == WITHHELD:
            assert after[2] == WITHHELD


@settings(max_examples=200, deadline=None)
@given(records, st.integers(min_value=1, max_value=12))
def test_nothing_is_withheld_when_every_cell_is_large_enough(rows, k):
    if min(Counter(rows).values(), default=k) >= k:
        assert k_anonymous(rows, k) == rows


def test_two_deputies_are_hidden_among_as_few_others_as_needed():
    rows = [("east", "villager", "18-44")] * 12 + [("", "deputy", "")] * 2
    released = Counter(k_anonymous(rows, 5))
    assert released == {("east", "villager", "18-44"): 9, (WITHHELD, WITHHELD, WITHHELD): 5}


def test_a_small_age_band_takes_as_few_of_its_village_with_it_as_needed():
    rows = [("east", "villager", "18-44")] * 12 + [("east", "villager", "60+")] * 2
    released = Counter(k_anonymous(rows, 5))
    assert released == {("east", "villager", "18-44"): 9, ("east", "villager", WITHHELD): 5}
