"""No address with a NUL character reaches a view (survey_site/nul.py). PostgreSQL cannot hold a
NUL in a text, so each look-up of such a link was a 500 there: a questionnaire link
(`/s/ab%00c/`), the evaluator page's `?compare=`, the comments download's `?village=`."""

import pytest
from django.urls import reverse

from surveys.models import AuditEntry
from tests.security.urlmap import site_routes

NUL_QUERY = "?q=%00&village=%00&group=%00&compare=%00&lang=%00&next=%00"


@pytest.mark.django_db
def test_a_nul_in_any_address_of_the_site_is_a_404_or_400_never_a_500(world):
    client = world.client("administrator")  # who may open every page
    values = world.admin_url_kwargs()
    asked = 0
    for route in site_routes():
        if route.parameters:
            broken = route.url({name: f"{values[name]}%00" for name in route.parameters})
            assert client.get(broken).status_code == 404, broken
        url = route.url(values) + NUL_QUERY
        assert client.get(url).status_code == 400, url
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
