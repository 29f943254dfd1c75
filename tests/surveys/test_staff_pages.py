"""The staff pages as each role sees them: the landing list, the dashboard's links, the
invitations table, the audit log's words, and the site's own error pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from surveys.models import Invitation, Quota, SurveyMembership, Village
from tests.surveys.staff_factories import make_member, make_response, make_user

pytestmark = pytest.mark.django_db

STAFF = SurveyMembership.Role.STAFF
EVALUATOR = SurveyMembership.Role.EVALUATOR


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


@pytest.fixture
def staff(survey):
    return client_for(make_member(survey, "xiaowang", STAFF))


@pytest.fixture
def evaluator(survey):
    return client_for(make_member(survey, "pinggu", EVALUATOR))


@pytest.fixture
def administrator(db):
    return client_for(make_user("root", superuser=True))


# --- 1. the paper pages are reachable before any sheet is printed -------------------------------


def test_staff_reach_the_paper_pages_before_any_sheet_is_printed(staff, survey):
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert f"/staff/{survey.slug}/paper/" in links(html)
    assert 'id="paper"' in html and "还没有打印纸质问卷" in html
    assert f"/staff/{survey.slug}/paper/discrepancies/" not in links(html)  # nothing to resolve yet


def test_the_paper_card_offers_entry_and_resolution_once_sheets_exist(staff, survey):
    from surveys.services.paper import paper_sheets_print

    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=3)
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert "已打印 <b>3</b>" in html and "待第 2 遍录入 <b>0</b>" in html  # the paper page's words
    assert {f"/staff/{survey.slug}/paper/", f"/staff/{survey.slug}/paper/discrepancies/"} <= links(html)


# --- 2. invitation links and QR posters ---------------------------------------------------------


def test_staff_get_each_invitation_link_to_copy_and_its_posters(staff, survey, settings):
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    row = re.search(r'<tr[^>]*data-invitation="hill-2024-east".*?</tr>', html, re.S).group(0)
    assert re.search(
        rf'<textarea readonly[^>]*class="url"[^>]*>{settings.PUBLIC_BASE_URL}/s/hill-2024-east/</textarea>',
        row,
    )
    assert 'class="copy-button"' in row
    assert 'href="/s/hill-2024-east/poster.png"' in row and 'href="/s/hill-2024-east/poster.pdf"' in row
    assert staff.get("/s/hill-2024-east/poster.png").status_code == 200  # the link works for them


def test_a_link_that_takes_no_more_answers_is_marked_and_not_offered_for_posting(staff, survey):
    villager = survey.group_set.get(code="villager")
    west = survey.village_set.get(code="west")
    Invitation.objects.create(survey=survey, token="hill-off", group=villager, village=west, is_active=False)
    Invitation.objects.create(
        survey=survey,
        token="hill-past",
        group=survey.group_set.get(code="staff"),
        closes_at=timezone.now() - timedelta(days=1),
    )
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    off = re.search(r'<tr[^>]*data-invitation="hill-off".*?</tr>', html, re.S).group(0)
    assert "已停用" in off and "poster.p" not in off and "<input" not in off and "copy-button" not in off
    past = re.search(r'<tr[^>]*data-invitation="hill-past".*?</tr>', html, re.S).group(0)
    assert "已截止" in past and "poster.p" not in past and "<input" not in past
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "Switched off" in re.search(r'<tr[^>]*data-invitation="hill-off".*?</tr>', english, re.S).group(0)


def test_evaluators_see_the_counts_per_link_but_no_links_or_posters(evaluator, survey):
    html = evaluator.get(f"/staff/{survey.slug}/").content.decode()
    assert "<code>hill-2024-east</code>" in html
    assert "poster.p" not in html and "/s/hill-2024-east/" not in html and "copy-button" not in html


# --- 3. the audit log in English -----------------------------------------------------------------


def test_the_audit_log_names_its_actions_in_the_page_language(staff, survey):
    from django.contrib.auth.models import User

    from surveys.services.review import response_exclude, response_include

    response = make_response(survey)
    user = User.objects.get(username="xiaowang")
    response_exclude(response=response, user=user, reason="回访：未参加")
    response_include(response=response, user=user, reason="核实：本人作答")
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    audit = english[english.index('id="audit"') :]
    assert (
        '<td class="action">Excluded a response</td>' in audit
        and '<td class="action">Counted a response again</td>' in audit
    )
    assert "剔除答卷" not in audit and "恢复计入" not in audit
    chinese = staff.get(f"/staff/{survey.slug}/?lang=zh").content.decode()
    audit = chinese[chinese.index('id="audit"') :]
    assert '<td class="action">剔除答卷</td>' in audit and '<td class="action">恢复计入</td>' in audit


def test_a_resolved_paper_sheet_is_named_in_english_in_the_audit_log(staff, survey):
    from surveys.services.paper import paper_discrepancy_resolve, paper_entry_save, paper_sheets_print

    sheet = paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=1)[0]
    answers = {"income": "satisfied", "roads": "satisfied", "water": "satisfied"}
    paper_entry_save(sheet=sheet, user=make_member(survey, "a", STAFF), age_band="18-44", answers=answers)
    other = {**answers, "roads": "dissatisfied"}
    paper_entry_save(sheet=sheet, user=make_member(survey, "b", STAFF), age_band="18-44", answers=other)
    paper_discrepancy_resolve(
        sheet=sheet, user=make_user("root", superuser=True), answers=answers, age_band="18-44", reason="原件"
    )
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert (
        '<td class="action">Resolved a paper questionnaire</td>' in english and "裁定纸质问卷" not in english
    )


# --- 5. every role lands on a list of what it may open -------------------------------------------


def test_an_evaluator_lands_on_a_list_that_leads_to_the_evaluation_page(survey):
    make_member(survey, "pinggu", EVALUATOR)
    client = Client()
    landed = client.post(
        "/accounts/login/", {"username": "pinggu", "password": "a-long-test-password-42"}, follow=True
    )
    html = landed.content.decode()
    assert landed.redirect_chain[-1][0] == "/staff/"
    item = re.search(r'<li class="card" data-survey="hill-2024">.*?</li>', html, re.S).group(0)
    assert re.search(r'<a class="title" href="/evaluate/hill-2024/">', item)  # the main link
    assert f"/evaluate/{survey.slug}/" in links(item) and f"/staff/{survey.slug}/" in links(item)
    assert f"/staff/{survey.slug}/paper/" not in links(item)


def test_staff_are_not_offered_the_evaluation_page(staff, survey):
    item = re.search(
        r'<li class="card" data-survey="hill-2024">.*?</li>', staff.get("/staff/").content.decode(), re.S
    )
    assert re.search(r'<a class="title" href="/staff/hill-2024/">', item.group(0))
    assert links(item.group(0)) == {f"/staff/{survey.slug}/", f"/staff/{survey.slug}/paper/"}


def test_administrators_are_offered_every_page(administrator, survey):
    item = re.search(
        r'<li class="card" data-survey="hill-2024">.*?</li>',
        administrator.get("/staff/").content.decode(),
        re.S,
    ).group(0)
    assert links(item) == {
        f"/staff/{survey.slug}/",
        f"/staff/{survey.slug}/paper/",
        f"/evaluate/{survey.slug}/",
    }


def test_the_dashboard_offers_an_evaluator_only_what_they_may_open(evaluator, survey):
    from surveys.services.paper import paper_sheets_print

    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=1)
    html = evaluator.get(f"/staff/{survey.slug}/").content.decode()
    assert f"/evaluate/{survey.slug}/" in links(html)
    offered = [url for url in links(html) if url.startswith(f"/staff/{survey.slug}/")]
    # No paper entry, no resolution (403 for them); what respondents wrote and the counts as Excel.
    assert sorted(offered) == [f"/staff/{survey.slug}/comments/", f"/staff/{survey.slug}/progress.xlsx"]
    assert "录入纸质问卷" not in html and "裁定不一致" not in html
    for url in links(html):
        if url.startswith("/") and not url.startswith(("/static/", "/accounts/")):
            assert evaluator.get(url).status_code == 200, url


def test_every_link_on_the_staff_pages_opens_for_staff(staff, survey):
    from surveys.services.paper import paper_sheets_print

    paper_sheets_print(invitation=Invitation.objects.get(survey=survey), count=1)
    for page in ("/staff/", f"/staff/{survey.slug}/", f"/staff/{survey.slug}/paper/"):
        for url in links(staff.get(page).content.decode()):
            if url.startswith("/") and not url.startswith(("/static/", "/accounts/", "/?", "?")):
                assert staff.get(url).status_code == 200, (page, url)


# --- 6. the site's own error pages ---------------------------------------------------------------


def test_an_unknown_page_is_the_sites_own_404_in_the_chosen_language(staff):
    reply = staff.get("/staff/nonexistent/")
    html = reply.content.decode()
    assert reply.status_code == 404
    assert "找不到这个页面" in html and 'href="/"' in html and "staff/staff.css" in html
    assert "Not Found" not in html
    english = staff.get("/staff/nonexistent/?lang=en").content.decode()
    assert "Page not found" in english and "找不到这个页面" not in english and 'lang="en"' in english


def test_a_refusal_is_the_sites_own_403_and_says_why(staff, survey):
    reply = staff.get(f"/evaluate/{survey.slug}/")
    html = reply.content.decode()
    assert reply.status_code == 403
    assert "没有权限打开这个页面" in html and "只有这项调查的评价人员或管理员可以查看评价结果" in html
    assert 'href="/"' in html and "403 Forbidden" not in html
    english = staff.get(f"/evaluate/{survey.slug}/?lang=en").content.decode()
    assert "You may not open this page" in english and "evaluators or an administrator" in english


def test_a_crash_shows_the_sites_own_500_in_both_languages(staff, survey, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("surveys.dashboard.views.survey_progress", broken)
    staff.raise_request_exception = False
    reply = staff.get(f"/staff/{survey.slug}/")
    html = reply.content.decode()
    assert reply.status_code == 500
    assert "服务器出错了" in html and "Server error" in html and 'href="/"' in html


def test_the_500_page_needs_no_context_at_all():
    from django.template import loader

    html = loader.get_template("500.html").render()  # as Django's server_error draws it
    assert "服务器出错了" in html and "Server error" in html and "{%" not in html


def test_the_api_still_answers_its_errors_in_json(staff, survey, monkeypatch):
    unknown = staff.get("/api/v1/no-such-endpoint/")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json"
    assert unknown.json() == {"detail": "未找到。"}
    assert staff.get("/api/v1/no-such-endpoint/?lang=en").json() == {"detail": "Not found."}
    missing = staff.get("/api/v1/surveys/no-such-survey/progress/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    refused = staff.get(f"/api/v1/surveys/{survey.slug}/score/")
    assert refused.status_code == 403 and "detail" in refused.json()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("surveys.api.progress.survey_progress", broken)
    staff.raise_request_exception = False
    crashed = staff.get(f"/api/v1/surveys/{survey.slug}/progress/")
    assert crashed.status_code == 500 and crashed["Content-Type"] == "application/json"
    assert "detail" in crashed.json()


# --- 9. one wording, the English card title ------------------------------------------------------


def test_the_invitation_card_title_is_plural_in_english(staff, survey):
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "<h2>Invitation links</h2>" in english
    assert "<h2>邀请链接</h2>" in staff.get(f"/staff/{survey.slug}/?lang=zh").content.decode()


def test_the_english_counts_need_no_unit_word_so_one_response_is_not_1_responses(staff, survey):
    """The cards' counts are rewritten by the page's script as they change, without the text
    around them: English puts them after a label ("Stored in all: 1"), where Chinese says
    "共存储 1 份"."""
    make_response(survey)
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert 'Stored in all: <b id="total-responses">1</b>' in english
    assert 'Excluded: <b id="total-excluded">0</b>' in english
    assert 'Without a link (imported): <b id="inv-without">' in english
    assert 'Per link on average: <b id="inv-per">' in english
    assert "1 responses" not in english and "0 responses" not in english
    chinese = staff.get(f"/staff/{survey.slug}/?lang=zh").content.decode()
    assert '共存储 <b id="total-responses">1</b> 份' in chinese
    assert '已剔除 <b id="total-excluded">0</b> 份' in chinese


def test_all_quotas_met_is_a_sentence_not_a_numbered_list_item(staff, survey):
    for _ in range(3):
        make_response(survey)  # the one quota (东村 · 村民群众 · 18–44岁, 3) is met
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert re.search(r'<ol id="missing-list" hidden>\s*</ol>', html)
    assert re.search(r'<p id="missing-none" class="muted">各配额均已完成。</p>', html)


def test_a_quota_still_missing_is_listed_and_the_sentence_hidden(staff, survey):
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert '<ol id="missing-list">' in html and '<p id="missing-none" class="muted" hidden>' in html
    assert "（0/3）" in html


def _villages_behind(survey, count: int) -> None:
    """`count` more villages, each with a quota of 2 villagers aged 18–44 and no response yet."""
    villager, young = survey.group_set.get(code="villager"), survey.ageband_set.get(code="18-44")
    for n in range(count):
        village = Village.objects.create(survey=survey, code=f"v{n}", name=f"第{n}村", order=10 + n)
        Quota.objects.create(survey=survey, group=villager, village=village, age_band=young, target=2)


def test_the_cells_behind_that_the_missing_list_leaves_out_are_counted_under_it(staff, survey):
    """The demo survey starts with 69 cells behind; the list shows the 20 most urgent and must not
    read as all that is missing."""
    _villages_behind(survey, 21)  # with 东村's: 22 cells behind
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert len(re.findall(r"<li><span>[^<]*</span> <b>缺", html)) == 20
    assert '<p id="missing-more" class="notice">另有 <b id="missing-more-count">2</b> 个配额未完成' in html
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert 'Also behind, not listed here: <b id="missing-more-count">2</b> more' in english


def test_no_cell_left_out_of_the_missing_list_says_nothing_of_any(staff, survey):
    _villages_behind(survey, 19)  # 20 cells behind: all listed
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert '<p id="missing-more" class="notice" hidden>' in html


def _quota_headings(html: str, group: str) -> list[str]:
    table = re.search(rf"<h2>{group}</h2>.*?<thead>(.*?)</thead>", html, re.S).group(1)
    return [re.sub(r"<[^>]+>|\u2060", "", th) for th in re.findall(r"<th>(.*?)</th>", table)]


def test_villagers_who_left_their_age_band_blank_are_a_column_of_their_own_not_a_total(staff, survey):
    """A paper sheet or an imported row may leave a villager's age band blank: those responses
    were shown under 合计 (total), as if 东村 had received 1 in all."""
    make_response(survey)  # 东村 · 18–44岁
    make_response(survey, age_band=None)
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert _quota_headings(html, "村民群众") == ["村（社区）", "18–44岁", "未填年龄段"]
    row = re.search(r'<th scope="row">东村</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'data-key="([^"]*)"', row) == ["villager|east|18-44", "villager|east|"]
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "<th>No age band</th>" in english


def test_a_quota_over_every_age_band_is_headed_total(staff, survey):
    villager, east = survey.group_set.get(code="villager"), survey.village_set.get(code="east")
    Quota.objects.create(survey=survey, group=villager, village=east, target=10)
    make_response(survey, age_band=None)  # counted in 东村's 10
    make_response(survey, group="staff", village=None, age_band=None)  # no quota for staff
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    assert _quota_headings(html, "村民群众") == ["村（社区）", "合计", "18–44岁"]
    # The corner names what the rows are (axe: no empty header cell).
    assert _quota_headings(html, "政府工作人员") == ["受访群体", "合计"]


def test_links_not_open_yet_may_be_posted_ahead_and_a_used_single_use_link_may_not(staff, survey):
    villager = survey.group_set.get(code="villager")
    west = survey.village_set.get(code="west")
    Invitation.objects.create(
        survey=survey,
        token="hill-soon",
        group=villager,
        village=west,
        opens_at=timezone.now() + timedelta(days=2),
    )
    once = Invitation.objects.create(
        survey=survey, token="hill-once", group=survey.group_set.get(code="staff"), single_use=True
    )
    make_response(survey, group="staff", village=None, age_band=None, invitation=once)
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    soon = re.search(r'<tr[^>]*data-invitation="hill-soon".*?</tr>', html, re.S).group(0)
    assert "未到开始时间" in soon and "/s/hill-soon/poster.pdf" in soon and "copy-button" in soon
    used = re.search(r'<tr[^>]*data-invitation="hill-once".*?</tr>', html, re.S).group(0)
    assert "已用过" in used and "poster.p" not in used and "<input" not in used


def test_when_the_survey_is_closed_no_link_is_offered(staff, survey):
    survey.status = survey.Status.CLOSED
    survey.save()
    html = staff.get(f"/staff/{survey.slug}/").content.decode()
    row = re.search(r'<tr[^>]*data-invitation="hill-2024-east".*?</tr>', html, re.S).group(0)
    assert "已截止" in row and "poster.p" not in row and "<input" not in row


def test_a_wrong_password_marks_both_fields_and_ties_them_to_the_explanation(survey):
    make_member(survey, "pinggu", EVALUATOR)
    html = Client().post("/accounts/login/", {"username": "pinggu", "password": "wrong-password-1"}).content
    html = html.decode()
    assert re.search(r'<p id="login-error" class="error" role="alert">用户名或密码不正确', html)
    for name in ("username", "password"):
        field = re.search(rf'<input id="id_{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field and 'aria-describedby="login-error"' in field
    fresh = Client().get("/accounts/login/").content.decode()
    assert "aria-invalid" not in fresh and "login-error" not in fresh


def test_every_wide_table_box_can_be_reached_and_scrolled_by_keyboard_and_is_named():
    """A table wider than a phone scrolls in its own box: the box takes the keyboard's focus
    (arrow keys then scroll it, in every browser) and a screen reader names it."""
    from tests.browser.test_staff_dashboard import _a_paper_survey
    from tests.surveys.report_helpers import answer

    survey = _a_paper_survey()
    answer(survey, 6, village="east")
    make_response(survey, flags=[{"code": "speeder", "reason": "快"}])
    from django.contrib.auth import get_user_model

    zhuren = client_for(get_user_model().objects.get(username="zhuren"))
    evaluator = client_for(make_member(survey, "pinggu", EVALUATOR))
    pages = [
        (zhuren, f"/staff/{survey.slug}/", 3),
        (zhuren, f"/staff/{survey.slug}/paper/", 1),
        (zhuren, f"/staff/{survey.slug}/paper/discrepancies/", 1),
        (evaluator, f"/evaluate/{survey.slug}/", 6),
    ]
    for client, url, expected in pages:
        html = client.get(url).content.decode()
        boxes = re.findall(r'<div class="scroll"[^>]*>', html)
        assert len(boxes) >= expected, url
        for box in boxes:
            assert re.fullmatch(r'<div class="scroll" tabindex="0" role="region" aria-label="[^"]+">', box), (
                box
            )


def test_each_copy_button_is_named_by_its_place_in_both_languages(staff, survey):
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    chinese = staff.get(f"/staff/{survey.slug}/?lang=zh").content.decode()
    assert 'aria-label="Copy the questionnaire address for ' in english
    assert 'aria-label="复制' in chinese and "的问卷地址" in chinese
    assert '<p id="copy-status" class="visually-hidden" role="status"></p>' in english


def test_the_dashboards_chinese_title_is_marked_as_chinese_on_the_english_page(staff, survey):
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert f'<h1 lang="zh-Hans">{survey.title}</h1>' in english
    survey.title_en = "Hill satisfaction survey"
    survey.save()
    english = staff.get(f"/staff/{survey.slug}/?lang=en").content.decode()
    assert "<h1>Hill satisfaction survey</h1>" in english
    assert f"<h1>{survey.title}</h1>" in staff.get(f"/staff/{survey.slug}/?lang=zh").content.decode()


@pytest.mark.parametrize(
    ("lang", "with_villages", "without"),
    [
        (
            "zh",
            ("催收提醒（发到各村微信群）", "可转发给各村（社区）。"),
            ("催收提醒（发到各受访群体的微信群）", "可转发给各受访群体的联系人。"),
        ),
        (
            "en",
            ("Reminders for the villages' WeChat groups", "to pass on to the villages."),
            (
                "Reminders for the respondent groups' WeChat groups",
                "to pass on to each respondent group's contact.",
            ),
        ),
    ],
)
def test_a_survey_without_villages_passes_its_shortfall_on_to_its_groups_not_to_villages(
    staff, survey, lang, with_villages, without
):
    """A county bureau's survey of the people at its counters and of firms has no villages: the
    dashboard does not send its reminders and its progress workbook to villages."""
    page = staff.get(f"/staff/{survey.slug}/?lang={lang}").content.decode().replace("&#x27;", "'")
    assert all(text in page for text in with_villages) and not any(text in page for text in without)
    Invitation.objects.filter(survey=survey).delete()
    Village.objects.filter(survey=survey).delete()
    page = staff.get(f"/staff/{survey.slug}/?lang={lang}").content.decode().replace("&#x27;", "'")
    assert all(text in page for text in without) and not any(text in page for text in with_villages)
    # Its quotas went with the villages: what to set names no village either, here and on the
    # reminders page.
    no_quota = {
        "zh": "在管理后台的“配额”页为各受访群体填写目标份数后",
        "en": "once target counts per respondent group",
    }
    reminders = staff.get(f"/staff/{survey.slug}/reminders/?lang={lang}").content.decode()
    assert no_quota[lang] in page and no_quota[lang] in reminders
    assert "村（社区）、受访群体和年龄段" not in page + reminders and "per village" not in page + reminders


# --- the list of surveys says how far each one's collection has come ----------------------------


def _listed(client, slug: str = "hill-2024") -> str:
    html = client.get("/staff/").content.decode()
    item = re.search(rf'<li class="card" data-survey="{slug}">.*?</li>', html, re.S)
    return item.group(0) if item else ""


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_list_says_what_the_dashboard_says_of_each_surveys_collection(staff, survey):
    from surveys.selectors_progress import survey_progress
    from surveys.selectors_review import responses_to_check

    make_response(survey, received_at=timezone.now() - timedelta(hours=2))
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 21 秒。"}], excluded=True)
    progress = survey_progress(survey)
    item = _listed(staff)
    text = _text(item)
    assert f"已收答卷 {progress.received} / {progress.target}" in text and progress.received == 2
    assert f"{progress.status_label} · 尚缺 {progress.still_needed} 份" in text
    assert f"最近收到 {timezone.localtime(progress.last_response_at):%Y-%m-%d %H:%M}" in text
    # The flagged response still counted and not yet checked, a tap from the dashboard's list of them.
    assert responses_to_check(survey) == 1
    assert (
        '<a href="/staff/hill-2024/?review=to-check#review" class="to-check">1 份标记答卷待核查</a>' in item
    )
    # The same in English.
    english = _text(client_for(make_member(survey, "xiaoli", STAFF)).get("/staff/?lang=en").content.decode())
    assert f"Responses received {progress.received} / {progress.target}" in english
    assert f"{progress.still_needed} still needed" in english and "1 flagged response to check" in english


def test_an_evaluator_sees_the_collection_but_no_responses_to_check(evaluator, survey):
    make_response(survey, flags=[{"code": "speeder", "reason": "作答用时 20 秒。"}])
    item = _listed(evaluator)
    assert "已收答卷" in item and "to-check" not in item and "待核查" not in item


def test_a_draft_says_nothing_of_collection_and_a_survey_without_quotas_counts_alone(staff, survey):
    from surveys.models import Survey

    Quota.objects.filter(survey=survey).delete()
    assert "尚无答卷" in _text(_listed(staff)) and "（未设配额）" in _text(_listed(staff))
    make_response(survey)
    assert "已收答卷 1 份 （未设配额）" in _text(_listed(staff))
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert "已收答卷" not in _listed(staff) and "listed-progress" not in _listed(staff)
