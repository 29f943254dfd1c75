"""Publishing freezes the report: later changes to the data do not change what downloads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from surveys.models import PublishedReport, Response, Survey, SurveyMembership
from surveys.services.publish import report_publish
from surveys.services.review import response_exclude
from tests.surveys.report_helpers import answer, member

pytestmark = pytest.mark.django_db
EVALUATOR = SurveyMembership.Role.EVALUATOR
STAFF = SurveyMembership.Role.STAFF


@pytest.fixture
def closed(survey):
    answer(survey, 12)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    return survey


@pytest.fixture
def evaluator(closed):
    return member("li", closed, EVALUATOR)


def _download(user, fmt):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/surveys/hill-2024/report.{fmt}")
    assert response.status_code == 200, response.content[:200]
    return response


def test_publishing_freezes_the_score_files_scheme_and_hash(closed, evaluator):
    published = report_publish(survey=closed, user=evaluator)
    closed.refresh_from_db()
    assert closed.status == Survey.Status.PUBLISHED and closed.published_at is not None
    assert published.created_by == evaluator
    assert len(published.data_hash) == 64
    assert published.score["composite"]["score"] == pytest.approx(published.score["composite"]["score"])
    assert published.scheme["option_points"]["satisfied"] == 100
    for fmt in ("xlsx", "pdf", "csv", "sav"):
        assert len(bytes(getattr(published, fmt))) > 100, fmt


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "csv", "sav"])
def test_after_publishing_a_changed_response_does_not_change_the_download(closed, evaluator, fmt):
    report_publish(survey=closed, user=evaluator)
    before = _download(evaluator, fmt).content
    staff = member("zhang", closed, STAFF)
    response_exclude(response=Response.objects.filter(survey=closed).first(), user=staff, reason="重复作答")
    after = _download(evaluator, fmt)
    assert after.content == before
    assert after["X-Report-Published"] == "1"


def test_after_publishing_new_responses_do_not_change_the_published_figures(closed, evaluator):
    published = report_publish(survey=closed, user=evaluator)
    answer(closed, 5)  # an import after publication
    client = APIClient()
    client.force_authenticate(evaluator)
    response = client.get("/api/v1/surveys/hill-2024/report.csv")
    assert response["X-Data-Hash"] == published.data_hash


def test_the_report_command_writes_the_frozen_file_of_a_published_survey(closed, evaluator, tmp_path):
    published = report_publish(survey=closed, user=evaluator)
    answer(closed, 5)
    target = tmp_path / "out.xlsx"
    call_command("report", "hill-2024", "--format", "xlsx", "-o", str(target))
    assert target.read_bytes() == bytes(published.xlsx)
    fresh = tmp_path / "fresh.xlsx"
    call_command("report", "hill-2024", "--format", "xlsx", "-o", str(fresh), "--fresh")
    assert fresh.read_bytes() != bytes(published.xlsx)


def test_only_a_closed_survey_can_be_published(survey):
    user = member("li", survey, EVALUATOR)
    with pytest.raises(ValidationError, match="已截止"):
        report_publish(survey=survey, user=user)
    assert not PublishedReport.objects.exists()


def test_staff_cannot_publish(closed):
    staff = member("zhang", closed, STAFF)
    with pytest.raises(PermissionDenied):
        report_publish(survey=closed, user=staff)


def test_a_survey_is_published_once(closed, evaluator):
    report_publish(survey=closed, user=evaluator)
    with pytest.raises(ValidationError):
        report_publish(survey=closed, user=evaluator)
    assert PublishedReport.objects.count() == 1


def test_after_publishing_the_score_api_gives_the_published_document_unless_asked_for_live(closed, evaluator):
    """The score API agrees with the evaluator page and the downloads: a published survey's score
    is the one published, also after an exclusion; ?live=true computes from the data as it is now."""
    published = report_publish(survey=closed, user=evaluator)
    staff = member("zhang", closed, STAFF)
    response_exclude(response=Response.objects.filter(survey=closed).first(), user=staff, reason="重复作答")
    client = APIClient()
    client.force_authenticate(evaluator)
    frozen = client.get("/api/v1/surveys/hill-2024/score/")
    assert frozen.status_code == 200 and frozen["X-Report-Published"] == "1"
    assert frozen.json() == published.score
    assert frozen.json()["composite"]["n"] == 12
    english = client.get("/api/v1/surveys/hill-2024/score/?lang=en")
    assert english.json() == published.score_en and english["X-Report-Published"] == "1"
    live = client.get("/api/v1/surveys/hill-2024/score/?live=true")
    assert live["X-Report-Published"] == "0" and live.json()["composite"]["n"] == 11
    other = client.get("/api/v1/surveys/hill-2024/score/?method=bootstrap")
    assert other["X-Report-Published"] == "0", "not the published method: computed now"
    assert client.get("/api/v1/surveys/hill-2024/score/?live=maybe").status_code == 400


def test_the_comparison_api_compares_the_published_document_unless_asked_for_live(closed, evaluator):
    """GET …/compare/OTHER/ scored both surveys from today's data, while the evaluator page, the
    score API and compare_surveys compare a published survey's frozen document: a response
    excluded after publishing changed the API's base year alone. It now compares what the page
    does, today's data with ?live=true, and says whether the two were scored alike."""
    from tests.factories import make_survey

    answer(closed, 6, village="west")  # two villages: a standard error to combine
    published = report_publish(survey=closed, user=evaluator)
    later = answer(answer(make_survey("hill-2025"), 5), 7, village="west")
    SurveyMembership.objects.create(survey=later, user=evaluator, role=EVALUATOR)
    staff = member("zhang", closed, STAFF)
    for response in Response.objects.filter(survey=closed).order_by("received_at", "pk")[:2]:
        response_exclude(response=response, user=staff, reason="重复作答")
    client = APIClient()
    client.force_authenticate(evaluator)
    body = client.get("/api/v1/surveys/hill-2025/compare/hill-2024/").json()
    frozen = published.score["composite"]
    live_base = client.get("/api/v1/surveys/hill-2024/score/?live=true").json()["composite"]
    current = client.get("/api/v1/surveys/hill-2025/score/").json()["composite"]
    assert frozen["score"] != live_base["score"]  # the exclusions changed today's figure
    assert (body["base"], body["current"]) == ("hill-2024", "hill-2025")
    assert body["composite"]["a"] == pytest.approx(frozen["score"])
    assert body["composite"]["b"] == pytest.approx(current["score"])
    assert body["composite"]["se"] == pytest.approx((frozen["se"] ** 2 + current["se"] ** 2) ** 0.5)
    assert body["same_scoring"] is True
    live = client.get("/api/v1/surveys/hill-2025/compare/hill-2024/?live=true").json()
    assert live["composite"]["a"] == pytest.approx(live_base["score"])
    assert client.get("/api/v1/surveys/hill-2025/compare/hill-2024/?live=maybe").status_code == 400


