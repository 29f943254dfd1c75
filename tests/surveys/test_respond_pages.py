"""The respondent's pages without JavaScript: /s/<token>/, the plain form, confirmation, posters."""

import json
import re
import uuid
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from surveys.models import Group, Invitation, Item, Response, Survey, Village
from surveys.services.invitations import invitations_issue

pytestmark = pytest.mark.django_db

TOKEN = "hill-2024-east"
PAGE = f"/s/{TOKEN}/"
ANSWERED = {"age_band": "18-44", "q_income": "satisfied", "q_roads": "dissatisfied", "q_water": "dont_know"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _form(client, path=PAGE) -> dict:
    """The hidden fields of the page, as a browser would send them back."""
    html = client.get(path).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_the_questionnaire_shows_every_item_with_the_surveys_options(client, survey):
    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "山村镇2024年度满意度调查" in html and "东村 · 村民群众" in html
    for text in ("收入", "道路", "饮水", "满意", "基本满意", "不满意", "不了解", "您的年龄段", "意见建议"):
        assert text in html
    assert html.count('type="radio" name="q_') == 3 * 4
    assert html.count("<legend>") >= 3 + 2, "dimensions and items are fieldsets with legends"
    assert "第 1 部分，共 2 部分" in html


def test_the_form_carries_a_response_id_made_by_the_server(client, survey):
    fields = _form(client)
    assert uuid.UUID(fields["response_id"])


def test_the_page_gives_the_phone_a_random_device_cookie(client, survey):
    page = client.get(PAGE)
    cookie = page.cookies["sv_device"]
    assert len(cookie.value) == 32 and cookie["samesite"] == "Lax"


def test_a_group_not_sampled_by_village_is_not_asked_its_age(client, survey):
    staff = Group.objects.get(survey=survey, code="staff")
    Invitation.objects.create(survey=survey, token="staff-link", group=staff)
    html = client.get("/s/staff-link/").content.decode()
    assert "您的年龄段" not in html and "政府工作人员" in html


def test_the_english_page_uses_the_english_texts_where_given(client, survey):
    Item.objects.filter(survey=survey, code="income").update(text_en="Income")
    html = client.get(PAGE + "?lang=en").content.decode()
    assert "Income" in html and "道路" in html, "untranslated texts fall back to Chinese"
    assert 'lang="en"' in html and "Submit" in html


def test_a_phone_that_chose_english_gets_english_the_next_time_too(client, survey):
    client.get(PAGE + "?lang=en")
    assert "Submit" in client.get(PAGE).content.decode()  # the language cookie remembers
    assert "Submit" not in client.get(PAGE + "?lang=zh").content.decode()
    assert "Submit" not in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("setup", "status", "words"),
    [
        (lambda s: Invitation.objects.filter(token=TOKEN).update(is_active=False), 403, "已停用"),
        (lambda s: Survey.objects.filter(pk=s.pk).update(status=Survey.Status.CLOSED), 403, "已截止"),
        (lambda s: Survey.objects.filter(pk=s.pk).update(status=Survey.Status.DRAFT), 403, "尚未开始"),
    ],
    ids=["inactive", "survey-closed", "survey-draft"],
)
def test_a_closed_invitation_gets_a_chinese_page(client, survey, setup, status, words):
    setup(survey)
    page = client.get(PAGE)
    assert page.status_code == status
    html = page.content.decode()
    assert words in html and "无法填写问卷" in html
    assert "<form" not in html


def test_a_closed_page_names_the_body_to_ask_and_an_unknown_link_the_usual_ones(client, survey):
    """ "请联系村（社区）或镇政府工作人员" was said for a county bureau's survey of firms too."""
    Invitation.objects.filter(token=TOKEN).update(is_active=False)
    assert "如有疑问，请联系村（社区）或山村镇人民政府工作人员。" in client.get(PAGE).content.decode()
    villageless = Invitation.objects.get(token=TOKEN)
    villageless.pk, villageless.token, villageless.village = None, "no-village", None
    villageless.group = Group.objects.get(survey=survey, code="staff")
    villageless.save()
    assert "如有疑问，请联系山村镇人民政府工作人员。" in client.get("/s/no-village/").content.decode()
    Survey.objects.filter(pk=survey.pk).update(organisation_en="Shancun Town Government")
    english = client.get("/s/no-village/?lang=en").content.decode()
    assert "If you have questions, please ask Shancun Town Government." in english
    unknown = client.get("/s/no-such-token/?lang=zh").content.decode()
    assert "如有疑问，请联系村（社区）或镇政府工作人员。" in unknown


