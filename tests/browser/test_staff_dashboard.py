"""Staff watch the dashboard in a real browser: log in, see a count rise, exclude a flagged response."""

import json
import re
import urllib.request
import uuid

import pytest

from surveys.models import AuditEntry, Response, SurveyMembership
from tests.browser.conftest import close_context
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
    item.get_by_label("剔除原因（必填）").fill("电话回访：本人未参加调查")
    item.get_by_role("button", name="剔除").click()

    expect(item.get_by_role("status")).to_contain_text("已剔除")  # told beside the response
    expect(page).to_have_url(f"{live_server.url}/staff/{survey.slug}/#review-{doubtful.pk}")
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
        expect(page.locator("#total-responses")).to_have_text("1")
        assert "Stored in all: 1" in page.locator("#total-responses").locator("..").inner_text()
        expect(page.locator("#missing-list")).to_contain_text("missing")
        expect(page.locator("#refreshed")).to_contain_text("Updated")
        assert "已收答卷" not in page.content()
        page.screenshot(path=str(shots / "staff-dashboard-en-phone.png"), full_page=True)
    finally:
        context.close()


def log_in(page, base_url: str, username: str, next_url: str, lang: str = "en") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}&lang={lang}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base_url}{next_url}")


def test_the_live_refresh_writes_exactly_what_the_server_wrote_in_english(live_server, browser, monkeypatch):
    """After a refresh the missing list keeps "(1/3)" (not the Chinese "（1/3）"), the total keeps
    one decimal ("100.0", as the template writes it), and "all met" is a sentence, not item 1."""
    from playwright.sync_api import expect

    from tests.browser.conftest import PHONE

    monkeypatch.setattr("surveys.dashboard.views.POLL_SECONDS", 1)
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(survey)  # 东村 · 村民群众 · 18–44岁: 1 of 3
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/")
        served = {
            "missing": page.locator("#missing-list").inner_text(),
            "totals": page.locator("#totals").inner_text(),
            "chart": page.locator("#day-chart title").last.text_content(),
            "missing_total": page.locator("#missing-total").inner_text(),
        }
        assert served["missing_total"] == "Still needed in all: 2", (
            "one quota, no nesting: no word on overlaps"
        )
        assert "(1/3)" in served["missing"] and "（" not in served["missing"]
        assert "(33.3%)" in served["totals"]
        refreshed = page.locator("#refreshed").inner_text()
        expect(page.locator("#refreshed")).not_to_have_text(refreshed, timeout=10_000)  # the script ran
        expect(page.locator("#missing-list")).to_have_text(served["missing"])
        expect(page.locator("#missing-total")).to_have_text(served["missing_total"])
        expect(page.locator("#totals")).to_have_text(served["totals"])
        assert page.locator("#day-chart title").last.text_content() == served["chart"]  # "2024-…: 1"

        make_response(survey)
        expect(page.locator("#missing-total")).to_have_text("Still needed in all: 1", timeout=10_000)
        make_response(survey)  # the quota is met
        expect(page.locator("#missing-none")).to_be_visible(timeout=10_000)
        expect(page.locator("#missing-none")).to_have_text("All quotas have been met.")
        expect(page.locator("#missing-list")).to_be_hidden()
        expect(page.locator("#missing-total")).to_be_hidden()
        expect(page.locator("#total-percent")).to_have_text("100.0")
        after_refresh = page.locator("#totals").inner_text()
        page.reload()
        assert page.locator("#totals").inner_text() == after_refresh  # the same as the server's
        assert page.locator("#missing-none").is_visible() and page.locator("#missing-list").is_hidden()
    finally:
        context.close()


def test_a_quota_of_0_shows_a_full_bar_before_and_after_a_response_arrives(live_server, page):
    """0/0 已完成 and 1/0 超额 showed an empty bar beside the word, where every other met or over
    quota shows a full one; the live refresh (which had only the API's percent, null for a quota of
    0) emptied it again."""
    from playwright.sync_api import expect

    from surveys.models import AgeBand, Group, Quota, Village

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    Quota.objects.create(
        survey=survey,
        group=Group.objects.get(survey=survey, code="villager"),
        village=Village.objects.get(survey=survey, code="east"),
        age_band=AgeBand.objects.get(survey=survey, code="45+"),
        target=0,
    )
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang="zh-hans")
    cell = page.locator('[data-key="villager|east|45+"]')
    width = "el => parseFloat(el.querySelector('.bar > span').style.width)"
    assert cell.locator(".mark").inner_text() == "已完成" and cell.evaluate(width) == 100
    make_response(survey, age_band="45+")
    expect(cell.locator(".mark")).to_have_text("超额", timeout=30_000)  # written by the refresh
    assert cell.evaluate(width) == 100


