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
