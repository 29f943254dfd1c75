"""催收提醒: a message per place still behind, with the link it can forward (surveys/dashboard/reminders.py)."""

import pytest
from django.test import Client
from django.utils import translation

from surveys.models import AgeBand, Group, Invitation, Quota, SurveyMembership, Village
from surveys.selectors_progress import survey_progress
from tests.factories import make_survey
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
STAFF = SurveyMembership.Role.STAFF


def _reminders(survey):
    from surveys.dashboard.reminders import survey_reminders
    from surveys.dashboard.views import _invitation_rows

    progress = survey_progress(survey)
    return survey_reminders(survey, progress, _invitation_rows(survey, progress.invitations, with_links=True))


@pytest.fixture
def survey():
    """东村: villagers 18–44 (3, from make_survey) and 45+ (4); 西村: the village's 5 in all, its
    age bands' 2 each inside it; staff 6 over the whole group, with a link of their own."""
    survey = make_survey()
    villager, staff = Group.objects.get(code="villager"), Group.objects.get(code="staff")
    east, west = Village.objects.get(code="east"), Village.objects.get(code="west")
    young, old = AgeBand.objects.get(code="18-44"), AgeBand.objects.get(code="45+")
    Quota.objects.create(survey=survey, group=villager, village=east, age_band=old, target=4)
    Quota.objects.create(survey=survey, group=villager, village=west, target=5)
    Quota.objects.create(survey=survey, group=villager, village=west, age_band=young, target=2)
    Quota.objects.create(survey=survey, group=villager, village=west, age_band=old, target=2)
    Quota.objects.create(survey=survey, group=staff, target=6)
    Invitation.objects.create(survey=survey, token="hill-west", group=villager, village=west)
    Invitation.objects.create(survey=survey, token="hill-staff", group=staff)
    return survey


def test_each_place_behind_gets_its_shortfall_by_age_band_and_its_link(survey):
    answer(survey, 1, village="east", age_band="18-44")
    answer(survey, 1, village="west", age_band="45+")
    answer(survey, 2, village="", group="staff", age_band="")
    found = {r.key: r for r in _reminders(survey)}

    assert list(found) == ["villager|east", "villager|west", "staff|"]
    east, west, staff = found.values()
    assert (east.missing, [(b.code, n) for b, n in east.bands]) == (6, [("18-44", 2), ("45+", 4)])
    # The village's own quota (5) asks for more than its bands' (2 + 2): one received, 4 to go.
    assert (west.missing, [(b.code, n) for b, n in west.bands]) == (4, [("18-44", 2), ("45+", 1)])
    assert (staff.missing, staff.bands) == (4, [])
    assert east.url == Invitation.objects.get(token="hill-2024-east").url
    assert east.text == (
        "【山村镇2024年度满意度调查】东村 · 村民群众还缺 6 份问卷（18–44岁 2 份、45岁及以上 4 份）。"
        f"请转发问卷链接，每人只填一次，约需两分钟：{east.url}"
    )
    assert staff.text.startswith("【山村镇2024年度满意度调查】政府工作人员还缺 4 份问卷。请转发")
    assert staff.text.endswith("/s/hill-staff/")


def test_a_place_met_is_not_reminded_and_all_met_none(survey):
    answer(survey, 3, village="east", age_band="18-44")
    answer(survey, 4, village="east", age_band="45+")
    assert [r.key for r in _reminders(survey)] == ["villager|west", "staff|"]
    answer(survey, 5, village="west", age_band="45+")  # over its band's 2, but the village's 5 met
    answer(survey, 2, village="west", age_band="18-44")
    answer(survey, 6, village="", group="staff", age_band="")
    assert _reminders(survey) == []


def test_an_excluded_response_still_counts_as_missing(survey):
    from surveys.models import Response

    answer(survey, 6, village="", group="staff", age_band="")
    Response.objects.filter(pk=Response.objects.filter(group__code="staff").first().pk).update(excluded=True)
    assert {r.key: r.missing for r in _reminders(survey)}["staff|"] == 1


def test_only_a_link_a_village_can_share_is_offered(survey):
    """Not a single-use link (one person's), a switched-off one or one whose window has closed:
    then no link, and the page says why."""
    from datetime import timedelta

    from django.utils import timezone

    Invitation.objects.filter(token="hill-west").update(single_use=True)
    Invitation.objects.filter(token="hill-staff").update(is_active=False)
    Invitation.objects.filter(token="hill-2024-east").update(closes_at=timezone.now() - timedelta(hours=1))
    found = {r.key: r for r in _reminders(survey)}
    assert [r.url for r in found.values()] == ["", "", ""]
    assert "请转发" not in found["staff|"].text
    west = found["villager|west"]
    Invitation.objects.create(survey=survey, token="hill-west-2", group=west.group, village=west.village)
    assert _reminders(survey)[1].url.endswith("/s/hill-west-2/")


def test_the_reminders_in_english(survey):
    with translation.override("en"):
        east = _reminders(survey)[0]
    assert east.text.startswith(
        "[山村镇2024年度满意度调查] 东村 · 村民群众: 7 more responses needed (18–44岁: 3, 45岁及以上: 4). "
    )
    assert "Please forward the questionnaire link" in east.text


def test_the_page_for_staff_lists_them_and_evaluators_are_refused(survey):
    client = Client()
    client.force_login(member("zhang", survey, STAFF))
    page = client.get("/staff/hill-2024/reminders/").content.decode()
    assert page.count('class="card reminder"') == 3
    assert "3 处还缺答卷，共缺 18 份。" in page
    assert "/s/hill-staff/" in page
    dashboard = client.get("/staff/hill-2024/").content.decode()
    assert 'href="/staff/hill-2024/reminders/"' in dashboard
    evaluator = Client()
    evaluator.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    assert evaluator.get("/staff/hill-2024/reminders/").status_code == 403
    assert 'href="/staff/hill-2024/reminders/"' not in evaluator.get("/staff/hill-2024/").content.decode()


def test_the_page_says_when_every_quota_is_met_or_none_is_set(survey):
    client = Client()
    client.force_login(member("zhang", survey, STAFF))
    Quota.objects.filter(survey=survey).delete()
    assert 'id="reminders-no-quota"' in client.get("/staff/hill-2024/reminders/").content.decode()
    Quota.objects.create(survey=survey, group=Group.objects.get(code="staff"), target=1)
    answer(survey, 1, village="", group="staff", age_band="")
    page = client.get("/staff/hill-2024/reminders/").content.decode()
    assert 'id="reminders-none"' in page and 'class="card reminder"' not in page
