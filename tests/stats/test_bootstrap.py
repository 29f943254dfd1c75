import pytest

from stats import score
from tests.stats.factories import four_dimension_scheme, generated_matrix


@pytest.fixture(scope="module")
def sample():
    return generated_matrix(20_000, seed=21, populations=(None, None, None))


def test_the_bootstrap_se_is_close_to_the_taylor_se_on_a_large_sample(sample):
    taylor = score(sample, four_dimension_scheme())
    boot = score(sample, four_dimension_scheme(), method="bootstrap", replicates=400, seed=3)
    assert boot.composite.score == taylor.composite.score
    assert boot.composite.se == pytest.approx(taylor.composite.se, rel=0.15)
    for t, b in zip(taylor.items, boot.items, strict=False):
        assert b.se == pytest.approx(t.se, rel=0.15)
    for t, b in zip(taylor.by_group, boot.by_group, strict=False):
        assert b.se == pytest.approx(t.se, rel=0.15)


def test_the_bootstrap_is_deterministic_for_a_seed(sample):
    a = score(sample, four_dimension_scheme(), method="bootstrap", replicates=50, seed=9)
    b = score(sample, four_dimension_scheme(), method="bootstrap", replicates=50, seed=9)
    c = score(sample, four_dimension_scheme(), method="bootstrap", replicates=50, seed=10)
    assert a.to_dict() == b.to_dict()
    assert a.composite.se != c.composite.se


def test_the_bootstrap_names_its_method(sample):
    r = score(sample, four_dimension_scheme(), method="bootstrap", replicates=20)
    assert r.composite.method == "bootstrap (Rao–Wu, R=20)"
    assert r.by_village[0].method == "srs_within_village"
