"""What the tests of POST /api/v1/responses/ share: the link of tests.factories.make_survey and a
valid body for it (their fixtures, the client and a clean slate for the rate limits, are in
tests/surveys/conftest.py)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

URL = "/api/v1/responses/"
TOKEN = "hill-2024-east"
ANSWERS = {"income": "satisfied", "roads": "basically_satisfied", "water": "dont_know"}

# An invitation that takes no answers, and the API's code for why: (changes to the invitation, code).
CLOSED_INVITATIONS = pytest.mark.parametrize(
    ("invitation_change", "code"),
    [
        ({"is_active": False}, "inactive"),
        ({"opens_at": timezone.now() + timedelta(days=1)}, "not_yet_open"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "window_closed"),
    ],
    ids=["inactive", "not-yet-open", "closed-window"],
)


def body(response_id=None, **changes):
    data = {
        "response_id": str(response_id or uuid.uuid4()),
        "invitation": TOKEN,
        "age_band": "18-44",
        "answers": dict(ANSWERS),
        "comment": "路灯太少",
        "started_at": "2024-11-02T09:28:00+08:00",
        "submitted_at": "2024-11-02T09:30:00+08:00",
    }
    data.update(changes)
    return data


def post(api, data, **extra):
    return api.post(URL, data, format="json", **extra)