def _a_paper_survey():
    """A survey with a sheet typed twice with different answers (by staff and an administrator),
    so that every paper table has rows, and a third staff member who may resolve it; a response
    checked and kept, so that the audit log has an entry."""
    from surveys.models import Invitation
    from surveys.services.paper import paper_entry_save, paper_sheets_print
    from surveys.services.review import response_keep
    from tests.surveys.staff_factories import make_user

    survey = make_survey()
    staff = make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_member(survey, "zhuren", SurveyMembership.Role.STAFF)
    admin = make_user("guanliyuan", superuser=True)
    sheet = paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=2)[0]
    answers = {"income": "satisfied", "roads": "satisfied", "water": "satisfied"}
    paper_entry_save(sheet=sheet, user=staff, age_band="18-44", answers=answers)
    paper_entry_save(sheet=sheet, user=admin, age_band="18-44", answers={**answers, "roads": "dont_know"})
    for text in ("村口的路灯坏了，晚上出门看不见。", "无", "路灯", "", ""):  # the comments page lists some
        response = make_response(survey, village="east")
        Response.objects.filter(pk=response.pk).update(comment=text)
    response_keep(response=response, user=staff, reason="电话回访：确为本人作答，用时短因题目少")
    return survey


def phone_at(width: int) -> dict:
    from tests.browser.conftest import PHONE

    return {**PHONE, "viewport": {"width": width, "height": 800}}


TABLE_BOXES = """() => Array.from(document.querySelectorAll('main table'))
    .filter(t => getComputedStyle(t).display === 'table')  // not one a phone shows as blocks
    .map(t => {
    const box = t.closest('.scroll');
    const first = t.querySelector('tbody tr > :first-child');
    return {
        inBox: !!box,
        overflow: box ? getComputedStyle(box).overflowX : null,
        sticky: first ? getComputedStyle(first).position : null,
    };
})"""

SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'header a, header button, .crumbs a, nav a, td.posters a, .copy button'))
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])
    .filter(([, height]) => height < 44)"""


def staff_pages(survey) -> tuple[str, ...]:
    """Every page a survey's staff member opens (the list, dashboard, reminders, comments and the
    three paper pages)."""
    return (
        "/staff/",
        f"/staff/{survey.slug}/",
        f"/staff/{survey.slug}/reminders/",
        f"/staff/{survey.slug}/comments/?q=路灯",
        f"/staff/{survey.slug}/paper/",
        f"/staff/{survey.slug}/paper/enter/",
        f"/staff/{survey.slug}/paper/discrepancies/",
    )


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wide_tables_scroll_in_their_own_box_and_never_widen_the_page(live_server, browser, width, lang):
    survey = _a_paper_survey()
    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    try:
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", lang)
        for url in staff_pages(survey):
            page.goto(live_server.url + url)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (url, lang, width)
            for table in page.evaluate(TABLE_BOXES):
                if url.endswith("/enter/"):
                    continue  # the entry table is the typist's own, one item a row
                assert table == {"inBox": True, "overflow": "auto", "sticky": "sticky"}, (url, table)
            assert page.evaluate(SMALL_TARGETS) == [], url  # fingers need 44 px
    finally:
        context.close()


def test_staff_copy_a_villages_reminder_on_a_phone(live_server, browser):
    """催收提醒 at 360 px: the shortfall and the link in a box as wide as the card, shown whole,
    and copied by its button as it reads."""
    from playwright.sync_api import expect

    from surveys.models import Invitation

    survey = make_survey()  # 东村's villagers 18–44: 3 asked for
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    context = browser.new_context(**phone_at(360))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
        page.locator("#reminders-link").click()
        reminder = page.locator('section.reminder[data-place="villager|east"]')
        text = reminder.locator("textarea")
        url = Invitation.objects.get(survey=survey).url
        expect(text).to_have_value(
            f"【山村镇2024年度满意度调查】东村 · 村民群众还缺 3 份问卷（18–44岁 3 份）。请转发问卷链接，每人只填一次，约需两分钟：{url}"
        )
        box = text.evaluate("t => [t.scrollHeight <= t.clientHeight + 1, t.getBoundingClientRect().width]")
        assert box[0] and box[1] > 280, box  # the whole message in sight, across the card
        reminder.get_by_role("button", name="复制东村 · 村民群众的提醒").click()
        expect(page.get_by_role("status").filter(has_text="已复制")).to_have_count(1)
        assert page.evaluate("() => navigator.clipboard.readText()") == text.input_value()
    finally:
        close_context(context)


def test_staff_copy_an_invitation_link_and_the_inactive_one_is_not_offered(live_server, browser):
    from playwright.sync_api import expect

    from surveys.models import Invitation

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    east = Invitation.objects.get(survey=survey)
    Invitation.objects.create(
        survey=survey, token="hill-off", group=east.group, village=east.village, is_active=False
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
        page.locator("#invitations summary").click()
        row = page.locator('tr[data-invitation="hill-2024-east"]')
        expect(row.locator("textarea.url")).to_have_value(east.url)
        button = row.get_by_role("button", name="复制东村 · 村民群众的问卷地址", exact=True)  # not 19 × 复制
        button.click()
        expect(row.locator(".copy-button")).to_have_text("已复制")
        expect(page.get_by_role("status").filter(has_text="已复制")).to_have_count(1)  # heard, not only seen
        expect(button).to_be_visible()  # the name stays while the text says 已复制
        assert page.evaluate("() => navigator.clipboard.readText()") == east.url
        expect(row.get_by_role("link", name="PNG")).to_have_attribute("href", "/s/hill-2024-east/poster.png")
        off = page.locator('tr[data-invitation="hill-off"]')
        expect(off).to_contain_text("已停用")
        assert off.locator("input, button, a").count() == 0
    finally:
        context.close()


INVITATIONS_FIT = """() => {
    const card = document.querySelector('#invitations'), edge = card.getBoundingClientRect();
    const shown = [...card.querySelectorAll('*')].filter(e => e.getClientRects().length);
    const size = e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
    return {
        outside: shown.filter(e => { const r = e.getBoundingClientRect();
            return r.right > edge.right + 0.5 || r.left < edge.left - 0.5; }).map(e => e.outerHTML.slice(0, 60)),
        small: shown.filter(e => e.matches('a, button, textarea'))
            .filter(e => Math.min(...size(e)) < 44).map(e => [e.textContent.trim(), ...size(e)]),
        cut: shown.filter(e => e.matches('textarea.url'))
            .filter(t => t.scrollWidth > t.clientWidth || t.scrollHeight > t.clientHeight).map(t => t.value),
    };
}"""


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_each_invitation_shows_its_whole_address_and_posters_within_the_card(
    live_server, browser, settings, width, lang
):
    """No sideways scrolling to reach an address or a poster: each link is a block as wide as
    the card, its address wrapped in full, the copy button and both posters 44 px or more."""
    settings.PUBLIC_BASE_URL = "https://manyidu.taojiangxian.example.gov.cn"
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        page.locator("#invitations summary").click()
        row = page.locator('tr[data-invitation="hill-2024-east"]')
        assert row.get_by_role("link", name="PDF").is_visible()
        assert page.evaluate(INVITATIONS_FIT) == {"outside": [], "small": [], "cut": []}
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()


AUDIT_FITS = """() => {
    const card = document.querySelector('#audit'), edge = card.getBoundingClientRect();
    const box = card.querySelector('.scroll');
    const cells = [...card.querySelectorAll('td')].filter(e => e.getClientRects().length);
    const rect = e => e.getBoundingClientRect();
    return {
        scrolls: box.scrollWidth > box.clientWidth,
        outside: cells.filter(e => rect(e).right > edge.right + 0.5 || rect(e).left < edge.left - 0.5)
            .map(e => e.textContent.slice(0, 40)),
        rows: [...card.querySelectorAll('tbody tr')].map(row => {
            const cell = name => row.querySelector('td.' + name);
            const reason = cell('reason'), shown = reason.getClientRects().length > 0;
            return {
                // when and by whom on one line, what was done below it
                firstLine: Math.abs(rect(cell('at')).top - rect(cell('who')).top) < 2
                    && rect(cell('action')).top >= rect(cell('at')).bottom - 1,
                // the reason as wide as the entry, below the rest, under its label
                reason: shown ? [Math.round(rect(reason).width) === Math.round(rect(row).width),
                    rect(reason).top >= rect(cell('action')).bottom - 1,
                    getComputedStyle(reason, '::before').content] : null,
            };
        }),
    };
}"""


@pytest.mark.parametrize("width", [320, 360])
@pytest.mark.parametrize(("lang", "label"), [("en", "Reason "), ("zh", "原因 ")])
def test_on_a_phone_each_audit_entry_is_read_in_lines_with_its_reason_in_full(
    live_server, browser, width, lang, label
):
    """Five columns squeezed the reason — what a reviewer most needs to read — to a character a
    line. On a phone each entry is a block of lines within the card; a reason left out (a response
    kept without one) takes no line."""
    from surveys.services.review import response_exclude, response_include, response_keep

    survey = make_survey()
    user = make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    first, second = make_response(survey), make_response(survey)
    long_reason = (
        "电话回访户主及其家属，均称调查当天外出务工，本人未填写问卷；经村委会核对签到表，系他人代填。" * 3
    )
    response_exclude(response=first, user=user, reason=long_reason)
    response_include(response=first, user=user, reason="复核：签到表记录有误，确为本人作答")
    response_keep(response=second, user=user)
    context = browser.new_context(**phone_at(width))
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        page.locator("#audit").scroll_into_view_if_needed()
        fits = page.evaluate(AUDIT_FITS)
        assert fits["scrolls"] is False and fits["outside"] == [], fits
        quoted = f'"{label}"'
        assert fits["rows"] == [  # newest first
            {"firstLine": True, "reason": None},
            {"firstLine": True, "reason": [True, True, quoted]},
            {"firstLine": True, "reason": [True, True, quoted]},
        ], fits
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_village_by_age_band_quotas_fit_a_360_px_phone_without_scrolling(live_server, browser, lang):
    """The 2020 survey's seventeen villages by four age bands: every column and every status on
    the screen, in the card, the age bands' headings unbroken after their dash."""
    from django.core.management import call_command

    from surveys.models import Survey

    call_command("loaddata", "daligang-2020", verbosity=0)
    survey = Survey.objects.get(slug="daligang-2020")
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    context = browser.new_context(**phone_at(360))
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        box = page.locator(".scroll:has(table.quota)").first
        assert box.evaluate("b => [b.scrollWidth, b.querySelectorAll('thead th').length]")[1] == 5
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), box.evaluate(
            "b => [b.scrollWidth, b.clientWidth]"
        )
        headings = box.locator("thead th").all_inner_texts()
        assert not [h for h in headings if h.replace("\u2060", "").split("\n")[0].endswith("–")], headings
    finally:
        context.close()