def test_the_score_command_prints_the_published_document_unless_fresh(closed, evaluator, capsys):
    import json

    published = report_publish(survey=closed, user=evaluator)
    answer(closed, 5)  # an import after publication
    call_command("score", "hill-2024")
    assert json.loads(capsys.readouterr().out) == published.score
    call_command("score", "hill-2024", "--fresh")
    assert json.loads(capsys.readouterr().out)["composite"]["n"] == 17
    call_command("score", "hill-2024", "--format", "text")
    printed = capsys.readouterr()
    assert "该调查已发布" in printed.err and printed.out


# A survey saved halfway: closed (it was opened complete), then its items, options or groups
# deleted in the admin, which allows that while nobody has answered.
INCOMPLETE = {
    "items": ("题目", "items"),
    "options": ("答案选项", "answer options"),
    "groups": ("受访群体", "respondent groups"),
}


def _incomplete(survey, part: str) -> Survey:
    from surveys.models import Group, Invitation, Item, Option, Quota

    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    if part == "groups":
        Quota.objects.filter(survey=survey).delete()
        Invitation.objects.filter(survey=survey).delete()
    {"items": Item, "options": Option, "groups": Group}[part].objects.filter(survey=survey).delete()
    survey.refresh_from_db()
    return survey


def _stored(survey) -> tuple:
    from surveys.models import AuditEntry

    row = Survey.objects.filter(pk=survey.pk).values("status", "published_at", "updated_at", "scheme").get()
    return row, PublishedReport.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("part", INCOMPLETE)
