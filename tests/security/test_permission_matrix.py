"""Who gets what: every page and endpoint of the site × every kind of visitor.

The URLs come from the resolver, so a page added later is asked about automatically, and the
test that every URL has an expectation fails until someone writes down who may open it. Each
row lists what GET and POST answer, for the personas in this order:

    anonymous · respondent (holds an invitation link) · staff of the survey · staff of another
    survey · evaluator (logged in) · evaluator through an API token · administrator

`login` means a redirect to /accounts/login/, `admin` a redirect to the admin's login page,
`302` any other redirect (after a successful form post). The anonymous visitor opens invitation
links with a token that does not exist; everyone else with the survey's real one. The POSTs
carry no body: they ask "may I?", and the services' own tests say what a full form does.
"""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.authtoken.models import Token

from surveys.models import AuditEntry, PaperEntry, PaperSheet, PublishedReport, Response, Survey
from tests.security.conftest import PERSONAS
from tests.security.urlmap import Route, site_routes

#  anonymous respondent staff other_staff evaluator evaluator_token administrator
EXPECTED: dict[str, dict[str, str]] = {
    "home": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    # A monitor's: says only whether the database and the cache answer.
    "healthz": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    # The site's icon for what is not a page of the site (a poster's PNG, the API): its static file.
    "favicon": {"GET": "302 302 302 302 302 302 302", "POST": "405 405 405 405 405 405 405"},
    # The API's description and its documentation pages are public; a token never writes.
    "api-schema": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 403 405"},
    "api-docs": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 403 405"},
    "api-docs-swagger": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 403 405"},
    # Submission is anonymous: the invitation in the body is the credential (empty body: 400).
    "api-responses": {"GET": "405 405 405 405 405 405 405", "POST": "400 400 400 400 400 400 400"},
    # The surveys one is a member of (an administrator: all), with figures where one may read
    # scores (tests/surveys/test_evaluator_overview.py says what each one lists); read-only.
    "api-surveys": {"GET": "403 403 200 200 200 200 200", "POST": "403 403 405 405 405 403 405"},
    # Scores and downloads: evaluators and administrators; staff may exclude, so they never see them.
    "api-survey-score": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 403 404 400 403 400"},
    "api-survey-scheme": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    "api-survey-compare": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    "api-survey-report-xlsx": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    "api-survey-report-pdf": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    "api-survey-report-csv": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    "api-survey-report-sav": {"GET": "403 403 403 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    # Progress: staff and evaluators of the survey.
    "api-survey-progress": {"GET": "403 403 200 404 200 200 200", "POST": "403 403 405 405 405 403 405"},
    # Logged-in users are sent on from the login page (the token visitor is not logged in).
    "login": {
        "GET": "200 200 302 302 302 200 302",
        "POST": "200 200 302 302 302 200 302",
    },
    "logout": {"GET": "405 405 405 405 405 405 405", "POST": "login login login login login login login"},
    # Staff pages: logged-in users only; other towns' staff are told the survey does not exist.
    "staff-surveys": {
        "GET": "login login 200 200 200 login 200",
        "POST": "login login 200 200 200 login 200",
    },
    "staff-survey": {"GET": "login login 200 404 200 login 200", "POST": "login login 200 404 200 login 200"},
    # The staff page's counts as Excel (尚缺, 配额进度): whoever may see the staff page; read-only.
    "staff-progress-xlsx": {
        "GET": "login login 200 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # What respondents wrote (意见建议): the survey's staff, evaluators and administrators; read-only.
    "staff-comments": {
        "GET": "login login 200 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "staff-comments-xlsx": {
        "GET": "login login 200 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "staff-response-exclude": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 302 404 403 login 302",
    },
    "staff-response-include": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 302 404 403 login 302",
    },
    "staff-response-keep": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 302 404 403 login 302",
    },
    # 一次处理全部 (keep or exclude a list): as a single decision (the empty form does nothing
    # and says why).
    "staff-responses-batch": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 302 404 403 login 302",
    },
    # Paper questionnaires: the survey's staff and administrators; evaluators 403.
    "staff-paper": {"GET": "login login 200 404 403 login 200", "POST": "login login 405 405 405 login 405"},
    "staff-paper-print": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 404 404 403 login 404",  # 404: the empty form names no invitation
    },
    "staff-paper-enter": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "staff-paper-lookup": {
        "GET": "login login 404 404 403 login 404",  # 404: no sheet number asked for
        "POST": "login login 405 405 405 login 405",
    },
    "staff-paper-entry": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 400 404 403 login 400",
    },
    # Every link's QR poster in one PDF: for those who hand links out (not evaluators), read-only.
    "staff-posters-pdf": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # 催收提醒 carry the links to forward: for those who hand links out (not evaluators).
    "staff-reminders": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "staff-paper-discrepancies": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "staff-paper-resolve": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 302 404 403 login 302",
    },
    # The list of surveys to evaluate: any logged-in user, each sees only what they may evaluate
    # (staff an empty list; tests/surveys/test_evaluator_pages.py says what each one lists).
    "evaluate-surveys": {
        "GET": "login login 200 200 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # That list's figures as one workbook or CSV file: what the list shows, for the same people
    # (someone who evaluates nothing gets an empty table); read-only.
    "evaluate-overview-xlsx": {
        "GET": "login login 200 200 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "evaluate-overview-csv": {
        "GET": "login login 200 200 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # An API token (read-only) for any member's own tools: it reads what its owner may read.
    "evaluate-token": {
        "GET": "login login 200 200 200 login 200",
        "POST": "login login 302 302 302 login 302",
    },
    # Evaluators' pages: evaluators and administrators of the survey; staff 403 (they can exclude).
    "evaluate-survey": {
        "GET": "login login 403 404 200 login 200",
        "POST": "login login 403 404 200 login 200",
    },
    "evaluate-publish": {
        "GET": "login login 405 405 405 login 405",
        "POST": "login login 403 404 302 login 302",
    },
    "evaluate-chart": {
        "GET": "login login 403 404 200 login 200",
        "POST": "login login 403 404 200 login 200",
    },
    # The comparison with another survey as Excel: as the page, for both surveys; read-only.
    "evaluate-compare-xlsx": {
        "GET": "login login 403 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # The comparison as a PDF report: as the Excel sheet.
    "evaluate-compare-pdf": {
        "GET": "login login 403 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # The comparison drawn (PNG or SVG): as the Excel sheet.
    "evaluate-compare-chart": {
        "GET": "login login 403 404 200 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    # The questionnaire: whoever holds the link (an empty form is answered 400 with the errors).
    "respond": {"GET": "404 200 200 200 200 200 200", "POST": "404 400 400 400 400 400 400"},
    # The questionnaire's service worker: the same script for everyone, read-only.
    "respond-service-worker": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    # The thank-you page says nothing about anyone; it answers any token alike.
    "respond-done": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    # Posters: the survey's staff and administrators print them; evaluators 403, outsiders 404.
    "respond-poster-png": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
    "respond-poster-pdf": {
        "GET": "login login 200 404 403 login 200",
        "POST": "login login 405 405 405 login 405",
    },
}

ADMIN_PREFIX = "admin/"
UNSAFE = ("post", "put", "patch", "delete")


def _outcome(response) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"].split("?")[0]
    if location.endswith("/accounts/login/"):
        return "login"
    if location.endswith("/admin/login/"):
        return "admin"
    return "302"


def _row(world, route: Route, method: str) -> str:
    outcomes = []
    for persona in PERSONAS:
        client = world.client(persona)
        url = route.url(world.url_kwargs(persona))
        outcomes.append(_outcome(getattr(client, method.lower())(url)))
    return " ".join(outcomes)


def _site_routes() -> list[Route]:
    return [route for route in site_routes() if not route.route.startswith(ADMIN_PREFIX)]


def _admin_routes() -> list[Route]:
    return [route for route in site_routes() if route.route.startswith(ADMIN_PREFIX)]


def test_every_url_of_the_site_has_an_expectation(world):
    missing = [route.name for route in _site_routes() if route.name not in EXPECTED]
    if missing:
        # Print what the new URLs answer today, to be checked by a person and pasted above.
        observed = "\n".join(
            f'    "{name}": {{"GET": "{_row(world, route, "GET")}", "POST": "{_row(world, route, "POST")}"}},'
            for route in _site_routes()
            for name in [route.name]
            if name in missing
        )
        pytest.fail(f"URLs without a permission expectation (observed answers below):\n{observed}")


def test_every_expectation_names_a_url_that_exists():
    names = {route.name for route in _site_routes()}
    assert set(EXPECTED) <= names, f"expectations for URLs that are gone: {sorted(set(EXPECTED) - names)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_url_answers_each_persona_as_expected(world, name):
    route = next((route for route in _site_routes() if route.name == name), None)
    if route is None:
        pytest.skip(f"{name} is not a URL of this site (see the test above)")
    for method, expected in EXPECTED[name].items():
        observed = _row(world, route, method)
        assert observed == expected, (
            f"{method} {name}\n  personas: {' '.join(PERSONAS)}\n  expected: {expected}\n  observed: {observed}"
        )


def _data_fingerprint() -> tuple:
    return (
        Survey.objects.filter(scheme__isnull=False).count(),
        list(Survey.objects.order_by("pk").values_list("status", "updated_at")),
        Response.objects.count(),
        Response.objects.filter(excluded=True).count(),
        AuditEntry.objects.count(),
        PaperSheet.objects.count(),
        PaperEntry.objects.count(),
        PublishedReport.objects.count(),
    )


def test_an_api_token_is_refused_every_unsafe_method_on_every_url(world):
    """Evaluator tokens read and never write: POST, PUT, PATCH and DELETE all fail, and nothing changes."""
    client = world.client("evaluator_token")
    nobody = world.client("anonymous")
    before = _data_fingerprint()
    accepted = []
    for route in site_routes():
        url = route.url(world.admin_url_kwargs() | world.url_kwargs("evaluator_token"))
        for method in UNSAFE:
            response = getattr(client, method)(url, data={}, content_type="application/json")
            if response.status_code >= 400 or _outcome(response) in ("login", "admin"):
                continue
            # Pages that are open to everyone (the login form, the questionnaire) answer the
            # token's holder as they answer anybody: the token itself must have added nothing.
            as_nobody = getattr(nobody, method)(url, data={}, content_type="application/json")
            if _outcome(as_nobody) != _outcome(response):
                accepted.append(f"{method.upper()} {route.name} → {response.status_code}")
    assert accepted == [], "\n".join(accepted)
    assert _data_fingerprint() == before


def test_an_api_token_still_reads(world):
    response = world.client("evaluator_token").get(f"/api/v1/surveys/{world.survey.slug}/score/")

    assert response.status_code == 200
    assert response.json()["survey"] == world.survey.slug


def test_a_staff_members_token_reads_on_the_api_what_they_may_read_and_nothing_else(world):
    """A staff member's token, on every API address: what their logged-in session reads (the
    progress of their survey; no score, scheme, comparison or download), and on every other
    address of the site what nobody signed in gets (a token is no session)."""
    token = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['staff']).key}")
    session, nobody = world.client("staff"), world.client("anonymous")
    differs = []
    for route in _site_routes():
        url = route.url(world.url_kwargs("staff"))
        like = session if route.name.startswith("api-") else nobody
        observed, expected = _outcome(token.get(url)), _outcome(like.get(url))
        if observed != expected:
            differs.append(f"GET {route.name}: {observed}, expected {expected}")
    assert differs == [], "\n".join(differs)
    progress = token.get(f"/api/v1/surveys/{world.survey.slug}/progress/")
    assert progress.status_code == 200 and progress.json()["survey"] == world.survey.slug
    assert token.get(f"/api/v1/surveys/{world.elsewhere.slug}/progress/").status_code == 404


def test_a_session_evaluator_may_still_try_a_scheme(world):
    response = world.client("evaluator").post(
        f"/api/v1/surveys/{world.survey.slug}/score/", data={"scheme": {}}, content_type="application/json"
    )

    assert response.status_code in (200, 400)  # what-if needs a session, not a token


# --- the admin: one rule for all of its URLs ------------------------------------------------------


def _admin_object_id(route: Route, world) -> object:
    """The pk of a real object of the route's model where there is one, so change pages render."""
    parts = route.route.split("/")
    if len(parts) > 3 and "<" not in parts[1] and "<" not in parts[2]:
        try:
            model = apps.get_model(parts[1], parts[2])
        except LookupError:
            return 0
        first = model._default_manager.order_by("pk").first()
        return first.pk if first is not None else 0
    return world.survey.pk


def test_the_admin_refuses_everyone_but_administrators(world):
    refused_wrongly = []
    for route in _admin_routes():
        values = world.admin_url_kwargs() | {"object_id": _admin_object_id(route, world)}
        url = route.url(values)
        for persona in PERSONAS:
            if persona == "administrator":
                continue
            for method in ("get", "post"):
                response = getattr(world.client(persona), method)(url)
                # The admin's own login page (and the logout that sends back to it) are open to all.
                if route.name in ("admin:login", "admin:logout"):
                    assert response.status_code < 500
                    continue
                if _outcome(response) != "admin" and response.status_code != 404:
                    refused_wrongly.append(
                        f"{method.upper()} {route.route} as {persona} → {response.status_code}"
                    )
    assert refused_wrongly == [], "\n".join(refused_wrongly)


def test_no_admin_page_fails_or_locks_out_an_administrator(world):
    client = world.client("administrator")
    broken = []
    for route in _admin_routes():
        if route.name == "admin:logout":
            continue
        url = route.url(world.admin_url_kwargs() | {"object_id": _admin_object_id(route, world)})
        response = client.get(url)
        # 403 and 404 are the admin's own answers (no adding responses, a village in use, the
        # catch-all); what must not happen is a crash or being sent to log in again.
        if response.status_code >= 500 or _outcome(response) == "admin":
            broken.append(f"GET {route.route} → {response.status_code}")
    assert broken == [], "\n".join(broken)
