"""Which language staff and evaluators see: Chinese unless they chose English (?lang=en, kept in a
cookie), whatever the browser's Accept-Language says; the English comes from locale/en."""

import re

import pytest
from django.conf import settings
from django.test import Client

from surveys.models import SurveyMembership
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(survey):
    client = Client()
    client.force_login(member("wang", survey, SurveyMembership.Role.STAFF))
    return client


@pytest.fixture
def evaluator_client(survey):
    answer(survey, 6, village="east")
    answer(survey, 6, village="west")
    client = Client()
    client.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    return client


def test_chinese_is_the_default_even_for_an_english_browser(staff_client):
    page = staff_client.get("/staff/hill-2024/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert page.status_code == 200
    assert "已收答卷" in html and "Responses received" not in html
    assert page["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in html
    assert 'href="?lang=en"' in html  # the way to English is on the page


def test_the_language_link_keeps_the_rest_of_the_query(client):
    html = client.get("/accounts/login/?next=/staff/hill-2024/").content.decode()
    assert 'href="?next=%2Fstaff%2Fhill-2024%2F&amp;lang=en"' in html


def test_english_is_chosen_on_the_page_and_remembered(staff_client):
    page = staff_client.get("/staff/hill-2024/?lang=en")
    html = page.content.decode()
    assert "Responses received" in html and "已收答卷" not in html
    assert page["Content-Language"] == "en"
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'href="?lang=zh"' in html

    again = staff_client.get("/staff/hill-2024/")  # the cookie remembers the choice
    assert "Responses received" in again.content.decode()

    back = staff_client.get("/staff/hill-2024/?lang=zh")
    assert "已收答卷" in back.content.decode()
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_the_evaluator_page_in_english(evaluator_client):
    html = evaluator_client.get("/evaluate/hill-2024/?lang=en").content.decode()
    for text in ("Composite satisfaction", "95% confidence interval", "Scores by dimension", "Downloads"):
        assert text in html, text
    # The page's own words are English, and so are the derivation sentences (the score document
    # in English); the test survey's names have no English and stay Chinese.
    assert "Composite satisfaction = " in html
    for chinese in ("<h2>综合满意度</h2>", "各维度得分", "<th>95% 置信区间</th>", "每个数字的来历"):
        assert chinese not in html, chinese
    token_page = evaluator_client.get("/evaluate/token/").content.decode()
    assert "API token" in token_page and "Generate a token" in token_page


def test_a_choice_on_one_request_does_not_leak_into_the_next_without_the_cookie(staff_client, survey):
    staff_client.get("/staff/hill-2024/?lang=en")
    fresh = Client()
    fresh.force_login(member("zhao", survey, SurveyMembership.Role.STAFF))
    assert "已收答卷" in fresh.get("/staff/hill-2024/").content.decode()


def test_the_english_catalogue_is_complete_and_compiled():
    """Every text marked for translation has its English, and `make messages` compiled it."""
    import polib

    po = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags] == []
    mo = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run `make messages` (GNU gettext's msgfmt) to compile the English"
    assert mo.stat().st_mtime >= (mo.with_suffix(".po")).stat().st_mtime, "django.mo is older than django.po"


def test_the_paper_pages_in_english(staff_client):
    home = staff_client.get("/staff/hill-2024/paper/?lang=en").content.decode()
    assert "<h1>Paper questionnaires</h1>" in home and "纸质问卷</h1>" not in home
    enter = staff_client.get("/staff/hill-2024/paper/enter/").content.decode()  # the cookie carries on
    assert '"blank": "Blank"' in enter  # what paper-entry.js writes
    assert "Second entry (verification)" in enter


def test_the_surveys_own_english_names_appear_where_it_has_them(staff_client, survey):
    from surveys.models import Group, Village
    from tests.surveys.staff_factories import make_response

    survey.title_en = "Hill Town 2024 satisfaction survey"
    survey.save()
    Village.objects.filter(survey=survey, code="east").update(name_en="East Village")
    Group.objects.filter(survey=survey, code="villager").update(name_en="Villagers")
    make_response(survey)  # 东村 · 村民群众 · 18–44岁: its cell still misses two

    english = staff_client.get("/staff/hill-2024/?lang=en").content.decode()
    assert "<h1>Hill Town 2024 satisfaction survey</h1>" in english
    assert "<h2>Villagers</h2>" in english and "East Village" in english
    assert "East Village · Villagers · 18–44岁" in english  # no English label for the age band: Chinese
    api = staff_client.get("/api/v1/surveys/hill-2024/progress/").json()  # the cookie holds English
    assert "East Village · Villagers · 18–44岁" in [cell["label"] for cell in api["missing"]]

    chinese = staff_client.get("/staff/hill-2024/?lang=zh").content.decode()
    assert "<h2>村民群众</h2>" in chinese and "东村 · 村民群众 · 18–44岁" in chinese
    assert "East Village" not in chinese


def test_every_staff_view_of_links_cells_and_the_questionnaire_uses_the_english_names(staff_client, survey):
    """Not only headings: the invitations table, the progress API's name fields, the paper-entry
    page's items and keys, the sheet look-up and the discrepancy list."""
    import json
    import re

    from surveys.models import AgeBand, Group, Invitation, Item, Option, Village
    from surveys.services.paper import paper_entry_save, paper_sheets_print
    from tests.surveys.staff_factories import make_member, make_response

    Village.objects.filter(survey=survey, code="east").update(name_en="East Village")
    Group.objects.filter(survey=survey, code="villager").update(name_en="Villagers")
    AgeBand.objects.filter(survey=survey, code="18-44").update(label_en="18–44")
    Item.objects.filter(survey=survey, code="income").update(text_en="Income")
    Option.objects.filter(survey=survey, code="satisfied").update(label_en="Satisfied")
    make_response(survey)
    invitation = Invitation.objects.get(survey=survey, token="hill-2024-east")
    sheet = paper_sheets_print(invitation=invitation, count=1)[0]
    answers = {"income": "satisfied", "roads": "satisfied", "water": "satisfied"}
    paper_entry_save(sheet=sheet, user=make_member(survey, "a", "staff"), age_band="18-44", answers=answers)
    other = {**answers, "income": "dont_know"}
    paper_entry_save(sheet=sheet, user=make_member(survey, "b", "staff"), age_band="18-44", answers=other)

    dashboard = staff_client.get("/staff/hill-2024/?lang=en").content.decode()
    assert '<td class="place">East Village · Villagers</td><td class="responses"' in dashboard
    assert "<th>Link</th><th>Responses</th><th>Questionnaire address</th><th>QR poster</th>" in dashboard
    assert (
        "<th>Invitation code</th>" in dashboard
        and '<td class="token" data-label="Invitation code"><code>hill-2024-east</code></td>' in dashboard
    )

    progress = staff_client.get("/api/v1/surveys/hill-2024/progress/").json()  # the cookie holds English
    cell = next(c for c in progress["cells"] if c["key"] == "villager|east|18-44")
    assert (cell["group_name"], cell["village_name"], cell["age_band_label"]) == (
        "Villagers",
        "East Village",
        "18–44",
    )
    rows = {row["token"]: row["label"] for row in progress["invitations"]["rows"]}
    assert rows["hill-2024-east"] == "East Village · Villagers"

    enter = staff_client.get("/staff/hill-2024/paper/enter/").content.decode()
    config = json.loads(re.search(r'id="paper-config"[^>]*>(.*?)</script>', enter, re.S).group(1))
    assert config["items"][0]["text"] == "Income" and config["options"][0]["label"] == "Satisfied"
    assert config["ageBands"][0]["label"] == "18–44"
    assert "<kbd>1</kbd> Satisfied" in enter

    lookup = staff_client.get("/staff/hill-2024/paper/lookup/", {"q": sheet.number}).json()
    assert lookup["place"] == "East Village · Villagers"

    discrepancies = staff_client.get("/staff/hill-2024/paper/discrepancies/").content.decode()
    assert "East Village · Villagers ·" in discrepancies
    assert "1. Income" in discrepancies and "Satisfied" in discrepancies and "18–44" in discrepancies

    chinese = staff_client.get("/staff/hill-2024/paper/discrepancies/?lang=zh").content.decode()
    assert "东村 · 村民群众 ·" in chinese and "1. 收入" in chinese


def test_flag_reasons_follow_the_page_language(staff_client, survey):
    from tests.surveys.staff_factories import make_response

    response = make_response(survey)
    response.flags = [
        {"code": "speeder", "reason": "作答用时 42 秒，过短。", "reason_en": "Answered in 42 s, too fast."},
        {"code": "over_quota", "reason": "东村 配额 3 份。"},  # stored before English reasons existed
    ]
    response.save(update_fields=["flags"])
    english = staff_client.get("/staff/hill-2024/?lang=en").content.decode()
    assert "Answered in 42 s, too fast." in english and "作答用时 42 秒" not in english
    assert "东村 配额 3 份。" in english
    chinese = staff_client.get("/staff/hill-2024/?lang=zh").content.decode()
    assert "作答用时 42 秒，过短。" in chinese and "Answered in 42 s" not in chinese


def test_the_home_page_is_chinese_with_a_way_to_english(client):
    chinese = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in chinese and "收集进度" in chinese
    assert 'href="?lang=en"' in chinese
    english = client.get("/?lang=en").content.decode()
    assert '<html lang="en">' in english and "Collection" in english and "收集进度" not in english
    assert 'href="?lang=zh"' in english


def test_the_dashboard_names_the_organisation_in_the_page_language(staff_client):
    from surveys.models import Survey

    Survey.objects.filter(slug="hill-2024").update(organisation_en="Hill Town People's Government")
    assert (
        "Hill Town People&#x27;s Government" in staff_client.get("/staff/hill-2024/?lang=en").content.decode()
    )
    assert "山村镇人民政府" in staff_client.get("/staff/hill-2024/?lang=zh").content.decode()


def test_the_admin_in_english(admin_client):
    index = admin_client.get("/admin/?lang=en").content.decode()
    assert "Satisfaction · surveys and statistics" in index and "Site administration" in index
    assert "Satisfaction surveys" in index and "满意度调查" not in index
    importing = admin_client.get("/admin/surveys/survey/import-xlsform/").content.decode()  # the cookie
    assert "Upload an XLSForm workbook" in importing and 'value="Import"' in importing
    assert "上传" not in importing
    chinese = admin_client.get("/admin/surveys/survey/import-xlsform/?lang=zh").content.decode()
    assert "上传 XLSForm 工作簿" in chinese and 'value="导入"' in chinese


def test_the_admin_switches_language_and_names_its_lists_in_the_plural(admin_client):
    index = admin_client.get("/admin/?lang=en").content.decode()
    assert ">中文</a>" in index and "Invitation links" in index and "Responses" in index
    assert ">English</a>" in admin_client.get("/admin/?lang=zh").content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/admin/login/", "/staff/nowhere/", "/api/v1/docs/"]
)
def test_every_page_names_the_sites_icon(client, url):
    """So that no browser asks for /favicon.ico, a 404 in every log."""
    assert 'rel="icon"' in client.get(url, follow=True).content.decode()


@pytest.mark.parametrize(("query", "lang"), [("", "zh-Hans"), ("?lang=en", "en")])
def test_the_api_documentation_says_its_language(client, query, lang):
    assert f'<html lang="{lang}">' in client.get(f"/api/v1/docs/{query}").content.decode()


def test_lang_on_an_admin_list_keeps_its_search_and_filters(admin_client, survey):
    """The admin sends a list with a parameter it does not know back to the whole list (?e=1)."""
    from surveys.models import Invitation

    Invitation.objects.filter(token="hill-2024-east").update(is_active=False)
    reply = admin_client.get("/admin/surveys/invitation/?lang=en&is_active__exact=0")
    assert reply.status_code == 200, reply.get("Location")
    html = reply.content.decode()
    assert "Invitation" in html and "hill-2024-east" in html and "hill-2024-west" not in html
    assert reply.cookies["django_language"].value == "en"


CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


def _chinese_shown(html: str) -> list[str]:
    """Chinese characters a reader sees on a page or in its JSON data (the language switch aside)."""
    text = re.sub(r"(?is)<(style|script(?![^>]*application/json))[^>]*>.*?</\1>", " ", html)
    text = re.sub(r"(?s)<[^>]+>", " ", text)
    return [run for run in CJK.findall(text) if run != "中文"]


# The admin's lists whose rows name a survey's parts (by their str(), in the page's language).
ADMIN_RECORD_LISTS = (
    "survey",
    "village",
    "quota",
    "invitation",
    "response",
    "papersheet",
    "surveymembership",
)


def test_a_survey_with_english_names_shows_no_chinese_on_english_pages(db):
    """The demo survey has an English name for every part: on an English page (and in the API
    asked in English) nothing a staff member, evaluator, respondent or administrator reads stays
    Chinese (form fields that hold the Chinese names aside: they are data)."""
    import io

    from django.contrib.auth.models import User
    from django.core.management import call_command

    from surveys.models import Invitation, Quota, Response, Survey
    from surveys.selectors import survey_catalog
    from surveys.services.paper import paper_entry_save, paper_sheets_print
    from surveys.services.response_import import responses_import_text
    from surveys.synthetic import synthetic_plan, synthetic_rows, write_synthetic_csv
    from tests.surveys.staff_factories import make_member

    call_command("loaddata", "daligang-2020", verbosity=0)
    survey = Survey.objects.get(slug="daligang-2020")
    rows = io.StringIO()
    catalog = survey_catalog(survey)
    plan = synthetic_plan(catalog, per_village=2, per_group={"staff": 4, "deputy": 4})
    write_synthetic_csv(catalog, rows, synthetic_rows(catalog, plan, seed=7))
    responses_import_text(survey=survey, text=rows.getvalue(), source="synthetic")
    invitation = Invitation.objects.filter(survey=survey, village__isnull=False).first()
    sheet = paper_sheets_print(invitation=invitation, count=1)[0]
    answers = dict.fromkeys(survey_catalog(survey).items, "satisfied")
    paper_entry_save(sheet=sheet, user=make_member(survey, "a", "staff"), age_band="18-29", answers=answers)
    other = {**answers, "income": "dont_know"}
    paper_entry_save(sheet=sheet, user=make_member(survey, "b", "staff"), age_band="18-29", answers=other)

    staff, evaluator = Client(), Client()
    staff.force_login(member("wang", survey, SurveyMembership.Role.STAFF))
    evaluator.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    pages = [
        (Client(), "/"),
        (Client(), f"/s/{invitation.token}/"),
        (Client(), f"/s/{invitation.token}/done/"),
        (staff, "/staff/"),
        (staff, f"/staff/{survey.slug}/"),
        (staff, f"/staff/{survey.slug}/paper/"),
        (staff, f"/staff/{survey.slug}/paper/enter/"),
        (staff, f"/staff/{survey.slug}/paper/discrepancies/"),
        (staff, f"/staff/{survey.slug}/paper/lookup/?q={sheet.number}"),  # 409: awaiting resolution
        (staff, f"/api/v1/surveys/{survey.slug}/progress/"),
        (evaluator, "/evaluate/"),
        (evaluator, f"/evaluate/{survey.slug}/"),
        (evaluator, "/evaluate/token/"),
        (evaluator, f"/api/v1/surveys/{survey.slug}/score/"),
    ]
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "", "x"))
    quota = Quota.objects.filter(survey=survey, village__isnull=False, age_band__isnull=False).first()
    pages += [(admin, f"/admin/surveys/{model}/") for model in ADMIN_RECORD_LISTS]
    pages += [
        (admin, f"/admin/surveys/invitation/{invitation.pk}/change/"),
        (admin, f"/admin/surveys/quota/{quota.pk}/change/"),
        (admin, f"/admin/surveys/response/{Response.objects.filter(survey=survey).first().pk}/change/"),
    ]
    shown = {}
    for client, url in pages:
        reply = client.get(url + ("&" if "?" in url else "?") + "lang=en", follow=True)
        assert reply.status_code in (200, 409), url
        shown[url] = _chinese_shown(reply.content.decode())
    assert {url: runs for url, runs in shown.items() if runs} == {}
