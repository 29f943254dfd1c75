"""Schemathesis against /api/v1/schema/: no request the schema allows (or nearly allows) makes
the API fail with a 5xx, and no answer strays from what the schema says it returns.

Runs in-process on Django's WSGI application, inside the test's database transaction: the
evaluator and the staff member are logged in through a real session cookie with its CSRF token,
so the writes (what-if scores, saving a scheme) are fuzzed as well as the reads; the anonymous
submission endpoint gets whatever it is sent. Path parameters that name a survey are pointed at
one that exists most of the time, so that the fuzzing reaches past the 404.

A longer hunt: FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/security/test_api_fuzz.py
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from surveys.models import SurveyMembership
from tests.surveys.staff_factories import make_member, make_response


@pytest.fixture
def api_schema(world):
    # As Django's test client does: the WSGI handler must not close the test's database
    # connection (PostgreSQL) at the end of each request, or the test's transaction goes with it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def _session(user) -> dict:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    csrf = get_random_string(32)  # double submit: the cookie and the header agree
    # identity: schemathesis's WSGI transport asks for gzip (requests' default header) but hands its
    # checks the compressed bytes undecoded, as no real HTTP client would.
    headers = {"X-CSRFToken": csrf, "Accept-Encoding": "identity"}
    return {"headers": headers, "cookies": {"sessionid": session, "csrftoken": csrf}}


@pytest.fixture
def fuzz_world(world):
    for n in range(6):
        make_response(world.survey, village="east" if n % 2 else "west", age_band="18-44" if n % 3 else "45+")
    both = make_member(world.survey, "both", SurveyMembership.Role.EVALUATOR)
    SurveyMembership.objects.create(survey=world.survey, user=both, role=SurveyMembership.Role.STAFF)
    SurveyMembership.objects.create(survey=world.last_year, user=both, role=SurveyMembership.Role.EVALUATOR)
    return world, _session(both)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")),  # more for a longer hunt
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_never_fails_and_keeps_to_its_schema(case, fuzz_world):
    world, credentials = fuzz_world
    parameters = case.path_parameters or {}
    if "slug" in parameters and not parameters["slug"].startswith("zz"):
        parameters["slug"] = world.survey.slug
    if "other" in parameters and not parameters["other"].startswith("zz"):
        parameters["other"] = world.last_year.slug
    if isinstance(case.body, dict) and "invitation" in case.body and len(str(case.body["invitation"])) % 2:
        case.body["invitation"] = world.invitation.token
    case.call_and_validate(**credentials, checks=[not_a_server_error, response_schema_conformance])