def test_a_survey_without_quotas_says_so_instead_of_all_quotas_met(live_server, page):
    from playwright.sync_api import expect

    from surveys.models import Quota

    survey = make_survey()
    Quota.objects.filter(survey=survey).delete()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    page.goto(f"{live_server.url}/staff/{survey.slug}/")
    page.get_by_label("用户名").fill("xiaowang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_text("还没有设置配额")).to_be_visible()
    assert submit_as_a_respondent(live_server.url, "hill-2024-east") == 201
    expect(page.locator("#total-received")).to_have_text("1", timeout=10_000)  # after a refresh
    expect(page.get_by_text("还没有设置配额")).to_be_visible()
    expect(page.get_by_text("各配额均已完成。")).to_be_hidden()


def test_new_flags_and_an_expired_login_are_announced_to_a_screen_reader(live_server, page):
    """What the page's refresh tells later appears inside a live region (role=status), which
    screen readers read out when it changes, not only on the screen."""
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    expect(page.get_by_role("status").filter(has_text="有新的标记答卷")).to_be_visible(timeout=10_000)
    page.context.clear_cookies()
    expired = page.get_by_role("status").filter(has_text="登录已过期，请刷新页面重新登录")
    expect(expired).to_be_visible(timeout=10_000)


def test_a_screen_reader_hears_each_days_count_in_the_daily_chart_also_after_a_refresh(live_server, page):
    """The chart of responses per day is a list of its days, each named by its date and count
    (its bars' titles), as the server draws it and as the refresh redraws it: as one image with
    the name 每日答卷数 it said none of its counts (WCAG 1.1.1)."""
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(survey)
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
    chart = page.get_by_role("list", name="每日答卷数")
    days = chart.get_by_role("listitem")
    expect(days).to_have_count(14)  # charts.MIN_DAYS
    expect(days.last).to_have_accessible_name(re.compile(r"^\d{4}-\d\d-\d\d：1$"))
    refreshed = page.locator("#refreshed").inner_text()
    make_response(survey)
    expect(page.locator("#refreshed")).not_to_have_text(refreshed, timeout=10_000)  # the script redrew it
    expect(page.locator("#total-received")).to_have_text("2", timeout=10_000)
    expect(days).to_have_count(14)
    expect(days.last).to_have_accessible_name(re.compile(r"^\d{4}-\d\d-\d\d：2$"))


@pytest.mark.parametrize(("lang", "poster"), [("zh", "{place}的二维码海报"), ("en", "QR poster for {place}")])
def test_each_poster_link_names_the_invitation_it_prints(live_server, page, lang, poster):
    """A screen reader listing the page's links, or tabbing through the invitations, hears which
    invitation each PNG and PDF poster is for: the place is in another cell of the row, which is
    no header (WCAG 2.4.4); the visible PNG / PDF starts each name (2.5.3)."""
    from playwright.sync_api import expect

    from surveys.models import Invitation, Village

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    east = Invitation.objects.get(survey=survey)
    Invitation.objects.create(
        survey=survey, token="hill-2024-west", group=east.group, village=Village.objects.get(code="west")
    )
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
    page.locator("#invitations summary").click()
    links = page.locator("td.posters a")
    expect(links).to_have_count(4)
    for place in ("东村 · 村民群众", "西村 · 村民群众"):
        for kind in ("PNG", "PDF"):
            name = f"{kind} · {poster.format(place=place)}"
            expect(page.get_by_role("link", name=name, exact=True)).to_have_count(1)


def phone_360(browser):
    from tests.browser.conftest import PHONE

    return browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 740}})


