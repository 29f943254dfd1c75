"""Personas and responses for the staff dashboard, review and quality tests, built in code."""

import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from surveys.models import AgeBand, Group, Item, Response, Survey, SurveyMembership, Village
from surveys.services.questionnaire import questionnaire_version_current

PASSWORD = "a-long-test-password-42"
T0 = datetime(2024, 11, 2, 9, 0, tzinfo=timezone.get_default_timezone())


def make_user(username: str, *, superuser: bool = False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, password=PASSWORD)
    return User.objects.create_user(username, password=PASSWORD)


def make_member(survey: Survey, username: str, role: str):
    user = make_user(username)
    SurveyMembership.objects.create(survey=survey, user=user, role=role)
    return user


def add_items(survey: Survey, count: int) -> None:
    """More items in the survey's last dimension (a straight-liner needs at least five answered)."""
    last = Item.objects.filter(survey=survey).select_related("dimension").last()
    for n in range(count):
        Item.objects.create(
            survey=survey, dimension=last.dimension, code=f"extra{n}", text=f"附加题{n}", order=10 + n
        )


def make_response(
    survey: Survey,
    *,
    village: str | None = "east",
    group: str = "villager",
    age_band: str | None = "18-44",
    answers: str | None = None,
    received_at: datetime | None = None,
    seconds: float | None = None,
    device: str = "",
    excluded: bool = False,
    invitation=None,
    flags: list | None = None,
) -> Response:
    """A stored response; `answers` in the compact form, varied by default (never a straight line)."""
    version = questionnaire_version_current(survey=survey)
    items = len(version.item_codes)
    received_at = received_at or timezone.now()
    submitted_at = received_at - timedelta(seconds=5)
    return Response.objects.create(
        id=uuid.uuid4(),
        survey=survey,
        version=version,
        invitation=invitation,
        group=Group.objects.get(survey=survey, code=group),
        village=Village.objects.get(survey=survey, code=village) if village else None,
        age_band=AgeBand.objects.get(survey=survey, code=age_band) if age_band else None,
        answers=answers if answers is not None else ("0123" * items)[:items],
        started_at=submitted_at - timedelta(seconds=seconds) if seconds is not None else None,
        submitted_at=submitted_at,
        received_at=received_at,
        device=device,
        excluded=excluded,
        flags=flags or [],
        source=Response.Source.WEB,
    )
