"""Staff watch the dashboard in a real browser: log in, see a count rise, exclude a flagged response."""

import json
import urllib.request
import uuid

import pytest

from surveys.models import AuditEntry, Response, SurveyMembership
from tests.factories import make_survey
from tests.surveys.staff_factories import PASSWORD, make_member, make_response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch, desk):
    monkeypatch.setattr("surveys.dashboard.views.POLL_SECONDS", 1)
    return desk.new_page()


def submit_as_a_respondent(base_url: str, token: str) -> int:
    body = {
        "response_id": str(uuid.uuid4()),
        "invitation": token,
        "age_band": "18-44",
        "answers": {"income": "satisfied", "roads": "basically_satisfied", "water": "dissatisfied"},
    }
    request = urllib.request.Request(
        f"{base_url}/api/v1/responses/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status


def test_staff_watch_a_count_rise_and_exclude_a_flagged_response(live_server, page, shots):
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    doubtful = make_response(
        survey,
        flags=[
            {
                "code": "speeder",
                "reason": "作答用时 20 秒，不到本调查中位用时 3 分 0 秒（最近 12 份答卷）的三分之一。",
            }
        ],
    )

    page.goto(f"{live_server.url}/staff/{survey.slug}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/staff/{survey.slug}/")
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name=survey.title)).to_be_visible()
    expect(page.locator("#total-received")).to_have_text("1")
    east = page.locator('[data-key="villager|east|18-44"]')
    expect(east.locator(".received")).to_have_text("1")

    assert submit_as_a_respondent(live_server.url, "hill-2024-east") == 201
    # No reload: the page polls the progress API.
    expect(page.locator("#total-received")).to_have_text("2", timeout=10_000)
    expect(east.locator(".received")).to_have_text("2")
    expect(page.locator("#inv-returned")).to_have_text("1")

    item = page.locator(f'[data-response="{doubtful.pk}"]')
    expect(item).to_contain_text("用时过短")
    item.get_by_placeholder("原因（必填）").fill("电话回访：本人未参加调查")
    item.get_by_role("button", name="剔除").click()

    expect(page.locator(".messages")).to_contain_text("已剔除")
    audit = page.locator("#audit")
    expect(audit).to_contain_text("xiaowang")
    expect(audit).to_contain_text("剔除答卷")
    expect(audit).to_contain_text("电话回访：本人未参加调查")
    expect(page.locator(f'[data-response="{doubtful.pk}"] .state')).to_have_text("已剔除")
    expect(page.locator("#total-received")).to_have_text("1")  # excluded no longer counted

    assert Response.objects.get(pk=doubtful.pk).excluded
    assert AuditEntry.objects.get().user.username == "xiaowang"
    page.screenshot(path=str(shots / "staff-dashboard.png"), full_page=True)


def test_a_reason_is_required_in_the_browser_too(live_server, page):
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    doubtful = make_response(
        survey, flags=[{"code": "straight_lining", "reason": "所答 5 道题全部选择“满意”。"}]
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/{survey.slug}/")
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator(f'[data-response="{doubtful.pk}"]').get_by_role("button", name="剔除").click()
    expect(page.locator("#audit")).to_contain_text("暂无记录")
    assert not Response.objects.get(pk=doubtful.pk).excluded


def test_staff_choose_english_on_a_phone_and_the_live_updates_stay_english(
    live_server, browser, monkeypatch, shots
):
    """An English-language phone still gets Chinese first; the English link switches the
    login page and the dashboard, and what the page's script writes later is English too."""
    from playwright.sync_api import expect

    from tests.browser.conftest import PHONE

    monkeypatch.setattr("surveys.dashboard.views.POLL_SECONDS", 1)
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    context = browser.new_context(**{**PHONE, "locale": "en-US"})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/staff/{survey.slug}/")
        expect(page.get_by_role("button", name="登录")).to_be_visible()  # Chinese by default
        page.get_by_role("link", name="English").click()
        page.get_by_label("Username").fill("xiaowang")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

        expect(page.get_by_role("heading", name="Responses received", exact=True)).to_be_visible()
        expect(page.locator("#refreshed")).to_contain_text("Updated", timeout=10_000)
        assert submit_as_a_respondent(live_server.url, "hill-2024-east") == 201
        expect(page.locator("#total-received")).to_have_text("1", timeout=10_000)
        expect(page.locator("#missing-list")).to_contain_text("missing")
        expect(page.locator("#refreshed")).to_contain_text("Updated")
        assert "已收答卷" not in page.content()
        page.screenshot(path=str(shots / "staff-dashboard-en-phone.png"), full_page=True)
    finally:
        context.close()
