"""Every page a respondent, staff member, evaluator or administrator opens, checked by axe-core
(Deque's accessibility engine, bundled by axe-playwright-python) against WCAG 2.2 A and AA and
axe's best practices, in both languages: on a phone, and the admin on a desk too.

The site's own hand-written checks (contrast, targets a finger can hit, tables on a phone) test
what axe cannot measure; axe covers what they do not look for: names of every control, landmarks,
headings, ARIA used as specified, language of the page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from surveys.models import PaperSheet, Quota, Survey, SurveyMembership
from tests.browser.test_phone_accessibility import phone_page
from tests.browser.test_staff_dashboard import _a_paper_survey, log_in, staff_pages
from tests.factories import make_survey
from tests.surveys.report_helpers import answer
from tests.surveys.staff_factories import make_member, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
AXE = Axe()
# The admin's tables of parts keep two header cells Django's own template leaves empty (over the
# column that names a stored row, and over the delete boxes where rows can no longer be deleted);
# axe's best practice "empty-table-header" (not a WCAG rule) is not asked of them.
ADMIN_RULES = {**RULES, "rules": {"empty-table-header": {"enabled": False}}}


def violations(page, rules: dict = RULES) -> list[str]:
    """What axe finds wrong on the page as it stands: each rule broken, how badly, where (the
    first three places) and why."""
    found = AXE.run(page, options=rules).response["violations"]
    return [
        f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])}×): "
        + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
        + " — "
        + rule["nodes"][0]["failureSummary"].replace("\n", " ")
        for rule in found
    ]


def told(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def seen(page, where: str, rules: dict = RULES) -> dict[str, list[str]]:
    """{where: what axe finds on the page as it stands}, or {} when it finds nothing."""
    return {where: problems} if (problems := violations(page, rules)) else {}


def checked(page, url: str, lang: str, rules: dict = RULES) -> dict[str, list[str]]:
    page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    page.wait_for_load_state("networkidle")
    return seen(page, url, rules)


def sign_in_wrongly(page) -> None:
    page.locator("#id_username").fill("zhuren")
    page.locator("#id_password").fill("not the password")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_a_respondent_sees_breaks_no_rule(live_server, browser, lang):
    """The home page, the sign-in page, the questionnaire as it opens, with every question told
    it is unanswered, and after the answers are sent; a closed survey's page; a page not found."""
    make_survey()
    make_survey("hill-2023", status=Survey.Status.CLOSED)  # its link: /s/hill-2023-east/
    found = {}
    with phone_page(browser, 360) as page:
        for url in ("/", "/accounts/login/", "/s/hill-2023-east/", "/nowhere/"):
            found |= checked(page, live_server.url + url, lang)
        found |= checked(page, f"{live_server.url}/s/hill-2024-east/", lang)
        page.locator("#submit").click()
        page.locator("fieldset.q.invalid").first.wait_for()
        found |= seen(page, "questionnaire, nothing answered")
        for question in page.locator("fieldset.q").all():
            question.locator("label.opt").first.click()
        page.locator("#submit").click()
        page.locator("#done").wait_for()
        found |= seen(page, "questionnaire, sent")
    assert not found, told(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_staff_and_evaluators_see_breaks_no_rule(live_server, browser, lang):
    """Every staff page with rows in each of its tables, a paper sheet opened for typing, a wrong
    password on the sign-in page, the API token page, a page refused; the evaluator's list, report
    (compared with last year) and API token pages. (The API's documentation is Redoc's page, drawn by Redoc's
    script: not checked here.)"""
    survey = _a_paper_survey()
    Quota.objects.create(survey=survey, group=survey.group_set.get(code="staff"), target=10)
    answer(survey, 6, village="east")
    last_year = make_survey("hill-2023")
    answer(last_year, 6, village="east")
    evaluator = make_member(survey, "pingjia", SurveyMembership.Role.EVALUATOR)
    SurveyMembership.objects.create(survey=last_year, user=evaluator, role=SurveyMembership.Role.EVALUATOR)
    found = {}
    with phone_page(browser, 360) as page:
        page.goto(f"{live_server.url}/accounts/login/?lang={lang}")
        sign_in_wrongly(page)
        page.locator("#login-error").wait_for()
        found |= seen(page, "sign-in, wrong password")
        log_in(page, live_server.url, "zhuren", f"/staff/{survey.slug}/", lang)
        # ... their API token's page, and a page they may not open (the evaluator's: 403)
        for url in (*staff_pages(survey), "/evaluate/token/", f"/evaluate/{survey.slug}/"):
            found |= checked(page, live_server.url + url, lang)
        # A paper sheet opened for typing (the entry form the page draws once its number is in)
        page.goto(f"{live_server.url}/staff/{survey.slug}/paper/enter/?lang={lang}")
        page.locator("#sheet-number").fill(
            PaperSheet.objects.filter(survey=survey).order_by("number")[1].number
        )
        page.keyboard.press("Enter")
        page.locator("#sheet-ordinal").wait_for()
        found |= seen(page, "a paper sheet opened for typing")
        page.context.clear_cookies()
        log_in(page, live_server.url, "pingjia", f"/evaluate/{survey.slug}/", lang)
        for url in (
            "/evaluate/",
            f"/evaluate/{survey.slug}/?compare=hill-2023",
            "/evaluate/token/",
        ):
            found |= checked(page, live_server.url + url, lang)
    assert not found, told(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_someone_refused_sees_breaks_no_rule(live_server, browser, settings, request, lang):
    """A questionnaire link that does not exist, a sign-in form sent after its page expired
    (CSRF), and the sign-in page after five wrong passwords (django-axes' lockout)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    request.addfinalizer(cache.clear)  # the lockout, counted in the cache, ends with the test
    cache.clear()
    make_survey()
    found = {}
    with phone_page(browser, 360) as page:
        found |= checked(page, f"{live_server.url}/s/no-such-link/", lang)
        page.goto(f"{live_server.url}/accounts/login/?lang={lang}")
        page.context.clear_cookies(name="csrftoken")
        sign_in_wrongly(page)
        assert page.title().startswith({"zh": "页面已过期", "en": "Page expired"}[lang])
        found |= seen(page, "sign-in, page expired")
        page.goto(f"{live_server.url}/accounts/login/?lang={lang}")
        for _ in range(5):
            sign_in_wrongly(page)
        assert page.title().startswith({"zh": "登录失败次数过多", "en": "Too many failed logins"}[lang])
        found |= seen(page, "sign-in, locked out")
    assert not found, told(found)


@pytest.mark.parametrize("width", [360, 1100])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_an_administrator_sees_breaks_no_rule(live_server, browser, lang, width):
    """The admin's pages an administrator works in: its index, the surveys and responses lists
    (with their filters, a search), a survey's authoring page with every inline table, a new
    survey, the lists whose rows are edited in place (villages, quotas, links), a link's page (its
    opening and closing dates and times), adding a survey's member (select2's account box) and an
    account's page (SelectFilter2's lists of groups and permissions)."""
    survey = make_survey()
    answer(survey, 6, village="east")
    admin = make_user("guanliyuan", superuser=True)
    found = {}
    with phone_page(browser, width) as page:
        log_in(page, live_server.url, "guanliyuan", "/admin/", lang)
        for url in (
            "/admin/",
            "/admin/surveys/survey/",
            f"/admin/surveys/survey/{survey.pk}/change/",
            "/admin/surveys/survey/add/",
            "/admin/surveys/response/?q=0",
            "/admin/surveys/village/",
            "/admin/surveys/quota/",
            "/admin/surveys/invitation/",
            f"/admin/surveys/invitation/{survey.invitation_set.get().pk}/change/",
            "/admin/surveys/surveymembership/add/",
            f"/admin/auth/user/{admin.pk}/change/",
        ):
            found |= checked(page, live_server.url + url, lang, ADMIN_RULES)
        # Each box is named by its own row and column (the choice of an item's dimension, which
        # the admin wraps in its "+" links, once took the row above's name).
        named = {}
        for url, boxes in (
            (
                f"/admin/surveys/survey/{survey.pk}/change/",
                ("#id_item_set-1-dimension", "#id_item_set-2-text", "#id_option_set-__prefix__-points"),
            ),
            ("/admin/surveys/quota/", ("#id_form-0-target",)),
            ("/admin/surveys/invitation/add/", ("#id_opens_at_1",)),
        ):
            page.goto(f"{live_server.url}{url}?lang={lang}")
            for box in boxes:
                named[box] = page.locator(box).get_attribute("aria-label", timeout=5_000)
    assert not found, told(found)
    assert named == NAMED[lang]


NAMED = {
    "zh": {
        "#id_item_set-1-dimension": "题目 2：维度",
        "#id_item_set-2-text": "题目 3：题目",
        "#id_option_set-__prefix__-points": "新答案选项：默认分值",
        "#id_form-0-target": "东村 · 村民群众 · 18–44岁：目标份数",
        "#id_opens_at_1": "开始时间（时间）",
    },
    "en": {
        "#id_item_set-1-dimension": "Item 2: Dimension",
        "#id_item_set-2-text": "Item 3: Item",
        "#id_option_set-__prefix__-points": "New answer option: Default score",
        "#id_form-0-target": "东村 · 村民群众 · 18–44岁: Target responses",
        "#id_opens_at_1": "Start time (time)",
    },
}