REASON_FITS = """field => {
    const label = field.labels[0], card = field.closest('.card').getBoundingClientRect();
    const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
    const style = getComputedStyle(field), ruler = document.createElement('canvas').getContext('2d');
    ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const inside = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {
        above: l.bottom <= f.top + 0.5,
        inCard: l.left >= card.left && l.right <= card.right + 0.5 && f.right <= card.right + 0.5,
        cut: label.scrollWidth > label.clientWidth || ruler.measureText(field.placeholder).width > inside + 1,
        page: document.documentElement.scrollWidth,
    };
}"""


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "剔除原因（必填）"), ("en", "Reason for excluding (required)")]
)
def test_the_reason_field_is_named_by_a_label_shown_above_it_on_a_phone(
    live_server, browser, shots, lang, label
):
    """The reason's name stays on the screen while it is typed (a placeholder goes), within the
    card at 360 px, and it is the field's accessible name; its example is not cut off."""
    from playwright.sync_api import expect

    from tests.browser.conftest import close_context

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    doubtful = make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    context = phone_360(browser)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        item = page.locator(f'[data-response="{doubtful.pk}"]')
        field = item.get_by_label(label, exact=True)
        field.fill("x")
        expect(item.get_by_text(label, exact=True)).to_be_visible()
        assert field.evaluate(REASON_FITS) == {"above": True, "inCard": True, "cut": False, "page": 360}
        item.scroll_into_view_if_needed()
        item.screenshot(path=str(shots / f"staff-review-reason-{lang}.png"))
    finally:
        close_context(context)


def _counting_progress_requests(page, survey) -> list:
    """The progress API's requests this page makes from now on."""
    made = []
    page.on("request", lambda r: made.append(r.url) if f"/surveys/{survey.slug}/progress/" in r.url else None)
    return made


@pytest.mark.parametrize(
    ("lang", "pause", "paused"),
    [("zh", "暂停自动刷新", "自动刷新已暂停"), ("en", "Pause auto-refresh", "Auto-refresh paused")],
)
def test_staff_pause_the_live_refresh_and_it_refreshes_at_once_when_resumed(
    live_server, browser, monkeypatch, shots, lang, pause, paused
):
    """WCAG 2.2.2: what updates by itself can be paused. While paused the page asks for nothing
    and a new response changes none of its counts, also after a reload (remembered for the tab);
    pressed again, it refreshes at once, not a round later."""
    from playwright.sync_api import expect

    from tests.browser.conftest import close_context

    monkeypatch.setattr("surveys.dashboard.views.POLL_SECONDS", 2)
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    context = phone_360(browser)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        toggle = page.get_by_role("button", name=pause, exact=True)
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_role("status").filter(has_text=paused)).to_be_visible()  # read out
        page.reload()  # the choice holds for the tab
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#refresh-state")).to_have_text(paused)
        page.screenshot(path=str(shots / f"staff-dashboard-paused-{lang}.png"))

        requests = _counting_progress_requests(page, survey)
        refreshed = page.locator("#refreshed").inner_text()
        assert submit_as_a_respondent(live_server.url, "hill-2024-east") == 201
        page.wait_for_timeout(5_000)  # two and a half rounds of the refresh
        assert requests == []
        expect(page.locator("#total-received")).to_have_text("0")
        expect(page.locator('[data-key="villager|east|18-44"] .received')).to_have_text("0")
        expect(page.locator("#refreshed")).to_have_text(refreshed)

        with page.expect_request(f"**/surveys/{survey.slug}/progress/", timeout=1_500):  # before a round
            toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#total-received")).to_have_text("1")
        expect(page.locator('[data-key="villager|east|18-44"] .received')).to_have_text("1")
        expect(page.locator("#refreshed")).not_to_have_text(refreshed)
        page.reload()
        expect(page.get_by_role("button", name=pause, exact=True)).to_have_attribute("aria-pressed", "false")
    finally:
        close_context(context)


