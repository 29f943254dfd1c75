"""A quota that the finer quotas inside it add up to more than (a village's 4 with age bands of
3 + 3): kept, as the finer ones may be the plan, but said when it is saved in the admin, since
the planned sample (计划样本量, the staff page's target) then counts their sum, not its target."""

import pytest

from surveys.models import AgeBand, Group, Quota, Village
from surveys.selectors_progress import quota_clashes, quotas_planned
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    """山村镇 2024 with 东村's villagers planned as 18–44岁 3 + 45岁及以上 3."""
    survey = make_survey()
    Quota.objects.create(
        survey=survey,
        group=Group.objects.get(survey=survey, code="villager"),
        village=Village.objects.get(survey=survey, code="east"),
        age_band=AgeBand.objects.get(survey=survey, code="45+"),
        target=3,
    )
    return survey


def add_quota(survey, *, village=None, age_band=None, target):
    return Quota.objects.create(
        survey=survey,
        group=Group.objects.get(survey=survey, code="villager"),
        village=Village.objects.get(survey=survey, code=village) if village else None,
        age_band=AgeBand.objects.get(survey=survey, code=age_band) if age_band else None,
        target=target,
    )


def test_quotas_that_agree_with_the_ones_inside_them_clash_with_nothing(survey):
    add_quota(survey, village="east", target=6)
    add_quota(survey, village="west", target=4)
    add_quota(survey, age_band="18-44", target=5)
    add_quota(survey, target=10)
    assert quota_clashes(survey.pk) == []


def test_a_village_quota_under_its_age_bands_sum_is_named_with_both_figures(survey):
    village = add_quota(survey, village="east", target=4)
    [clash] = quota_clashes(survey.pk)
    assert (clash.quota, clash.inside, clash.by) == (village, 6, "age_band")
    assert clash.message() == (
        "“东村 · 村民群众”的配额为 4 份，其中各年龄段的配额合计 6 份，多出 2 份；"
        "计划样本按 6 份计。请调高这个配额或调低其中的配额。"
    )
    assert quotas_planned(survey) == 6  # what the message says the plan counts


def test_a_group_quota_under_its_villages_or_its_age_bands_is_named(survey):
    add_quota(survey, village="west", target=5)  # 东村 by its age bands 6, 西村 5: 11 by village
    add_quota(survey, age_band="18-44", target=2)  # 18–44岁 2 under its villages' 3: a clash of its own
    whole = add_quota(survey, target=8)
    clashes = {(c.quota.pk, c.by): c.inside for c in quota_clashes(survey.pk)}
    assert clashes == {
        (Quota.objects.get(survey=survey, village=None, age_band__code="18-44").pk, "village"): 3,
        (whole.pk, "village"): 11,
    }
    assert quotas_planned(survey) == 11


def test_saving_a_clashing_quota_in_the_admin_keeps_it_and_warns_in_chinese_and_english(admin_client, survey):
    village = add_quota(survey, village="east", target=6)
    form = {"survey": survey.pk, "group": village.group_id, "village": village.village_id, "age_band": ""}
    response = admin_client.post(
        f"/admin/surveys/quota/{village.pk}/change/", {**form, "target": 4}, follow=True
    )
    village.refresh_from_db()
    assert village.target == 4
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "“东村 · 村民群众”的配额为 4 份，其中各年龄段的配额合计 6 份，多出 2 份；"
        "计划样本按 6 份计。请调高这个配额或调低其中的配额。"
    ]
    response = admin_client.post(
        f"/admin/surveys/quota/{village.pk}/change/?lang=en", {**form, "target": 5}, follow=True
    )
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [  # the survey's names have no English of their own
        "The quota of “东村 · 村民群众” is 5, but its age bands' quotas inside it add up to 6 "
        "(1 more); the planned sample counts 6. Raise this quota or lower the ones inside it."
    ]
    response = admin_client.post(
        f"/admin/surveys/quota/{village.pk}/change/", {**form, "target": 6}, follow=True
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_clash_made_in_the_quota_list_is_said_once(admin_client, survey):
    village = add_quota(survey, village="east", target=6)
    rows = list(Quota.objects.filter(survey=survey).order_by("pk"))
    form = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "_save": "保存",
    }
    for k, row in enumerate(rows):
        form |= {f"form-{k}-id": row.pk, f"form-{k}-target": 2 if row.pk == village.pk else row.target}
    response = admin_client.post(f"/admin/surveys/quota/?survey__id__exact={survey.pk}", form, follow=True)
    village.refresh_from_db()
    assert village.target == 2
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "多出 4 份" in warnings[0]
