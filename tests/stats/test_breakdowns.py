import math

import pytest

from stats import score
from tests.stats.factories import DK, default_scheme, four_dimension_scheme, generated_matrix, tiny_matrix


def test_a_cell_below_min_cell_is_suppressed_with_its_n():
    r = score(tiny_matrix(), default_scheme(min_cell=3))
    staff = next(c for c in r.by_group if c.code == "staff")
    assert staff.suppressed and staff.n == 2
    assert staff.score is None and staff.se is None and staff.ci95 is None
    assert staff.dimensions == {"economy": None, "ecology": None}
    d = r.to_dict()["by_group"][1]
    assert d["score"] is None and d["suppressed"] is True


def test_a_cell_at_min_cell_is_shown():
    r = score(tiny_matrix(), default_scheme(min_cell=3))
    village_a = next(c for c in r.by_village if c.code == "A")
    assert not village_a.suppressed and village_a.score is not None


def test_a_breakdown_applies_the_rules_to_its_subset_alone():
    r = score(tiny_matrix(), default_scheme())
    staff = next(c for c in r.by_group if c.code == "staff")
    # staff: income 90, air 50, water 90 → economy 90, ecology 70, composite 80.
    assert staff.dimensions == pytest.approx({"economy": 90.0, "ecology": 70.0})
    assert staff.score == pytest.approx(80.0)


def test_a_group_cell_has_the_variance_of_that_group_scored_alone():
    # The group is a stratum, so domain estimation over the full design equals scoring it alone.
    m = generated_matrix(2000, seed=5)
    r = score(m, four_dimension_scheme())
    rows = m.group == 0
    alone = generated_matrix(2000, seed=5)
    for name in ("answers", "group", "village", "age_band"):
        setattr(alone, name, getattr(m, name)[rows])
    only = score(alone, four_dimension_scheme())
    villager = r.by_group[0]
    assert villager.score == pytest.approx(only.composite.score)
    assert villager.se == pytest.approx(only.composite.se, rel=1e-9)


def test_village_by_group_cells_name_their_village_and_group():
    r = score(tiny_matrix(), default_scheme())
    codes = [(c.code, c.village, c.group) for c in r.by_village_group]
    assert codes == [("A|villager", "A", "villager"), ("B|villager", "B", "villager")]
    assert all(c.method == "srs_within_village" for c in r.by_village_group)


def test_age_bands_are_domains_that_keep_the_full_design():
    r = score(tiny_matrix(), default_scheme())
    assert [c.responses for c in r.by_age_band] == [3, 3]
    assert all(c.method == "taylor" for c in r.by_age_band)
    # Their df is their subset's, as R's degf(subset(design, age == band)): each band's three
    # villagers sit in villages A and B (2 PSUs) of one stratum → 1; the composite's is 2 + 2 − 2.
    assert [c.df for c in r.by_age_band] == [1, 1] and r.composite.df == 2


def test_a_group_whose_respondents_sit_in_one_psu_has_no_se_rather_than_se_0():
    """Every villager in village A: the villagers' cell has one PSU, so df 0 and no variance
    can be estimated — it showed SE 0.00 and a zero-width interval."""
    m = tiny_matrix()
    m.village[:6] = 0
    r = score(m, default_scheme())
    villagers = next(c for c in r.by_group if c.code == "villager")
    assert villagers.df == 0 and villagers.score is not None
    assert math.isnan(villagers.se) and villagers.ci95 is None and math.isnan(villagers.deff)
    one = score(m, default_scheme(), method="bootstrap", replicates=50)
    assert math.isnan(next(c for c in one.by_group if c.code == "villager").se)


def test_an_item_answered_by_one_person_has_no_se():
    m = tiny_matrix()
    m.answers[1:, 0] = DK  # income: r1 alone
    income = next(i for i in score(m, default_scheme()).items if i.code == "income")
    assert income.n == 1 and income.score == pytest.approx(100.0)
    assert math.isnan(income.se) and income.ci95 is None


def test_a_group_with_one_psu_is_flagged():
    m = tiny_matrix()
    m.group[7] = 0  # r8 becomes a villager without a village: staff keeps one respondent
    m.village[7] = 0
    r = score(m, default_scheme())
    assert r.design["strata"][1]["lonely"] is True
    assert any("single PSU" in w for w in r.warnings)


def test_when_every_group_has_one_psu_the_warning_says_the_composite_has_no_se():
    """One village of villagers alone: its one stratum has one PSU, df = 0. The single-PSU warning
    says it "adds no variance", and the SE shown is "—": a second warning says why."""
    m = tiny_matrix()
    m.group[:] = 0
    m.village[:] = 0
    r = score(m, default_scheme())
    assert r.composite.df == 0 and math.isnan(r.composite.se) and r.composite.ci95 is None
    assert any(w.startswith("自由度为 0") and "no standard error" in w for w in r.warnings)
    shown = score(tiny_matrix(), default_scheme())  # two villages and the staff: df > 0
    assert shown.composite.df > 0 and not any(w.startswith("自由度为 0") for w in shown.warnings)


def test_a_population_count_below_the_sample_drops_the_correction_with_a_warning():
    from stats import score
    from tests.stats.factories import default_scheme, tiny_matrix

    wrong = score(tiny_matrix(group_population=[None, 1]), default_scheme())
    without = score(tiny_matrix(group_population=[None, None]), default_scheme())
    assert wrong.composite.se == without.composite.se
    assert any("总体人数 1 小于抽中的单元数 2" in w for w in wrong.warnings)
    corrected = score(tiny_matrix(group_population=[None, 4]), default_scheme())
    assert corrected.composite.se < without.composite.se
    assert not any("总体人数" in w for w in corrected.warnings)


@pytest.mark.parametrize("method", ["taylor", "bootstrap"])
def test_a_survey_without_age_bands_or_villages_still_scores(method):
    from stats import score
    from tests.stats.factories import default_scheme, tiny_matrix

    full = score(tiny_matrix(), default_scheme())
    no_bands = score(tiny_matrix(age_band=None, age_band_codes=[]), default_scheme(), method=method)
    assert no_bands.by_age_band == [] and len(no_bands.by_village) == 2
    assert no_bands.composite.score == pytest.approx(full.composite.score)
    flat = score(
        tiny_matrix(
            age_band=None, age_band_codes=[], village=None, village_codes=[], group_clustered=[False, False]
        ),
        default_scheme(),
        method=method,
    )
    assert flat.by_village == [] and flat.by_village_group == [] and flat.by_age_band == []
    assert flat.composite.se > 0


def test_a_shown_cells_dimension_score_from_fewer_than_min_cell_people_is_withheld():
    """Village A is shown (3 respondents, min_cell 3), but only one of them counts on ecology
    (the others answered 不了解): its ecology score would be that one person's answers."""
    m = tiny_matrix()
    m.answers[1:3, 1:] = DK
    r = score(m, default_scheme(min_cell=3))
    village_a = next(c for c in r.by_village if c.code == "A")
    assert not village_a.suppressed and village_a.score is not None
    assert village_a.dimensions["ecology"] is None
    assert village_a.dimensions["economy"] is not None


def test_respondents_whose_every_answer_is_left_out_add_no_degrees_of_freedom():
    """Both staff answered 不了解 throughout: the composite counts no staff member, so its df is
    the villagers' 2 villages − 1 stratum, not 2 + 2 − 2 (as R's degf of the na.rm subset)."""
    m = tiny_matrix()
    m.answers[6:] = DK
    assert score(m, default_scheme()).composite.df == 1