@pytest.mark.parametrize(
    ("labels", "zh", "en", "error"),
    [
        (
            None,
            "；不清楚的选“不了解”。",
            "if you are not sure, choose “Don&#x27;t know”.",
            "请选择一项（不清楚可选“不了解”）。",
        ),
        (
            {"dont_know": ("说不清", "Can't say")},
            "；不清楚的选“说不清”。",
            "choose “Can&#x27;t say”.",
            "请选择一项（不清楚可选“说不清”）。",
        ),
        ("scored", "请根据您的感受选择。", "Choose what you feel.", "请选择一项。"),
    ],
    ids=["不了解", "说不清", "none"],
)
def test_the_questionnaire_names_the_surveys_own_not_sure_option(client, survey, labels, zh, en, error):
    """A bureau's five-level scale ends 说不清; the page told respondents to choose “不了解”, an
    option it did not show, and so did the message for an unanswered item."""
    from surveys.models import Option

    if labels == "scored":  # a scale without a not-sure option
        Option.objects.filter(survey=survey, code="dont_know").delete()
    else:
        Option.objects.filter(survey=survey, code="dont_know").update(label_en="Don't know")
        for code, (label, label_en) in (labels or {}).items():
            Option.objects.filter(survey=survey, code=code).update(label=label, label_en=label_en)
    html = client.get(PAGE).content.decode()
    assert zh in html
    assert "不了解" not in html if labels else "不了解" in html
    assert en in client.get(PAGE + "?lang=en").content.decode()
    client.get(PAGE + "?lang=zh")
    refused = client.post(PAGE, {**_form(client), "age_band": "18-44", "q_income": "satisfied"})
    assert refused.status_code == 400 and error in refused.content.decode()


def test_an_unknown_invitation_gets_a_chinese_page(client, survey):
    page = client.get("/s/no-such-token/")
    assert page.status_code == 404
    assert "没有找到这个问卷链接" in page.content.decode()


def test_a_used_single_use_invitation_gets_a_chinese_page(client, survey):
    Invitation.objects.filter(token=TOKEN).update(single_use=True)
    client.post(PAGE, {**_form(client), **ANSWERED})
    page = Client().get(PAGE)
    assert page.status_code == 403 and "只能使用一次" in page.content.decode()


def _config(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="respond-config" type="application/json">(.*?)</script>', html).group(1)
    )


def test_a_phone_that_already_answered_is_thanked_not_refused(client, survey):
    """Its answers are stored (perhaps while the acknowledgement never reached it): the link gives
    a confirmation, not an error, and the page's script is there to send or clear what the phone
    still holds (the retry of a stored response is acknowledged; see the browser test)."""
    client.post(PAGE, {**_form(client), **ANSWERED})
    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "您已提交过答卷" in html and "这部手机已提交过本次调查的答卷" in html
    assert "无法填写问卷" not in html and "<form" not in html
    assert "/static/surveys/respond.js" in html
    config = _config(html)
    assert config["token"] == TOKEN and config["answered"] is True and config["keep"] is True


def test_the_done_page_sends_what_the_phone_still_holds_but_marks_nothing(client, survey):
    html = client.get(f"/s/{TOKEN}/done/").content.decode()
    assert "/static/surveys/respond.js" in html
    config = _config(html)
    assert config["answered"] is False and config["keep"] is False, "the address proves no answer"


