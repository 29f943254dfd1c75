from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.models import Invitation, QuestionnaireVersion
from surveys.services.questionnaire import questionnaire_version_current
from surveys.services.survey_status import survey_set_status

pytestmark = pytest.mark.django_db


def test_a_survey_moves_from_draft_to_published(survey):
    survey.status = "draft"
    for status in ["open", "closed", "published"]:
        survey_set_status(survey=survey, status=status)
    survey.refresh_from_db()
    assert survey.status == "published" and survey.published_at is not None


def test_a_draft_cannot_be_published_directly(survey):
    survey.status = "draft"
    with pytest.raises(ValidationError, match="目前为草稿，不能改为已发布（可改为：收集中）"):
        survey_set_status(survey=survey, status="published")


def test_only_an_open_survey_accepts_responses(survey):
    assert survey.accepts_responses
    survey_set_status(survey=survey, status="closed")
    assert not survey.accepts_responses


def test_an_invitation_is_valid_only_within_its_window(survey):
    invitation = Invitation.objects.get(survey=survey)
    now = timezone.now()
    assert invitation.is_within_window(now)
    invitation.opens_at = now + timedelta(hours=1)
    assert not invitation.is_within_window(now)
    invitation.opens_at, invitation.closes_at = None, now
    assert not invitation.is_within_window(now)
    assert invitation.is_within_window(now - timedelta(seconds=1))


def test_new_invitation_tokens_are_short_and_distinct(survey):
    group = survey.group_set.get(code="staff")
    tokens = {Invitation.objects.create(survey=survey, group=group).token for _ in range(20)}
    assert len(tokens) == 20 and all(8 <= len(t) <= 12 for t in tokens)


def test_the_questionnaire_version_is_made_once_and_renewed_by_an_edit(survey):
    first = questionnaire_version_current(survey=survey)
    assert questionnaire_version_current(survey=survey) == first
    assert first.item_codes == ["income", "roads", "water"]
    assert first.option_codes == ["satisfied", "basically_satisfied", "dissatisfied", "dont_know"]
    survey.item_set.filter(code="roads").update(text="道路交通")
    second = questionnaire_version_current(survey=survey)
    assert second.number == 2 and second.digest != first.digest
    assert QuestionnaireVersion.objects.get(pk=first.pk).definition["items"][1]["text"] == "道路"
