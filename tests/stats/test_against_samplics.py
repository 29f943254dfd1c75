"""On complete data the composite is the mean of each respondent's Σ a_j y_ij, so samplics'
TaylorEstimator can estimate it as a plain mean with the same strata, PSUs and fpc."""

import warnings

import numpy as np
import pytest

from stats import score
from tests.stats.factories import four_dimension_scheme, generated_matrix

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


def samplics_composite(m, a, points):
    y = points[m.answers] @ a
    psu = np.where(m.group == 0, m.village.astype(str), np.char.add("r", np.arange(m.n).astype(str)))
    stratum = np.array(m.group_codes)[m.group]
    n_psu = {code: len(set(psu[stratum == code])) for code in m.group_codes}
    # samplics wants the multiplier 1 − n/N, not the population count N.
    # It also wants the keys in sorted order.
    fpc = dict(
        sorted(
            (code, 1 - n_psu[code] / pop if pop else 1.0)
            for code, pop in zip(m.group_codes, m.group_population, strict=False)
        )
    )
    est = TaylorEstimator(PopParam.mean)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(y=y, samp_weight=np.ones(m.n), stratum=stratum, psu=np.char.add(stratum, psu), fpc=fpc)
    return float(est.point_est), float(est.stderror)


@pytest.mark.parametrize("populations", [(None, None, None), (40, 1000, 500)])
def test_the_composite_se_matches_samplics_on_complete_data(populations):
    m = generated_matrix(2000, seed=11, dont_know=0.0, blank=0.0, populations=populations)
    r = score(m, four_dimension_scheme())
    a = np.array([i.composite_weight for i in r.items])
    estimate, se = samplics_composite(m, a, np.array([100.0, 80.0, 0.0]))
    assert r.composite.score == pytest.approx(estimate, rel=1e-12)
    assert r.composite.se == pytest.approx(se, rel=0.01)