def test_the_submission_api_still_refuses_another_response_from_the_same_phone(client, survey):
    client.post(PAGE, {**_form(client), **ANSWERED})
    device = client.cookies["sv_device"].value
    other = {
        "response_id": str(uuid.uuid4()),
        "invitation": TOKEN,
        "age_band": "18-44",
        "answers": {"income": "satisfied", "roads": "satisfied", "water": "satisfied"},
        "device": device,
    }
    answer = client.post("/api/v1/responses/", json.dumps(other), content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "device_used"


def test_hidden_error_paragraphs_are_empty(client, survey):
    html = client.get(PAGE).content.decode()
    assert re.findall(r'<p class="err" id="err-\w+" hidden></p>', html), "one per question, empty"
    assert "None" not in html


@pytest.mark.parametrize(
    "path", [PAGE, f"/s/{TOKEN}/done/", "/s/no-such-token/"], ids=["questionnaire", "done", "refused"]
)
def test_every_respondent_page_names_its_icon_so_the_browser_does_not_ask_for_favicon_ico(
    client, survey, path
):
    html = client.get(path).content.decode()
    icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"[^>]*>', html)
    assert icons
    for name in icons:
        assert finders.find(name), name


def test_the_counter_counts_the_numbered_questions_and_the_age_is_asked_for_by_name(client, survey):
    html = client.get(PAGE).content.decode()
    assert 'data-total="3"' in html, "the items 1–3; the age band is not numbered"
    page = client.post(PAGE, {**_form(client), "q_income": "satisfied"})
    assert "请选择您的年龄段；还有 2 题未作答，请查看标红的题目。" in page.content.decode()
    page = client.post(PAGE, {**_form(client), **ANSWERED, "age_band": ""})
    assert "请选择您的年龄段。" in page.content.decode() and "题未作答" not in page.content.decode()


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        (
            {"q_income": "satisfied", "q_roads": "satisfied"},
            "1 question not answered yet: see the one marked in red.",
        ),
        ({"q_income": "satisfied"}, "2 questions not answered yet: see the ones marked in red."),
        (
            {"age_band": "", "q_income": "satisfied", "q_roads": "satisfied"},
            "Please choose your age band; 1 question not answered yet: see the one marked in red.",
        ),
    ],
    ids=["one", "two", "age-and-one"],
)
def test_in_english_the_missing_questions_are_counted_in_the_singular_or_the_plural(
    client, survey, answers, said
):
    """Not "1 question(s)": one question, two questions."""
    fields = _form(client, f"{PAGE}?lang=en")
    html = client.post(f"{PAGE}?lang=en", {**fields, "age_band": "18-44", **answers}).content.decode()
    assert said in html
    assert "(s)" not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_script_asks_for_an_answer_in_the_servers_words(client, survey, lang):
    """With or without JavaScript, a missing answer is explained by the same sentence."""
    fields = _form(client, f"{PAGE}?lang={lang}")
    html = client.post(PAGE, {**fields, "q_income": "satisfied"}).content.decode()
    server = {
        key: unescape(re.search(rf'<p class="err" id="err-{key}">([^<]+)</p>', html).group(1))
        for key in ("roads", "age_band")
    }
    config = _config(client.get(f"{PAGE}?lang={lang}").content.decode())
    assert config["js"]["required"] == server["roads"]
    assert config["js"]["required_age"] == server["age_band"]


@pytest.mark.parametrize("started_at", ["0001-01-01T05:00:00+08:00", "2024-13-45T10:00:00+08:00", "soon"])
def test_an_altered_start_time_in_the_plain_form_is_ignored_not_an_error(client, survey, started_at):
    """The page writes the start time; one a database cannot store in UTC (was a 500), an
    invalid date (was a 500) or any text stores the answers without a start time."""
    sent = client.post(PAGE, {**_form(client), **ANSWERED, "started_at": started_at})
    assert sent.status_code == 303
    assert Response.objects.get().started_at is None


def test_the_plain_form_stores_one_response_and_confirms(client, survey):
    sent = client.post(PAGE, {**_form(client), **ANSWERED, "comment": "  希望修路  "})
    assert sent.status_code == 303 and sent["Location"] == f"/s/{TOKEN}/done/"
    stored = Response.objects.get()
    assert (stored.answers, stored.age_band.code, stored.comment) == ("023", "18-44", "希望修路")
    assert stored.source == Response.Source.WEB and stored.started_at is not None and len(stored.device) == 64
    done = client.get(sent["Location"])
    assert "已提交" in done.content.decode()


