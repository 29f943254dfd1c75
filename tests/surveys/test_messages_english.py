"""What the services say when they refuse or find a mistake, in the language of the request:
Chinese by default, English after ?lang=en or with the language cookie — on the submission API,
the paper-entry pages, the review form and the publish button (the sentences themselves are
in locale/en; the respondent's refusals in surveys/respond/texts.py)."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, PublishedReport, Response, SurveyMembership
from surveys.respond.texts import REFUSALS_EN
from surveys.services.paper import damm_digit, paper_entry_save, paper_sheets_print
from tests.factories import make_survey
from tests.surveys.report_helpers import member
from tests.surveys.staff_factories import make_member, make_response
from tests.surveys.submission_helpers import ANSWERS, TOKEN, URL, body, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

STAFF = SurveyMembership.Role.STAFF
ENGLISH = f"{URL}?lang=en"


def no_chinese(text: str) -> bool:
    return not any("\u4e00" <= character <= "\u9fff" for character in text)


# ---------------------------------------------------------------- the submission API


def test_answer_errors_are_chinese_by_default_and_english_when_asked(api, survey):
    missing = {code: "" for code in ANSWERS}
    chinese = post(api, body(answers=missing, age_band=None))
    english = api.post(ENGLISH, body(answers=missing, age_band=None), format="json")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["errors"]["answers.income"] == ["请选择一项（不清楚可选“不了解”）。"]
    assert chinese.json()["errors"]["age_band"] == ["请选择您的年龄段。"]
    errors = english.json()["errors"]
    assert set(errors) == set(chinese.json()["errors"])  # the same fields, only the words differ
    assert errors["answers.income"] == ["Please choose one (if you are not sure, choose “don't know”)."]
    assert errors["age_band"] == ["Please choose your age band."]
    assert not Response.objects.exists()


def test_unknown_codes_are_named_in_english_with_the_codes_expected(api, survey):
    reply = api.post(ENGLISH, body(answers={**ANSWERS, "income": "happy"}, age_band="99+"), format="json")
    errors = reply.json()["errors"]
    assert reply.status_code == 400
    assert errors["answers.income"][0].startswith("Unknown option code 'happy'; expected one of satisfied,")
    assert errors["age_band"][0].startswith("Unknown age band '99+'; expected one of 18-44")


def test_the_language_cookie_chooses_english_for_the_api_too(api, survey):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reply = post(api, body(comment="长" * 2001))
    assert reply.status_code == 400
    assert reply.json()["errors"]["comment"] == ["Comments can be at most 2000 characters."]


def test_a_body_that_is_not_an_object_is_explained_in_english(api, survey):
    reply = api.post(ENGLISH, json.dumps([1, 2]), content_type="application/json")
    assert reply.status_code == 400
    assert reply.json() == {
        "errors": {"non_field_errors": ["The request body must be a JSON object ({…}); it is an array."]}
    }


def test_a_body_not_sent_as_json_or_not_in_utf8_is_explained_in_english(api, survey):
    reply = api.post(ENGLISH, "a=1", content_type="text/plain")
    assert reply.json() == {
        "errors": {
            "non_field_errors": [
                "The request body must be sent as JSON (Content-Type: application/json); it was sent as text/plain."
            ]
        }
    }
    reply = api.generic("POST", ENGLISH, '{"comment": "路灯"}'.encode("gbk"), content_type="application/json")
    assert reply.json() == {
        "errors": {
            "non_field_errors": [
                "The request body is not UTF-8 text: it cannot be read from byte 16 (0xB5) on; send the JSON in UTF-8."
            ]
        }
    }


@pytest.mark.parametrize("remembered", [False, True], ids=["first-request", "link-remembered"])
def test_a_closed_link_is_refused_in_english_with_the_same_code(api, survey, remembered):
    if remembered:  # the worker has read the link before: the refusal comes after the one statement
        assert post(api, body()).status_code == 201
    Invitation.objects.filter(token=TOKEN).update(is_active=False)

    chinese = post(api, body())
    english = api.post(ENGLISH, body(), format="json")
    assert chinese.status_code == english.status_code == 403
    assert chinese.json() == {"code": "inactive", "detail": "这个问卷链接已停用。"}
    assert english.json() == {"code": "inactive", "detail": REFUSALS_EN["inactive"]}


def test_a_link_not_yet_open_tells_the_date_in_english(api, survey):
    opens = timezone.now() + timedelta(days=3)
    Invitation.objects.filter(token=TOKEN).update(opens_at=opens)
    reply = api.post(ENGLISH, body(), format="json")
    assert reply.status_code == 403
    assert reply.json()["code"] == "not_yet_open"
    assert (
        reply.json()["detail"]
        == f"This questionnaire opens on {timezone.localtime(opens):%Y-%m-%d at %H:%M}."
    )


def test_an_unknown_link_is_refused_in_english(api, survey):
    reply = api.post(ENGLISH, body(invitation="no-such-link"), format="json")
    assert reply.status_code == 403  # contract §6: 403 for an unknown link too
    assert reply.json() == {"code": "unknown", "detail": REFUSALS_EN["unknown"]}


def test_a_conflict_is_explained_in_english(api, survey):
    first = body()
    assert post(api, first).status_code == 201
    reply = api.post(ENGLISH, {**first, "comment": "另一条意见"}, format="json")
    assert reply.status_code == 409
    assert reply.json()["code"] == "conflict"
    assert reply.json()["detail"] == (
        f"Response id {first['response_id']} is already used by a response with other content (comment); "
        "the one submitted first is kept."
    )


def test_too_many_submissions_are_refused_in_english(api, survey, settings):
    settings.SUBMISSION_RATE_LIMITS = {"invitation": (1, 60)}
    assert post(api, body()).status_code == 201
    reply = api.post(ENGLISH, body(), format="json")
    assert reply.status_code == 429
    assert reply.json() == {"code": "rate_limited", "detail": REFUSALS_EN["rate_limited"]}


# ---------------------------------------------------------------- staff and evaluator pages


@pytest.fixture
def sheet(survey):
    invitation = Invitation.objects.get(survey=survey, token=f"{survey.slug}-east")
    return paper_sheets_print(invitation=invitation, count=1)[0]


def test_a_mistyped_paper_number_is_explained_in_english(client, survey):
    client.force_login(make_member(survey, "xiaowang", STAFF))
    wrong = (int(damm_digit(f"{survey.pk}0001")) + 1) % 10
    lookup = reverse("staff-paper-lookup", args=[survey.slug])

    assert "校验位" in client.get(lookup, {"q": f"1-{wrong}"}).json()["error"]
    english = client.get(lookup, {"q": f"1-{wrong}", "lang": "en"}).json()["error"]
    assert english == f"The check digit of number 1-{wrong} is wrong; please check the number on the paper."
    other = client.get(lookup, {"q": "问卷"}).json()["error"]  # the cookie now says English
    assert other.startswith("“问卷” is not a questionnaire number")


def test_a_second_entry_by_the_same_typist_is_refused_in_english(client, survey, sheet):
    wang = make_member(survey, "xiaowang", STAFF)
    paper_entry_save(sheet=sheet, user=wang, age_band="18-44", answers=ANSWERS)
    client.force_login(wang)
    reply = client.post(
        reverse("staff-paper-entry", args=[survey.slug, sheet.number]) + "?lang=en",
        data=json.dumps({"age_band": "18-44", "answers": ANSWERS}),
        content_type="application/json",
    )
    assert reply.status_code == 409
    assert reply.json()["error"] == (
        f"You have already entered questionnaire {sheet.number}; "
        "the second entry must be made independently by another staff member."
    )


def test_the_review_form_says_what_is_missing_in_english(client, survey):
    client.force_login(make_member(survey, "xiaowang", STAFF))
    response = make_response(survey)
    page = client.post(
        f"/staff/{survey.slug}/responses/{response.pk}/exclude/?lang=en", {"reason": " "}, follow=True
    )
    text = page.content.decode()
    assert not Response.objects.get(pk=response.pk).excluded
    assert f"Response {str(response.pk)[:8]}: Please give a reason." in text
    assert "请填写原因" not in text


def test_publishing_an_open_survey_is_refused_in_english(client, survey):
    client.force_login(member("li", survey, SurveyMembership.Role.EVALUATOR))
    page = client.post(f"/evaluate/{survey.slug}/publish/?lang=en", follow=True)
    text = page.content.decode()
    assert "Only a closed survey can be published; “" in text
    assert "has the status Collecting." in text
    assert not PublishedReport.objects.exists()


def test_every_sentence_the_services_say_has_its_english(survey):
    """The catalogue holds an English sentence for each message of the services (a new message
    written without one would show Chinese on an English page)."""
    import polib

    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    services = [
        entry
        for entry in catalogue
        if any(path.startswith(("surveys/services/", "surveys/api/")) for path, _line in entry.occurrences)
    ]
    assert len(services) >= 30
    assert [entry.msgid for entry in services if not entry.translated()] == []  # plural forms too
    english = [text for entry in services for text in [entry.msgstr, *entry.msgstr_plural.values()] if text]
    assert all(no_chinese(text) for text in english), [text for text in english if not no_chinese(text)]


def test_copying_onto_a_taken_code_is_refused_in_the_active_language(survey):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from surveys.services.survey_copy import survey_copy

    with pytest.raises(ValidationError, match="代码为 hill-2024 的调查已存在"):
        survey_copy(source=survey, slug=survey.slug, year=2025)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        survey_copy(source=survey, slug=survey.slug, year=2025)
    assert refused.value.messages == [
        "A survey with the code hill-2024 already exists; please choose another code."
    ]


def test_the_apis_refusals_of_access_are_english_when_asked(survey):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    evaluator = member("li", survey, SurveyMembership.Role.EVALUATOR)
    staff = make_member(survey, "xiaowang", STAFF)
    outsider = make_member(make_survey("other-2024"), "zhao", STAFF)

    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=evaluator).key}")
    written = with_token.put("/api/v1/surveys/hill-2024/scheme/?lang=en", {}, format="json")
    assert written.status_code in (401, 403)
    assert written.json()["detail"] == "API tokens can only read; log in on the web pages to make changes."
    chinese = with_token.put(
        "/api/v1/surveys/hill-2024/scheme/?lang=zh", {}, format="json"
    )  # the cookie said en
    assert chinese.json()["detail"] == "API 令牌只能读取；修改请登录网页。"

    client = APIClient()
    client.force_authenticate(staff)
    forbidden = client.get("/api/v1/surveys/hill-2024/score/?lang=en")
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "You do not have this permission in this survey."
    client.force_authenticate(outsider)
    hidden = client.get("/api/v1/surveys/hill-2024/progress/?lang=en")
    assert hidden.status_code == 404 and hidden.json()["detail"] == "There is no such survey."
    assert client.get("/api/v1/surveys/hill-2024/progress/?lang=zh").json()["detail"] == "没有这项调查。"
