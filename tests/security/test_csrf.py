"""CSRF: every form and every write of a logged-in user needs the token.

The two exceptions are anonymous by design and borrow nothing from a session: the respondent's
questionnaire form and the submission API (see the docstrings of surveys.respond.views and
api/submission). A new exception has to be added here, with its reason.
"""

from django.test import Client

from tests.security.test_permission_matrix import _admin_object_id
from tests.security.urlmap import site_routes

CSRF_EXEMPT = {
    "respond": "anonymous questionnaire; the device cookie is SameSite=Lax",
    "api-responses": "anonymous JSON API; the invitation in the body is the credential",
    "respond-done": "GET only",
    "home": "GET only",
}


def test_every_post_of_a_logged_in_user_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["administrator"])
    accepted = []
    for route in site_routes():
        if route.name in CSRF_EXEMPT:
            continue
        values = world.admin_url_kwargs() | {"object_id": _admin_object_id(route, world)}
        response = client.post(route.url(values), data={})
        if response.status_code != 403:
            accepted.append(f"POST {route.name} → {response.status_code}")
    assert accepted == [], "\n".join(accepted)


def test_the_login_form_needs_the_csrf_token_too(world):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "admin", "password": "x"})

    assert response.status_code == 403


def test_the_login_form_carries_a_csrf_token(world):
    response = Client().get("/accounts/login/")

    assert b"csrfmiddlewaretoken" in response.content


def test_a_refused_form_explains_itself_in_the_chosen_language(world):
    """Not Django's English "CSRF verification failed" page: what happened and what to do."""
    client = Client(enforce_csrf_checks=True)
    chinese = client.post("/accounts/login/", {"username": "admin", "password": "x"})
    assert chinese.status_code == 403
    assert "页面已过期，没有提交" in chinese.content.decode() and "CSRF" not in chinese.content.decode()
    client.cookies["django_language"] = "en"
    english = client.post("/accounts/login/", {"username": "admin", "password": "x"}).content.decode()
    assert "This page has expired; nothing was sent" in english


def test_a_bad_request_gets_the_sites_own_page(db):
    reply = Client(HTTP_HOST="evil.example").get("/")  # a host the site does not serve
    assert reply.status_code == 400 and "请求有误" in reply.content.decode()