def test_a_comment_with_a_nul_character_in_the_plain_form_is_refused_naming_it_not_a_server_error(
    client, survey
):
    """The API refused it; the plain form passed it to the database, where PostgreSQL cannot store
    it (a 500, and the answers lost)."""
    sent = client.post(PAGE, {**_form(client), **ANSWERED, "comment": "路灯\x00坏了"})
    assert sent.status_code == 400
    assert "意见建议中有空字符（NUL），无法保存。" in unescape(sent.content.decode())
    assert sent.content.decode().count(" checked>") == len(ANSWERED)  # the answers given are kept
    assert not Response.objects.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_shared_phone_the_thanks_lead_to_a_blank_questionnaire_for_the_next_person(client, survey, lang):
    """Without the script too: the interviewer had to know to open the link again."""
    Survey.objects.filter(pk=survey.pk).update(allow_shared_device=True)
    path = f"{PAGE}?lang=en" if lang == "en" else PAGE
    sent = client.post(path, {**_form(client, path), **ANSWERED})
    html = unescape(client.get(sent["Location"]).content.decode())
    link = re.search(r'<a class="retry next" href="([^"]+)">([^<]+)</a>', html)
    assert link and link.groups() == ((path, "Next respondent") if lang == "en" else (path, "填写下一份"))
    again = client.get(link[1]).content.decode()
    assert 'id="survey-form"' in again and _form(client, path)["response_id"] != str(
        Response.objects.get().pk
    )


@pytest.mark.parametrize(
    "shared, single_use", [(False, False), (True, True)], ids=["one-per-phone", "single-use"]
)
def test_the_thanks_offer_no_next_person_where_the_link_takes_no_more(client, survey, shared, single_use):
    Survey.objects.filter(pk=survey.pk).update(allow_shared_device=shared)
    Invitation.objects.filter(token=TOKEN).update(single_use=single_use)
    sent = client.post(PAGE, {**_form(client), **ANSWERED})
    assert sent.status_code == 303
    html = client.get(sent["Location"]).content.decode()
    assert "已提交" in html and "填写下一份" not in html
    assert "填写下一份" not in client.get(PAGE).content.decode()


def test_posting_the_same_form_twice_stores_one(client, survey):
    data = {**_form(client), **ANSWERED}
    first, second = client.post(PAGE, data), client.post(PAGE, data)
    assert first.status_code == second.status_code == 303
    assert Response.objects.count() == 1


