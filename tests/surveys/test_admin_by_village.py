"""按村抽样 of a group cannot be switched once the group has responses or printed paper sheets:
its responses' villages and age bands are its strata, quota cells and PSUs. The admin used to
store the switch, and the responses already collected no longer fitted how the group is sampled."""

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Group, Invitation, Quota, Village
from surveys.services.paper import paper_sheets_print
from tests.surveys.report_helpers import answer
from tests.surveys.test_admin import _change_form

pytestmark = pytest.mark.django_db

REFUSAL_ZH = (
    "“村民群众”已有 {responses} 份答卷、印过 {sheets} 份纸质问卷，不能再改“按村抽样”："
    "已收的答卷按它分了村（社区）和年龄段，改了会打乱它们的分层、配额和得分。要换一种抽样方式，请另加一个受访群体。"
)


def _switched(admin_client, survey, code: str, lang: str = "zh"):
    """The survey page sent back with the group's 按村抽样 box switched."""
    data = _change_form(admin_client, survey)
    pk = str(Group.objects.get(survey=survey, code=code).pk)
    row = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.startswith("group_set-") and k.endswith("-id") and v == pk
    )
    if f"{row}-by_village" in data:
        del data[f"{row}-by_village"]
    else:
        data[f"{row}-by_village"] = "on"
    return admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/?lang={lang}", data)


def _errors(page) -> list[str]:
    return [str(e) for formset in page.context["inline_admin_formsets"] for e in formset.formset.errors if e]


def test_a_group_with_responses_keeps_its_sampling_and_the_admin_is_told_why_and_how_many(
    admin_client, survey
):
    answer(survey, 7)
    page = _switched(admin_client, survey, "villager")
    assert page.status_code == 200, "the page comes back with the refusal, nothing saved"
    html = page.content.decode()
    assert html.count(REFUSAL_ZH.format(responses=7, sheets=0)) == 1, "above the groups' table, once"
    assert '<ul class="errorlist nonform"' in html
    assert "不能再改，原因见本表上方。" in html, "the box points to it"
    assert Group.objects.get(survey=survey, code="villager").by_village is True


def test_the_refusal_is_in_english_on_english_pages(admin_client, survey):
    answer(survey, 1)
    page = _switched(admin_client, survey, "villager", lang="en")
    assert page.status_code == 200
    assert (
        "“村民群众” has responses or printed paper questionnaires (responses: 1; printed paper "
        "questionnaires: 0), so “Sampled by village” can no longer change"
    ) in page.content.decode()


def test_printed_paper_sheets_alone_keep_the_groups_sampling(admin_client, survey):
    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=3)
    page = _switched(admin_client, survey, "villager")
    assert page.status_code == 200
    assert REFUSAL_ZH.format(responses=0, sheets=3) in page.content.decode()
    assert Group.objects.get(survey=survey, code="villager").by_village is True


def test_a_group_nothing_was_collected_for_can_still_be_switched(admin_client, survey):
    answer(survey, 3)  # the villagers answered; the staff group has no response yet
    page = _switched(admin_client, survey, "staff")
    assert page.status_code == 302, _errors(page)
    assert Group.objects.get(survey=survey, code="staff").by_village is True


def test_other_changes_to_an_answered_group_still_save(admin_client, survey):
    answer(survey, 3)
    data = _change_form(admin_client, survey)
    pk = str(Group.objects.get(survey=survey, code="villager").pk)
    row = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.startswith("group_set-") and k.endswith("-id") and v == pk
    )
    data[f"{row}-name_en"] = "Villagers"
    assert admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data).status_code == 302
    assert Group.objects.get(survey=survey, code="villager").name_en == "Villagers"


def test_any_form_of_the_group_refuses_the_switch(survey):
    """The rule is the model's (Group.clean): every ModelForm or full_clean() meets it."""
    answer(survey, 2)
    group = Group.objects.get(survey=survey, code="villager")
    group.by_village = False
    with pytest.raises(ValidationError) as refused:
        group.full_clean()
    assert refused.value.error_dict["by_village"][0].code == "by_village_answered"


def test_the_refusal_stays_above_the_table_beside_another_error_of_the_groups(admin_client, survey):
    """Two new groups with one code as well: both errors are said above the table. (Paper
    sheets, not responses: codes can still be typed.)"""
    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=2)
    data = _change_form(admin_client, survey)
    data["group_set-0-by_village"] = ""
    del data["group_set-0-by_village"]
    for n in (2, 3):
        data |= {
            f"group_set-{n}-{k}": v for k, v in {"order": "3", "code": "deputy", "name": "人大代表"}.items()
        }
        data |= {f"group_set-{n}-survey": str(survey.pk)}
    data["group_set-TOTAL_FORMS"] = "4"
    html = admin_client.post(f"/admin/surveys/survey/{survey.pk}/change/", data).content.decode()
    above = html[html.index('<ul class="errorlist nonform"') :].split("</ul>")[0]
    assert REFUSAL_ZH.format(responses=0, sheets=2) in above
    assert "受访群体的代码有重复" in above
    assert Group.objects.get(survey=survey, code="villager").by_village is True


