"""No address with a NUL character reaches a view (survey_site/address.py). PostgreSQL cannot hold a
NUL in a text, so each look-up of such a link was a 500 there: a questionnaire link
(`/s/ab%00c/`), the evaluator page's `?compare=`, the comments download's `?village=`.
Nor does one with more query parameters than Django reads: the site's 400 page read them again
for its language link, and the refusal was a 500 on every page."""

import pytest
from django.urls import reverse

from surveys.models import AuditEntry
from tests.security.urlmap import site_routes

NUL_QUERY = "?q=%00&village=%00&group=%00&compare=%00&lang=%00&next=%00"
TOO_MANY = "?" + "&".join(f"p{i}=1" for i in range(1001))  # DATA_UPLOAD_MAX_NUMBER_FIELDS + 1


@pytest.mark.django_db
def test_a_nul_or_too_many_parameters_in_any_address_is_a_404_or_400_never_a_500(world):
    client = world.client("administrator")  # who may open every page
    values = world.admin_url_kwargs()
    asked = 0
    for route in site_routes():
        if route.parameters:
            broken = route.url({name: f"{values[name]}%00" for name in route.parameters})
            assert client.get(broken).status_code == 404, broken
        url = route.url(values) + NUL_QUERY
        assert client.get(url).status_code == 400, url
        assert client.get(route.url(values) + TOO_MANY).status_code == 400, route.url(values)
        asked += 1
    assert asked > 40, "every page of the site"


def test_a_questionnaire_link_with_a_nul_is_the_sites_page_not_found(client):
    page = client.get("/s/ab%00c/")
    assert page.status_code == 404 and "<html" in page.content.decode()


@pytest.mark.django_db
def test_the_api_names_the_parameter_in_its_400_shape(world):
    client = world.client("evaluator_token")
    score = f"/api/v1/surveys/{world.survey.slug}/score/"
    answer = client.get(score + "?lang=%00&method=taylor")
    assert (answer.status_code, answer.json()) == (400, {"errors": {"lang": ["不能包含空字符（NUL）。"]}})
    english = client.get(score + "?lang=en&live=%00", HTTP_COOKIE="django_language=en")
    assert english.json() == {"errors": {"live": ["Null characters are not allowed."]}}
    assert client.get(f"/api/v1/surveys/{world.survey.slug}%00/score/").json() == {"detail": "未找到。"}


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["exclude", "keep"])
def test_a_reason_with_a_nul_is_refused_by_name_and_nothing_is_stored(world, action):
    url = reverse(
        f"staff-response-{action}", kwargs={"slug": world.survey.slug, "response_id": world.response.pk}
    )
    logged = AuditEntry.objects.filter(response=world.response)
    before = logged.count()
    staff = world.client("staff")
    answer = staff.post(url, {"reason": "重复\x00提交"}, follow=True)
    assert "原因中有空字符（NUL），无法保存。" in answer.content.decode()
    world.response.refresh_from_db()
    assert not world.response.excluded and logged.count() == before
    assert staff.post(url, {"reason": "重复提交"}).status_code == 302
    assert logged.count() == before + 1


@pytest.mark.parametrize("path", ["/", "/s/ab/", "/accounts/login/"])
def test_too_many_parameters_are_the_sites_400_page_in_the_persons_language(client, path):
    page = client.get(path + TOO_MANY)
    assert page.status_code == 400 and "服务器无法理解这次请求" in page.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(path + TOO_MANY)
    assert english.status_code == 400 and "The server could not understand" in english.content.decode()


@pytest.mark.django_db
def test_too_many_parameters_are_the_apis_400_shape(world):
    client = world.client("evaluator_token")
    answer = client.get(f"/api/v1/surveys/{world.survey.slug}/score/" + TOO_MANY)
    assert answer.status_code == 400
    assert answer.json() == {"errors": {"non_field_errors": ["地址中的参数太多（超过 1000 个）。"]}}
    submission = client.post("/api/v1/responses/" + TOO_MANY, {}, content_type="application/json")
    assert submission.status_code == 400 and "non_field_errors" in submission.json()["errors"]


def test_another_refusal_under_the_api_is_json_too(client, settings):
    """A request Django finds suspicious (here a host it does not serve) is not a web page there."""
    settings.ALLOWED_HOSTS = ["example.org"]
    answer = client.get("/api/v1/schema/", HTTP_HOST="evil.example")
    assert answer.status_code == 400
    assert answer.json() == {"errors": {"non_field_errors": ["服务器无法理解这次请求。"]}}
    assert "<html" in client.get("/", HTTP_HOST="evil.example").content.decode()