def test_unanswered_questions_are_marked_in_place_and_answers_kept(client, survey):
    fields = _form(client)
    page = client.post(PAGE, {**fields, "q_income": "satisfied"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "请选择您的年龄段；还有 2 题未作答" in html
    assert html.count("请选择一项") == 2 and "请选择您的年龄段。</p>" in html
    assert re.search(r'name="q_income" value="satisfied" checked', html)
    assert f'name="response_id" value="{fields["response_id"]}"' in html, (
        "the same id, so a later retry stores one"
    )
    assert Response.objects.count() == 0


def test_a_changed_form_posted_again_with_the_same_id_is_explained(client, survey):
    data = {**_form(client), **ANSWERED}
    client.post(PAGE, data)
    Survey.objects.filter(pk=survey.pk).update(allow_shared_device=True)
    page = client.post(PAGE, {**data, "q_income": "dissatisfied"})
    assert page.status_code == 409
    assert "先提交的答卷已保存" in page.content.decode()


def test_a_form_posted_after_the_survey_closed_gets_the_chinese_page(client, survey):
    data = {**_form(client), **ANSWERED}
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    page = client.post(PAGE, data)
    assert page.status_code == 403 and "已截止" in page.content.decode()


def test_the_questionnaire_weighs_at_most_60_kb_with_its_css_and_script(client):
    """The real 12-item questionnaire, as a phone on slow data loads it (uncompressed)."""
    call_command("loaddata", "daligang-2020", verbosity=0)
    survey = Survey.objects.get(slug="daligang-2020")
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
    invitations_issue(survey=survey)
    invitation = Invitation.objects.filter(survey=survey, village__isnull=False).first()
    html = client.get(f"/s/{invitation.token}/").content
    files = ("surveys/respond.css", "surveys/favicon-32.png", "surveys/favicon.svg", "surveys/respond.js")
    assert re.findall(rb'(?:href|src)="/static/([^"]+)"', html) == [name.encode() for name in files]
    assets = [Path(finders.find(name)).stat().st_size for name in files]
    total = len(html) + sum(assets)  # both icons, though a browser takes one
    print(f"questionnaire page weight: html {len(html)} + css/icons/js {assets} = {total} bytes")
    assert total <= 60 * 1024, f"{total} bytes"


@pytest.fixture
def staff_client(survey):
    from surveys.models import SurveyMembership

    user = User.objects.create_user("clerk", password="x")
    SurveyMembership.objects.create(survey=survey, user=user, role=SurveyMembership.Role.STAFF)
    client = Client()
    client.force_login(user)
    return client


def test_posters_are_for_the_surveys_staff_only(client, survey):
    page = client.get(f"/s/{TOKEN}/poster.png")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    client.force_login(User.objects.create_user("django-staff-elsewhere", password="x", is_staff=True))
    assert client.get(f"/s/{TOKEN}/poster.png").status_code == 404, "Django's is_staff alone is no pass"


def test_the_png_poster_is_an_image(staff_client, survey):
    page = staff_client.get(f"/s/{TOKEN}/poster.png")
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")


def test_the_pdf_poster_embeds_a_chinese_font(staff_client, survey):
    page = staff_client.get(f"/s/{TOKEN}/poster.pdf")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF") and b"NotoSansCJK" in page.content
    assert "hill-2024-east-villager" in page["Content-Disposition"] or "east" in page["Content-Disposition"]


def test_the_posters_command_writes_a_png_and_a_pdf_per_invitation(survey, tmp_path):
    staff = Group.objects.get(survey=survey, code="staff")
    Invitation.objects.create(survey=survey, token="staff-link", group=staff)
    call_command("posters", survey.slug, "-o", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "hill-2024-east-villager-hill-2024-east.pdf",
        "hill-2024-east-villager-hill-2024-east.png",
        "hill-2024-staff-staff-link.pdf",
        "hill-2024-staff-staff-link.png",
    ]


def test_the_invitation_admin_links_to_the_posters(staff_client, survey):
    staff_client.force_login(User.objects.create_superuser("root", password="x"))
    html = staff_client.get("/admin/surveys/invitation/").content.decode()
    assert f"/s/{TOKEN}/poster.pdf" in html


def test_settings_keep_the_default_language_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda s: Invitation.objects.filter(token=TOKEN).update(is_active=False), "no longer in use"),
        (lambda s: Survey.objects.filter(pk=s.pk).update(status=Survey.Status.CLOSED), "has closed"),
        (
            lambda s: Invitation.objects.filter(token=TOKEN).update(
                opens_at=datetime(2030, 5, 1, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
            ),
            "opens on 2030-05-01 at 08:30",
        ),
    ],
    ids=["inactive", "survey-closed", "not-yet-open"],
)
def test_a_respondent_who_chose_english_is_told_why_in_english(client, survey, setup, words):
    setup(survey)
    html = client.get(PAGE + "?lang=en").content.decode()
    assert words in html and "This questionnaire cannot be filled in" in html
    assert not re.search(r"[\u4e00-\u9fff]", html.split('class="message"')[1].split("</p>")[0])


def test_a_phone_that_already_answered_is_thanked_in_english(client, survey):
    client.post(PAGE, {**_form(client), **ANSWERED})
    page = client.get(PAGE + "?lang=en")
    html = page.content.decode()
    assert page.status_code == 200 and "You have already submitted your answers" in html
    assert "Each phone can submit once" in html


def test_the_service_worker_is_served_from_the_questionnaires_folder(client, survey):
    script = client.get("/s/sw.js")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript") and script["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in script.content
    assert '"serviceWorker": "/s/sw.js"' in client.get(PAGE).content.decode()