# Every change to the page's content from now on, named by the nearest element with an id.
WATCH_CHANGES = """() => {
    window.changed = new Set();
    new MutationObserver(records => records.forEach(r => {
        const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        window.changed.add(node.closest('[id]') ? node.closest('[id]').id : node.tagName);
    })).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_the_refresh_rewrites_only_what_changed_and_leaves_the_focus_where_it_is(live_server, page):
    """A staff member typing a reason keeps the focus and what they typed across refreshes; a
    refresh that brings nothing new changes nothing but its time (no live region speaks again,
    a screen reader reading the missing list or the chart is not sent back to its start), and
    one that brings a response changes its numbers only."""
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(survey)
    doubtful = make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
    field = page.locator(f"#reason-{doubtful.pk}")
    field.fill("电话回访")
    page.evaluate(WATCH_CHANGES)
    for _ in range(3):
        refreshed = page.locator("#refreshed").inner_text()
        expect(page.locator("#refreshed")).not_to_have_text(refreshed, timeout=10_000)
    assert page.evaluate("() => [...window.changed]") == ["refreshed"]
    assert page.evaluate("() => document.activeElement.id") == f"reason-{doubtful.pk}"

    make_response(survey)
    expect(page.locator("#total-received")).to_have_text("3", timeout=10_000)
    changed = set(page.evaluate("() => [...window.changed]"))
    assert {"total-received", "missing-list", "day-chart"} <= changed
    assert not changed & {"review", "expired", "refresh-state", "review-changed"}, changed
    assert page.evaluate("() => document.activeElement.id") == f"reason-{doubtful.pk}"
    expect(field).to_have_value("电话回访")


CARD = "() => ['flag-kinds', 'flagged-places'].map(id => document.getElementById(id).outerHTML)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_flags_arriving_while_the_page_is_open_fill_the_quality_card_as_a_reload_draws_it(
    live_server, page, monkeypatch, lang
):
    """The data-quality card's kinds and places were drawn when the page was served: staff
    watching collection saw the number of flagged responses rise, but not of what kind nor where
    they gather, until they reloaded. The refresh now draws both lists — exactly as the server
    does: the card after the refresh is the card of a reload, element for element."""
    from playwright.sync_api import expect

    monkeypatch.setattr("surveys.dashboard.views.FLAGGED_PLACES_SHOWN", 2)  # so that one is left out
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(survey)
    make_response(survey, village="west")
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
    expect(page.locator("#flag-kinds")).to_be_hidden()
    expect(page.locator("#flagged-places")).to_be_hidden()

    straight = [{"code": "straight_lining", "reason": "所答 3 道题全部选择“满意”。", "reason_en": "All 3."}]
    make_response(survey, flags=straight)
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。", "reason_en": "20 s."}])
    make_response(survey, village="west", flags=straight)
    make_response(survey, village=None, group="staff", age_band=None, flags=straight)
    kinds = page.locator("#flag-kinds li")
    expect(kinds).to_have_count(2, timeout=10_000)
    places = page.locator("#flagged-places-list li")
    expect(places).to_have_count(2)
    if lang == "zh":
        expect(kinds.first).to_have_text("一律同答 3 份")
        expect(places.first).to_have_text("东村 · 村民群众 2 / 3（67%）")
        expect(page.locator("#flagged-all")).to_have_text(
            "全部 4 / 6 份（67%）有标记。一处的比例远高于此，值得回访核实。"
        )
        expect(page.locator("#flagged-places-more")).to_have_text(
            "共 3 处有标记，可在待审核答卷中按村（社区）和群体筛选。"
        )
    else:
        expect(kinds.last).to_have_text("Too fast 1 response")
        expect(places.nth(1)).to_have_text("政府工作人员 1 of 1 (100%)")
    live = page.evaluate(CARD)
    page.reload()
    assert page.evaluate(CARD) == live
    places.first.locator("a").click()
    expect(page).to_have_url(re.compile(r"\?village=east&group=villager#review$"))
    expect(page.locator("ul.review > li")).to_have_count(2)


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("zh", "有答卷在别处被剔除或恢复计入，刷新查看"),
        ("en", "Responses were excluded or counted again elsewhere, refresh to view"),
    ],
)
def test_a_decision_made_elsewhere_is_told_as_the_list_to_review_is_not_rewritten(
    live_server, page, lang, note
):
    """The refresh brings the counts but leaves the list to review alone (a reason may be half
    typed there): a response another reviewer excluded stayed listed as counted, with an 剔除
    button, and nothing said so; now a note (a live region) does, as for new flags."""
    from playwright.sync_api import expect

    from surveys.services.review import response_exclude

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    other = make_member(survey, "xiaoli", SurveyMembership.Role.STAFF)
    doubtful = make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
    refreshed = page.locator("#refreshed").inner_text()
    expect(page.locator("#refreshed")).not_to_have_text(refreshed, timeout=10_000)
    expect(page.locator("#review-changed")).to_be_hidden()

    response_exclude(response=doubtful, user=other, reason="电话回访：本人未参加")
    expect(page.get_by_role("status").filter(has_text=note)).to_be_visible(timeout=10_000)
    expect(page.locator("#total-excluded")).to_have_text("1")
    page.locator("#review-changed a").click()
    expect(page.locator(f'[data-response="{doubtful.pk}"] .state')).to_have_text(
        "已剔除" if lang == "zh" else "Excluded"
    )
    expect(page.locator("#review-changed")).to_be_hidden()


def test_the_refresh_keeps_count_of_the_cells_behind_that_the_missing_list_leaves_out(
    live_server, browser, monkeypatch, shots
):
    from playwright.sync_api import expect

    from surveys.models import Quota, Village
    from tests.browser.conftest import PHONE

    monkeypatch.setattr("surveys.dashboard.views.POLL_SECONDS", 1)
    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    villager, young = survey.group_set.get(code="villager"), survey.ageband_set.get(code="18-44")
    for n in range(21):  # with 东村's: 22 cells behind, 20 listed
        village = Village.objects.create(survey=survey, code=f"v{n}", name=f"第{n}村", order=10 + n)
        Quota.objects.create(survey=survey, group=villager, village=village, age_band=young, target=1)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
        more = page.locator("#missing-more")
        expect(more).to_have_text("另有 2 个配额未完成，未列出，见下方各表。")
        page.screenshot(path=str(shots / "staff-dashboard-missing-more.png"), full_page=True)
        make_response(survey, village="v0")  # its cell of 1 is met
        expect(more).to_have_text("另有 1 个配额未完成，未列出，见下方各表。", timeout=10_000)
        expect(page.locator("#missing-list > li")).to_have_count(20)
        make_response(survey, village="v1")
        expect(more).to_be_hidden(timeout=10_000)
        expect(page.locator("#missing-list > li")).to_have_count(20)
    finally:
        close_context(context)


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("zh", "有答卷来自下方各表还没有的村（社区）、群体或年龄段组合，刷新查看"),
        (
            "en",
            "Responses came in for a village, group or age band not yet in the tables below, refresh to view",
        ),
    ],
)
def test_a_response_of_a_combination_the_tables_do_not_have_yet_is_told_not_left_out(
    live_server, page, lang, note
):
    """The refresh updates the cells on the page. The first response of a combination without a
    quota (here a villager of 西村 without an age band, as a paper sheet may bring) raised the
    total while no cell did, until someone reloaded; now a note says so."""
    from playwright.sync_api import expect

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    make_response(survey)
    log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
    refreshed = page.locator("#refreshed").inner_text()
    expect(page.locator("#refreshed")).not_to_have_text(refreshed, timeout=10_000)
    expect(page.locator("#cells-new")).to_be_hidden()

    make_response(survey, village="west", age_band=None)
    expect(page.locator("#total-received")).to_have_text("2", timeout=10_000)
    expect(page.get_by_role("status").filter(has_text=note)).to_be_visible()
    page.locator("#cells-new a").click()
    expect(page.locator('[data-key="villager|west|"] .received')).to_have_text("1")
    expect(page.locator("#cells-new")).to_be_hidden()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_staff_open_the_comments_from_the_dashboard_and_read_them(
    live_server, browser, shots, lang
):
    """意见建议 was kept but nowhere to be read: the dashboard now links to the comments, which a
    phone shows whole (a long unbroken comment wraps), each under its village and group."""
    from playwright.sync_api import expect

    from tests.browser.test_phone_accessibility import phone_page

    survey = make_survey()
    for text in ["希望多修几条村道，下雨天出行不便。", "路灯" + "坏" * 80, "Please fix the street lights."]:
        response = make_response(survey, village="east")
        Response.objects.filter(pk=response.pk).update(comment=text)
    for _ in range(2):
        make_response(survey, village="east")
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        page.get_by_role("link", name="Comments and suggestions" if lang == "en" else "意见建议").click()
        page.wait_for_url(f"**/staff/{survey.slug}/comments/**")
        items = page.locator("ol.comments > li")
        expect(items).to_have_count(3)
        expect(items.first).to_contain_text("东村")  # no English name: the Chinese one
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        download = page.locator("#comments-download")
        assert download.bounding_box()["height"] >= 44
        page.screenshot(path=str(shots / f"comments-{lang}-360.png"), full_page=True)
        with page.expect_download() as file:
            download.click()
        assert file.value.suggested_filename == f"{survey.slug}-comments.xlsx"


def test_on_a_phone_staff_keep_a_response_from_the_list_of_those_to_check_and_see_the_outcome(
    live_server, browser, shots
):
    """The list to check, at 360 px: keeping a response there returns to the list (the response
    has left it), the outcome in view at the list's top, the choice kept."""
    from playwright.sync_api import expect

    from surveys.services.review import response_exclude
    from tests.browser.test_phone_accessibility import phone_page

    survey = make_survey()
    staff = make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    flags = [{"code": "straight_lining", "reason": "所答 3 道题全部选择“满意”。"}]
    doubtful = [make_response(survey, flags=flags) for _ in range(3)]
    response_exclude(response=doubtful[0], user=staff, reason="重复作答")
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", "zh")
        page.get_by_role("link", name="只看待核实的 2 份").click()
        items = page.locator("ul.review > li")
        expect(items).to_have_count(2)
        first = items.first
        kept = first.get_attribute("data-response")
        first.get_by_role("button", name="核实无误，保留").click()
        expect(page).to_have_url(re.compile(r"\?review=to-check#review$"))
        outcome = page.locator("#review ul.messages").get_by_role("status")
        expect(outcome).to_contain_text(f"答卷 {kept[:8]} 已核实保留")
        expect(outcome).to_be_in_viewport()
        expect(items).to_have_count(1)
        expect(page.locator("#review-count")).to_have_text("待核实 1 份")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(shots / "review-to-check-360.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_staff_follow_the_flags_to_the_place_they_gather_and_narrow_the_list_further(
    live_server, browser, shots, lang
):
    """At 360 px: the data-quality card names the place with the most flagged responses; tapping
    it lists that place's alone; the form narrows them to one kind of flag; every link and choice
    is big enough for a finger, and nothing widens the page."""
    from playwright.sync_api import expect

    from tests.browser.test_phone_accessibility import phone_page

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    straight = [
        {
            "code": "straight_lining",
            "reason": "所答 3 道题全部选择“满意”。",
            "reason_en": "All 3 “Satisfied”.",
        }
    ]
    fast = [{"code": "speeder", "reason": "作答用时 20 秒。", "reason_en": "Answered in 20 s."}]
    west = [make_response(survey, village="west", flags=straight) for _ in range(3)]
    west.append(make_response(survey, village="west", flags=fast))
    make_response(survey, village="east", flags=straight)
    make_response(survey, village="east")
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        places = page.locator("#flagged-places li > a")
        expect(places).to_have_count(2)
        expect(places.first).to_have_text("西村 · 村民群众")  # the test survey has no English names
        heights = page.evaluate(
            "() => Array.from(document.querySelectorAll('#flag-kinds a, #flagged-places li > a,"
            " #review-narrow select, #review-narrow button')).map(e => e.getBoundingClientRect().height)"
        )
        assert len(heights) == 2 + 2 + 3 + 1 and min(heights) >= 44, heights
        places.first.click()
        expect(page).to_have_url(re.compile(r"\?village=west&group=villager#review$"))
        items = page.locator("ul.review > li")
        expect(items).to_have_count(4)
        page.locator("#review-flag").select_option("straight_lining")
        page.locator("#review-narrow button").click()
        expect(items).to_have_count(3)
        assert {items.nth(i).get_attribute("data-response") for i in range(3)} == {
            str(r.pk) for r in west[:3]
        }
        expect(page.locator("#review-village")).to_have_value("west")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#review").screenshot(path=str(shots / f"review-narrowed-360-{lang}.png"))
        page.locator("#review-widen").click()
        expect(items).to_have_count(5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_staff_keep_a_checked_list_of_one_kind_all_at_once(live_server, browser, shots, lang):
    """At 360 px: the list still to check, narrowed to one kind of flag, offers to keep or exclude
    it all (folded under its count, so the list is read first); kept with a reason, the list empties, the
    outcome is in view and heard, and the audit log says the batch in one line. Axe finds
    nothing on the open form; nothing widens the page; every control is big enough for a finger."""
    from playwright.sync_api import expect

    from tests.browser.test_axe import violations
    from tests.browser.test_phone_accessibility import phone_page

    survey = make_survey()
    make_member(survey, "xiaowang", SurveyMembership.Role.STAFF)
    straight = [{"code": "straight_lining", "reason": "所答 3 道题全部选择“满意”。", "reason_en": "All 3 …"}]
    for _ in range(3):
        make_response(survey, flags=straight)
    fast = make_response(survey, flags=[{"code": "speeder", "reason": "用时过短"}])
    english = lang == "en"
    with phone_page(browser, 360) as page:
        log_in(page, live_server.url, "xiaowang", f"/staff/{survey.slug}/", lang)
        page.goto(f"{live_server.url}/staff/{survey.slug}/?review=to-check&flag=straight_lining#review")
        batch = page.locator("#batch")
        summary = batch.locator("summary")
        expect(summary).to_have_text("All at once (3 responses)" if english else "一次处理全部（3 份）")
        reason = page.locator("#batch-reason")
        expect(reason).to_be_hidden()
        summary.click()
        expect(reason).to_be_visible()
        assert violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        keep, exclude = batch.locator("button[value=keep]"), batch.locator("button[value=exclude]")
        for control in (summary, reason, keep, exclude):
            assert control.bounding_box()["height"] >= 44
        page.screenshot(path=str(shots / f"batch-{lang}-360.png"), full_page=True)
        keep.click()  # no reason yet: the browser asks for one, nothing is sent
        assert not AuditEntry.objects.exists()
        reason.fill("已电话回访，均为本人作答")
        keep.click()
        expect(page).to_have_url(re.compile(r"\?review=to-check&flag=straight_lining#review$"))
        outcome = page.locator("#review ul.messages").get_by_role("status")
        expect(outcome).to_contain_text(
            "3 responses flagged “Straight-lining” kept as checked"
            if english
            else "已将 3 份带“一律同答”标记的答卷核实保留"
        )
        expect(outcome).to_be_in_viewport()
        expect(page.locator("ul.review > li")).to_have_count(0)
        expect(page.locator("#review")).to_contain_text(
            "None of the responses narrowed to is left to check."
            if english
            else "筛选出的答卷中没有待核实的了。"
        )
        expect(page.locator("#audit tbody tr").first).to_contain_text(
            "3 responses · Straight-lining" if english else "3 份 · 一律同答"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(shots / f"batch-done-{lang}-360.png"), full_page=True)
    assert AuditEntry.objects.filter(action="response_kept_in_batch").count() == 3
    assert not AuditEntry.objects.filter(response=fast).exists()
