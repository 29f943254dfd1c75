"""Answers given before a link or the survey closed, arriving after (a phone that was offline):
refused by default (contract §6: 403), taken within the survey's `late_grace_hours` and flagged
for review; never once the grace period is over, never for answers given after the close, never
once published. The questionnaire page itself stays closed."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Invitation, Response, Survey
from surveys.services.survey_status import survey_set_status
from tests.surveys.submission_helpers import TOKEN, body, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def _iso(when):
    return timezone.localtime(when).isoformat()


@pytest.fixture
def closed(survey):
    """The survey (taking late answers for 24 hours), closed an hour ago by the admin's action."""
    survey.late_grace_hours = 24
    survey.save()
    survey_set_status(survey=survey, status=Survey.Status.CLOSED)
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now() - timedelta(hours=1))
    survey.refresh_from_db()
    return survey


def test_closing_a_survey_keeps_when_and_reopening_it_forgets(survey):
    survey_set_status(survey=survey, status=Survey.Status.CLOSED)
    assert survey.closed_at is not None and timezone.now() - survey.closed_at < timedelta(minutes=1)
    survey_set_status(survey=survey, status=Survey.Status.OPEN)
    survey.refresh_from_db()
    assert survey.closed_at is None


def test_answers_given_before_the_close_arriving_within_the_grace_are_taken_and_flagged(api, closed):
    rid = uuid.uuid4()
    answer = post(api, body(rid, submitted_at=_iso(closed.closed_at - timedelta(minutes=5))))
    assert answer.status_code == 201, answer.json()
    [flag] = [f for f in Response.objects.get(pk=rid).flags if f["code"] == "late"]
    assert "）后 1 小时送达；" in flag["reason"] and "Arrived 1 h after closing" in flag["reason_en"]
    assert post(api, body(rid, submitted_at=_iso(closed.closed_at - timedelta(minutes=5)))).status_code == 200


@pytest.mark.parametrize(
    ("grace", "given_before_close", "closed_ago", "published"),  # published: survey_closed too
    [
        (0, timedelta(minutes=5), timedelta(hours=1), False),  # the default: the contract's 403
        (24, -timedelta(minutes=5), timedelta(hours=1), False),  # given after the close
        (24, timedelta(minutes=5), timedelta(hours=25), False),  # arriving after the grace
        (24, timedelta(minutes=5), timedelta(hours=1), True),  # published
    ],
    ids=["no-grace", "given-after", "too-late", "published"],
)
def test_other_late_answers_are_refused_as_the_closing_says(
    api, survey, grace, given_before_close, closed_ago, published
):
    survey.late_grace_hours = grace
    survey.save()
    survey_set_status(survey=survey, status=Survey.Status.CLOSED)
    closed_at = timezone.now() - closed_ago
    status = Survey.Status.PUBLISHED if published else Survey.Status.CLOSED
    Survey.objects.filter(pk=survey.pk).update(closed_at=closed_at, status=status)
    answer = post(api, body(submitted_at=_iso(closed_at - given_before_close)))
    assert answer.status_code == 403
    assert answer.json()["code"] == "survey_closed"
    assert Response.objects.count() == 0


def test_without_a_submission_time_nothing_is_taken_late(api, closed):
    answer = post(api, body(submitted_at=None))
    assert answer.status_code == 403 and answer.json()["code"] == "survey_closed"


def test_a_links_own_closing_time_is_a_close_too(api, survey):
    survey.late_grace_hours = 2
    survey.save()
    closes_at = timezone.now() - timedelta(minutes=30)
    Invitation.objects.filter(token=TOKEN).update(closes_at=closes_at)
    before, after = _iso(closes_at - timedelta(minutes=1)), _iso(closes_at + timedelta(minutes=1))
    assert post(api, body(submitted_at=after)).json()["code"] == "window_closed"
    assert post(api, body(submitted_at=before)).status_code == 201
    Invitation.objects.filter(token=TOKEN).update(is_active=False)  # a link switched off: never
    assert post(api, body(submitted_at=before)).json()["code"] == "inactive"


def test_the_questionnaire_page_stays_closed_within_the_grace(client, closed):
    page = client.get(f"/s/{TOKEN}/")
    assert "问卷已截止" in page.content.decode()


def test_a_link_remembered_by_the_process_takes_late_answers_too(api, survey):
    """The single-statement way (surveys/services/submission_insert.py) checks that the survey is
    open: a closed one goes the careful way, which takes the late answers."""
    survey.late_grace_hours = 24
    survey.save()
    assert post(api, body()).status_code == 201  # the link is now remembered
    survey_set_status(survey=survey, status=Survey.Status.CLOSED)
    rid = uuid.uuid4()
    answer = post(api, body(rid, submitted_at=_iso(timezone.now() - timedelta(minutes=2))))
    assert answer.status_code == 201
    assert [f["code"] for f in Response.objects.get(pk=rid).flags] == ["late"]


def test_the_evaluator_is_told_until_when_late_answers_may_arrive(closed):
    from surveys.services.submission import late_until

    assert late_until(closed) == closed.closed_at + timedelta(hours=24)
    Survey.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(hours=25))
    closed.refresh_from_db()
    assert late_until(closed) is None


def test_a_copy_for_next_year_keeps_the_grace_and_a_backup_restores_it(closed):
    from surveys.backup import survey_backup, survey_restore
    from surveys.services.survey_copy import survey_copy
    from tests.surveys.test_backup import survey_delete

    copy = survey_copy(source=closed, slug="hill-2025", year=2025)
    assert copy.late_grace_hours == 24 and copy.closed_at is None
    data = survey_backup(survey=closed)
    survey_delete(closed)
    restored = survey_restore(data=data)
    assert restored.late_grace_hours == 24 and restored.closed_at == closed.closed_at


def test_the_publish_button_says_until_when_late_answers_may_arrive(client, closed):
    from surveys.models import SurveyMembership
    from tests.surveys.report_helpers import answer, member

    answer(closed, 6)  # imported: a CSV import is not a submission
    client.force_login(member("li", closed, SurveyMembership.Role.EVALUATOR))
    html = client.get(f"/evaluate/{closed.slug}/").content.decode()
    until = timezone.localtime(closed.closed_at + timedelta(hours=24))
    assert 'id="late-until"' in html and f"{until:%Y-%m-%d %H:%M}" in html


def test_the_staff_page_says_until_when_late_answers_may_arrive(client, closed):
    from surveys.models import SurveyMembership
    from tests.surveys.report_helpers import member

    client.force_login(member("wang", closed, SurveyMembership.Role.STAFF))
    html = client.get(f"/staff/{closed.slug}/").content.decode()
    until = timezone.localtime(closed.closed_at + timedelta(hours=24))
    assert 'id="late-until"' in html and f"{until:%Y-%m-%d %H:%M}" in html
    Survey.objects.filter(pk=closed.pk).update(late_grace_hours=0)
    assert 'id="late-until"' not in client.get(f"/staff/{closed.slug}/").content.decode()
