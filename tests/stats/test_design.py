"""design_mean / design_total against R's survey package on Lumley's api data.

Reference values, two sources:
- published (Lumley's vignette, survey's tests/api.Rout.save): svymean(~api00, dclus1) 644.17
  SE 23.542; svytotal(~enroll, dclus1) 3404940 SE 932235; svymean(~api00, dstrat) 662.29 SE 9.4089.
- captured from R 4.2.2 + survey 4.1.1 when tests/data was exported (options(digits = 12)):
    svymean(~api00, dclus1, deff=TRUE)   644.16939891  SE 23.54224069  DEff 9.34587
        confint(df = degf(dclus1) = 14): 593.676314463 694.662483351
    svytotal(~enroll, dclus1, deff=TRUE) 3404940.135   SE 932235.027   DEff 31.31066
    svymean(~api00, dstrat, deff=TRUE)   662.287363159 SE 9.408940803  DEff 1.20446
        confint(df = degf(dstrat) = 197): 643.732188272 680.842538047
    svymean(~api00, svydesign(id=~dnum, weights=~pw, data=apiclus1), deff=TRUE)
                                         644.16939891  SE 23.77901072  DEff 9.5348
"""

import csv
from pathlib import Path

import numpy as np
import pytest

from stats import design_mean, design_total

DATA = Path(__file__).parent.parent / "data"


def columns(name: str) -> dict[str, np.ndarray]:
    with open(DATA / name, newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for key in rows[0]:
        values = [r[key] for r in rows]
        try:
            out[key] = np.array(values, dtype=float)
        except ValueError:
            out[key] = np.array(values)
    return out


@pytest.fixture(scope="module")
def clus1():
    return columns("apiclus1.csv")


@pytest.fixture(scope="module")
def strat():
    return columns("apistrat.csv")


def test_it_matches_the_published_cluster_sample_mean(clus1):
    r = design_mean(clus1["api00"], clus1["pw"], psu=clus1["dnum"], fpc=clus1["fpc"])
    assert round(r.estimate, 2) == 644.17
    assert round(r.se, 3) == 23.542


def test_it_matches_r_to_full_precision_on_the_cluster_sample(clus1):
    r = design_mean(clus1["api00"], clus1["pw"], psu=clus1["dnum"], fpc=clus1["fpc"])
    assert r.estimate == pytest.approx(644.16939891, abs=1e-7)
    assert r.se == pytest.approx(23.54224069, abs=1e-7)
    assert r.df == 14
    assert r.ci95 == pytest.approx((593.676314463, 694.662483351), abs=1e-7)
    assert r.deff == pytest.approx(9.34587, abs=1e-5)
    assert r.n == 183


def test_it_matches_the_published_cluster_sample_total(clus1):
    r = design_total(clus1["enroll"], clus1["pw"], psu=clus1["dnum"], fpc=clus1["fpc"])
    assert round(r.estimate) == 3404940
    assert round(r.se) == 932235
    assert r.deff == pytest.approx(31.31066, abs=1e-5)


def test_it_matches_the_published_stratified_sample_mean(strat):
    r = design_mean(strat["api00"], strat["pw"], stratum=strat["stype"], fpc=strat["fpc"])
    assert round(r.estimate, 2) == 662.29
    assert round(r.se, 4) == 9.4089
    assert r.df == 197
    assert r.ci95 == pytest.approx((643.732188272, 680.842538047), abs=1e-7)
    assert r.deff == pytest.approx(1.20446, abs=1e-5)


def test_it_accepts_fpc_as_a_mapping_per_stratum(strat):
    counts = {s: float(strat["fpc"][strat["stype"] == s][0]) for s in ("E", "H", "M")}
    r = design_mean(strat["api00"], strat["pw"], stratum=strat["stype"], fpc=counts)
    assert r.se == pytest.approx(9.408940803, abs=1e-7)


def test_without_fpc_it_treats_psus_as_drawn_with_replacement(clus1):
    r = design_mean(clus1["api00"], clus1["pw"], psu=clus1["dnum"])
    assert r.se == pytest.approx(23.77901072, abs=1e-7)
    assert r.deff == pytest.approx(9.5348, abs=1e-4)


def test_it_leaves_nan_out_of_the_mean():
    r = design_mean([1.0, 3.0, np.nan, 5.0])
    assert r.estimate == 3.0
    assert r.n == 3


def test_rows_left_out_for_nan_count_in_the_se_but_not_in_the_degrees_of_freedom():
    """As R's svymean(na.rm = TRUE): the variance keeps the full design (domain estimation: a
    left-out row is a zero in its PSU's total), the df is degf() of the rows that count."""
    with_nan = design_mean([1.0, np.nan, 3.0])
    assert with_nan.se == pytest.approx((0.75) ** 0.5)  # 3/2 · ((−½)² + 0² + ½²)
    assert with_nan.df == design_mean([1.0, 3.0]).df == 1
    clustered = design_mean([1.0, 2.0, np.nan, np.nan, 5.0, 6.0], psu=[1, 1, 2, 2, 3, 3])
    assert clustered.df == 1, "PSU 2 has no counted value: two PSUs in one stratum"
    strata = design_mean([1.0, 2.0, np.nan, np.nan], stratum=["a", "a", "b", "b"], psu=[1, 2, 3, 4])
    assert strata.df == 1, "stratum b has no counted value"


def test_a_mean_of_nothing_has_no_standard_error():
    empty = design_mean([np.nan, np.nan])
    assert np.isnan(empty.estimate) and np.isnan(empty.se) and empty.n == 0


def test_an_unweighted_srs_gives_the_textbook_standard_error():
    y = np.array([2.0, 4.0, 4.0, 5.0, 9.0])
    r = design_mean(y)
    assert r.se == pytest.approx(y.std(ddof=1) / np.sqrt(len(y)))
    assert r.deff == pytest.approx(1.0)


def test_it_flags_a_stratum_with_a_single_psu_and_adds_no_variance_for_it():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    r = design_mean(y, stratum=["a", "a", "a", "b"])
    assert r.lonely_strata == ("b",)
    assert r.warnings
    # Only stratum a contributes: u_i = (y_i − 4)/4, so e = −0.75, −0.5, −0.25.
    assert r.se**2 == pytest.approx(3 / 2 * (0.25**2 + 0 + 0.25**2))


def test_it_rejects_a_population_smaller_than_the_sample():
    with pytest.raises(ValueError, match="fpc"):
        design_mean([1.0, 2.0, 3.0], fpc=2)
