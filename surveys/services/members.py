"""Giving people a role on a survey (used by the demo command and by administrators' scripts)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from surveys.models import Survey, SurveyMembership


@transaction.atomic
def survey_member_add(*, survey: Survey, username: str, role: str, password: str | None = None):
    """The user (made if missing; the password is set only when the user is new) with this role.

    Safe to run again: an existing user keeps their password, an existing membership is kept.
    """
    if role not in SurveyMembership.Role.values:
        raise ValueError(f"unknown role {role!r}; expected one of {SurveyMembership.Role.values}")
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    SurveyMembership.objects.get_or_create(survey=survey, user=user, role=role)
    return user
