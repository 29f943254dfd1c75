import math

import pytest

from stats import compare, score
from tests.stats.factories import default_scheme, tiny_matrix


def test_it_reports_the_difference_and_its_independent_samples_se():
    a = score(tiny_matrix(), default_scheme())
    m = tiny_matrix()
    m.answers[3, 0] = 0  # r4 now satisfied with income: +100/8 on income
    b = score(m, default_scheme())
    diff = compare(a, b)
    income = next(d for d in diff.items if d.code == "income")
    assert income.difference == pytest.approx(12.5)
    assert income.se == pytest.approx(math.hypot(a.items[0].se, b.items[0].se))
    lo, hi = income.ci95
    assert (lo + hi) / 2 == pytest.approx(12.5)
    assert hi - 12.5 == pytest.approx(1.959963984540054 * income.se)
    assert diff.composite.difference == pytest.approx(b.composite.score - a.composite.score)


def test_it_lists_the_codes_that_are_not_shared():
    a = score(tiny_matrix(), default_scheme())
    m = tiny_matrix(item_codes=["income", "air", "soil"])
    b = score(m, default_scheme())
    diff = compare(a, b)
    assert [d.code for d in diff.items] == ["income", "air"]
    assert diff.only_in_a["items"] == ["water"]
    assert diff.only_in_b["items"] == ["soil"]
    assert diff.to_dict()["only_in_b"]["items"] == ["soil"]