# Nothing collected yet, but links and quotas made for the old sampling: they would never fit the
# new one, so the switch waits until they are deleted (nothing came through them, so they can be).

LINKS_OFF_ZH = (
    "“村民群众”还有 {links} 个按村（社区）的邀请链接、{quotas} 个按村（社区）或年龄段的配额，"
    "不能改为不按村抽样：它们将永远收不到相符的答卷。请先在“邀请链接”和“配额”中删除它们"
    "（尚未收到答卷，可以删除），再改。"
)
LINKS_ON_ZH = (
    "“政府工作人员”还有 {links} 个不分村（社区）的邀请链接，不能改为按村抽样："
    "从这些链接收到的答卷将没有村（社区）。请先在“邀请链接”中删除它们"
    "（尚未收到答卷，可以删除），再改；改后可为各村（社区）发放链接。"
)


def test_a_group_with_village_links_or_quotas_keeps_being_sampled_by_village(admin_client, survey):
    villager = Group.objects.get(survey=survey, code="villager")
    west = Village.objects.get(survey=survey, code="west")
    Invitation.objects.create(survey=survey, group=villager, village=west, is_active=False)
    Quota.objects.create(survey=survey, group=villager, village=west, target=5)
    page = _switched(admin_client, survey, "villager")
    assert page.status_code == 200, "the page comes back with the refusal, nothing saved"
    html = page.content.decode()
    assert html.count(LINKS_OFF_ZH.format(links=2, quotas=2)) == 1, "above the groups' table, once"
    assert "暂不能改，原因见本表上方。" in html, "the box points to it"
    assert Group.objects.get(pk=villager.pk).by_village is True


def test_a_group_with_a_group_wide_link_is_not_switched_to_by_village(admin_client, survey):
    Invitation.objects.create(survey=survey, group=Group.objects.get(survey=survey, code="staff"))
    page = _switched(admin_client, survey, "staff")
    assert page.status_code == 200
    assert LINKS_ON_ZH.format(links=1) in page.content.decode()
    assert Group.objects.get(survey=survey, code="staff").by_village is False


def test_the_links_refusals_are_in_english_on_english_pages(admin_client, survey):
    html = _switched(admin_client, survey, "villager", lang="en").content.decode()
    assert (
        "“村民群众” still has invitation links or quotas by village (links by village "
        "(community): 1; quotas by village (community) or age band: 1), so it cannot stop being "
        "sampled by village: they could never receive a fitting response. Delete them first under "
        "“Invitation links” and “Quotas” (nothing has been collected through them, so they can be "
        "deleted), then change it."
    ) in html
    assert "Cannot change yet: see above the table." in html
    Invitation.objects.create(survey=survey, group=Group.objects.get(survey=survey, code="staff"))
    html = _switched(admin_client, survey, "staff", lang="en").content.decode()
    assert (
        "“政府工作人员” still has invitation links for the whole group (links without a village "
        "(community): 1), so it cannot become sampled by village: the responses coming through "
        "them would have no village (community). Delete them first under “Invitation links” "
        "(nothing has been collected through them, so they can be deleted), then change it; "
        "afterwards, links can be issued for each village (community)."
    ) in html


def test_once_its_links_and_quotas_are_deleted_the_group_can_be_switched(admin_client, survey):
    villager = Group.objects.get(survey=survey, code="villager")
    Invitation.objects.filter(group=villager).delete()
    Quota.objects.filter(group=villager).delete()
    page = _switched(admin_client, survey, "villager")
    assert page.status_code == 302, _errors(page)
    assert Group.objects.get(pk=villager.pk).by_village is False


def test_quotas_of_the_whole_group_or_an_age_band_do_not_keep_it_from_becoming_by_village(
    admin_client, survey
):
    """A by-village group's quota may leave out the village (and age band): such cells fit it."""
    staff = Group.objects.get(survey=survey, code="staff")
    Quota.objects.create(survey=survey, group=staff, target=10)
    page = _switched(admin_client, survey, "staff")
    assert page.status_code == 302, _errors(page)
    assert Group.objects.get(pk=staff.pk).by_village is True