def test_publishing_an_incomplete_questionnaire_is_refused_naming_what_is_missing(survey, part):
    incomplete = _incomplete(survey, part)
    user = member("li", incomplete, EVALUATOR)
    before = _stored(incomplete)
    with pytest.raises(ValidationError) as refused:
        report_publish(survey=incomplete, user=user)
    assert refused.value.code == "incomplete"
    assert f"问卷还缺少{INCOMPLETE[part][0]}，不能发布" in refused.value.messages[0]
    assert _stored(incomplete) == before


@pytest.mark.parametrize("part", INCOMPLETE)
def test_the_admins_publish_action_refuses_an_incomplete_questionnaire_in_the_users_language(
    client, survey, part
):
    from django.contrib.auth import get_user_model

    incomplete = _incomplete(survey, part)
    client.force_login(get_user_model().objects.create_superuser("chief", password="pw-long-enough-123"))
    before = _stored(incomplete)
    form = {"action": "publish_survey", "_selected_action": [incomplete.pk]}
    page = client.post("/admin/surveys/survey/", form, follow=True)
    assert page.status_code == 200
    assert f"“山村镇2024年度满意度调查”的问卷还缺少{INCOMPLETE[part][0]}，不能发布" in page.content.decode()
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert _stored(incomplete) == before
    english = client.post("/admin/surveys/survey/?lang=en", form, follow=True).content.decode()
    assert f"has no {INCOMPLETE[part][1]} yet and cannot be published" in english
    assert _stored(incomplete) == before


def test_the_evaluators_publish_button_refuses_an_incomplete_questionnaire(client, survey):
    incomplete = _incomplete(survey, "options")
    client.force_login(member("li", incomplete, EVALUATOR))
    before = _stored(incomplete)
    page = client.post("/evaluate/hill-2024/publish/", follow=True)
    assert page.status_code == 409, "back on the evaluator page, which says what is missing"
    html = page.content.decode()
    assert "问卷还缺少答案选项，不能发布" in html and "问卷还缺少答案选项，还不能计算得分" in html
    assert _stored(incomplete) == before


def test_the_incomplete_questionnaires_message_is_in_the_language_it_is_shown_in(survey):
    from django.utils import translation

    from surveys.scoring import survey_matrix

    incomplete = _incomplete(survey, "items")
    with translation.override("zh-hans"):
        with pytest.raises(Exception) as raised:
            survey_matrix(incomplete)
    with translation.override("en"):
        assert str(raised.value).startswith("The questionnaire has no items yet")
    with translation.override("zh-hans"):
        assert str(raised.value).startswith("问卷还缺少题目，还不能计算得分")


def test_the_report_and_score_commands_say_what_is_missing_instead_of_a_traceback(survey, tmp_path):
    from django.core.management.base import CommandError

    _incomplete(survey, "groups")
    with pytest.raises(CommandError, match="问卷还缺少受访群体"):
        call_command("report", "hill-2024", "--format", "csv", "-o", str(tmp_path / "out.csv"))
    with pytest.raises(CommandError, match="has no respondent groups yet"):
        call_command("score", "hill-2024", "--lang", "en")
