"""A small answered survey for the report, publishing and evaluator-page tests."""

from django.contrib.auth import get_user_model

from surveys.models import SurveyMembership
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text

ANSWER_SETS = [
    ("satisfied", "basically_satisfied", "dissatisfied"),
    ("satisfied", "satisfied", "dont_know"),
    ("basically_satisfied", "dissatisfied", "satisfied"),
]


def answer(
    survey, count: int = 12, *, village: str = "east", group: str = "villager", age_band: str = "18-44"
):
    rows = [
        csv_row(answers=ANSWER_SETS[i % len(ANSWER_SETS)], village=village, group=group, age_band=age_band)
        for i in range(count)
    ]
    responses_import_text(survey=survey, text=csv_text(*rows))
    return survey


def member(name: str, survey, role: str | None):
    user = get_user_model().objects.create_user(name, password="pw-long-enough-123")
    if role is not None:
        SurveyMembership.objects.create(survey=survey, user=user, role=role)
    return user