def test_an_unchanged_service_worker_costs_a_returning_phone_only_a_304(client, survey):
    first = client.get("/s/sw.js")
    tag = first["ETag"]
    assert tag.startswith('"') and len(first.content) > 1000
    again = client.get("/s/sw.js", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    assert client.get("/s/sw.js", HTTP_IF_NONE_MATCH='"an-older-version"').status_code == 200


def test_the_service_worker_names_the_files_the_questionnaire_loads_as_this_deploy_serves_them(
    client, survey, monkeypatch
):
    """In production a static file's name carries its content's digest: a deploy that changes
    respond.js changes the worker too, so that phones install it, and its activation drops the
    script it replaces (respond-sw.js, prune)."""
    from surveys.respond import views

    script = client.get("/s/sw.js").content.decode()
    deployed = json.loads(re.search(r"var DEPLOYED = (\[.*?\]);", script).group(1))
    html = client.get(PAGE).content.decode()
    loaded = set(re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*/static/[^"]+)"', html))
    assert len(loaded) == 4 and loaded == set(deployed)

    before = views._service_worker_source()
    views._service_worker_source.cache_clear()
    monkeypatch.setattr(views, "static", lambda name: f"/static/{name.replace('.', '.0a1b2c3d.')}")
    try:
        text, tag = views._service_worker_source()
        assert '"/static/surveys/respond.0a1b2c3d.js"' in text and tag != before[1]
    finally:
        views._service_worker_source.cache_clear()


def test_a_form_sent_in_english_is_corrected_in_english_without_the_language_cookie(client, survey):
    from django.conf import settings

    fields = _form(client, PAGE + "?lang=en")
    assert fields["lang"] == "en"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # the form's own field must be enough
    page = client.post(PAGE, {**fields, **ANSWERED, "q_roads": ""})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Please choose one (if you are not sure, choose “don&#x27;t know”)." in html
    assert "请选择一项" not in html


def test_a_poster_made_from_an_english_page_names_the_place_in_chinese(survey):
    """Posters hang in the village: Chinese names, whatever the language the staff member chose."""
    from django.utils import translation

    from surveys.respond.posters import poster_text

    Village.objects.filter(survey=survey).update(name_en="East Village")
    Group.objects.filter(survey=survey).update(name_en="Villagers")
    invitation = Invitation.objects.get(token=TOKEN)
    with translation.override("en"):
        assert str(invitation) == "East Village · Villagers"
        assert poster_text(invitation).place == "东村 · 村民群众"


def test_the_questionnaire_travels_compressed_to_a_phone_that_accepts_gzip(client, survey):
    """13 KB of HTML went uncompressed (3 KB gzipped) to phones on slow links."""
    import gzip

    page = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert "山村镇2024年度满意度调查" in gzip.decompress(page.content).decode()


def _switch(html: str) -> str:
    return re.search(r'<a class="lang" href="([^"]+)" hreflang="([^"]+)"', html).group(1)


def test_the_closed_the_thank_you_and_the_already_answered_pages_offer_the_other_language(client, survey):
    """Only the questionnaire had the language switch: a respondent who could not read why the link
    was closed, or the thanks, had no way to the other language but to edit the address."""
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    closed = client.get(PAGE).content.decode()
    assert _switch(closed) == PAGE + "?lang=en" and ">English</a>" in closed
    assert "This questionnaire cannot be filled in" in client.get(_switch(closed)).content.decode()
    back = client.get(PAGE + "?lang=en").content.decode()
    assert _switch(back) == PAGE + "?lang=zh" and "无法填写问卷" in client.get(_switch(back)).content.decode()

    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
    done = client.post(PAGE, {**_form(client), **ANSWERED})
    thanks = client.get(done["Location"]).content.decode()
    assert _switch(thanks) == done["Location"] + "?lang=en"
    assert "Thank you" in client.get(_switch(thanks)).content.decode()
    answered = client.get(PAGE + "?lang=zh").content.decode()
    assert "您已提交过答卷" in answered
    assert "You have already submitted your answers" in client.get(_switch(answered)).content.decode()
