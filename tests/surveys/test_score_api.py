"""GET/POST /api/v1/surveys/SLUG/score/, the scheme and the year-over-year comparison."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from surveys.api.scores import EXAMPLE_SCHEME
from surveys.models import Survey, SurveyMembership
from surveys.services.response_import import responses_import_text
from tests.factories import csv_row, csv_text, make_survey
from tests.surveys.report_helpers import member

pytestmark = pytest.mark.django_db


def _user(name, survey=None, role=None):
    user = get_user_model().objects.create_user(name, password="pw-long-enough-123")
    if survey is not None:
        SurveyMembership.objects.create(survey=survey, user=user, role=role)
    return user


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def answered(survey):
    responses_import_text(
        survey=survey,
        text=csv_text(
            *[csv_row(answers=("satisfied", "basically_satisfied", "dissatisfied")) for _ in range(6)]
        ),
    )
    return survey


URL = "/api/v1/surveys/hill-2024/score/"


def test_an_evaluator_reads_the_score_document(answered):
    response = _client(_user("eva", answered, "evaluator")).get(URL)
    assert response.status_code == 200
    doc = response.json()
    assert doc["survey"] == "hill-2024"
    assert doc["composite"]["score"] == pytest.approx((100 + (80 + 0) / 2) / 2)
    assert doc["composite"]["method"] == "taylor"


def test_the_bootstrap_method_is_selectable_and_named(answered):
    doc = _client(_user("eva", answered, "evaluator")).get(URL, {"method": "bootstrap"}).json()
    assert doc["composite"]["method"].startswith("bootstrap")


def test_english_names_are_available(answered):
    answered.dimension_set.filter(code="economy").update(name_en="Economy")
    doc = _client(_user("eva", answered, "evaluator")).get(URL, {"lang": "en"}).json()
    assert doc["dimensions"][0]["name"] == "Economy"


def test_the_document_says_its_own_language_not_the_cookies(answered):
    client = _client(_user("eva", answered, "evaluator"))
    client.cookies["django_language"] = "en"  # an evaluator who reads the pages in English
    chinese = client.get(URL)
    assert chinese.json()["language"] == "zh" and chinese["Content-Language"] == "zh-Hans"
    english = client.get(URL, {"lang": "en"})
    assert english.json()["language"] == "en" and english["Content-Language"] == "en"


def test_anonymous_users_are_refused(answered):
    assert _client().get(URL).status_code in (401, 403)


def test_a_token_reads_but_a_post_with_it_is_refused_with_403_saying_why(answered):
    """As README and surveys/api/authentication.py say: 403, the session authenticator being first."""
    client = APIClient()
    token = Token.objects.create(user=_user("eva", answered, "evaluator"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(URL).status_code == 200
    tried = client.post(URL, {"scheme": {}}, format="json")
    assert (tried.status_code, tried.json()) == (403, {"detail": "API 令牌只能读取；修改请登录网页。"})
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code == 403


def test_staff_cannot_read_scores_and_outsiders_do_not_see_the_survey(answered):
    assert _client(_user("sam", answered, "staff")).get(URL).status_code == 403
    other = make_survey("other-2024")
    assert _client(_user("olga", other, "evaluator")).get(URL).status_code == 404


def test_a_what_if_scheme_is_scored_without_being_saved(answered):
    scheme = {
        "option_points": {"satisfied": 100, "basically_satisfied": 100, "dissatisfied": 0, "dont_know": None},
        "dimension_weights": {"economy": 1, "services": 1},
    }
    client = _client(_user("eva", answered, "evaluator"))
    doc = client.post(URL, {"scheme": scheme}, format="json").json()
    assert doc["composite"]["score"] == pytest.approx((100 + 50) / 2)
    answered.refresh_from_db()
    assert answered.scheme is None


def test_a_what_if_scheme_leaving_out_an_option_scores_it_with_its_default_points(answered):
    """不了解 left out of a what-if is left out of the means, as in the default scheme (its
    default: no points); any other option left out scores its questionnaire's default."""
    client = _client(_user("eva", answered, "evaluator"))
    weights = {"economy": 1, "services": 1}
    full = {"satisfied": 100, "basically_satisfied": 60, "dissatisfied": 0, "dont_know": None}
    expected = client.post(
        URL, {"scheme": {"option_points": full, "dimension_weights": weights}}, format="json"
    )
    for given in (
        {"satisfied": 100, "basically_satisfied": 60, "dissatisfied": 0},
        {"basically_satisfied": 60},
    ):
        doc = client.post(
            URL, {"scheme": {"option_points": given, "dimension_weights": weights}}, format="json"
        )
        assert doc.status_code == 200, doc.json()
        assert (
            doc.json()["composite"]["score"]
            == expected.json()["composite"]["score"]
            == pytest.approx((100 + (60 + 0) / 2) / 2)
        )
        assert doc.json()["scheme"]["option_points"] == full, "the document says every option's points used"
    wrong = client.post(
        URL, {"scheme": {"option_points": {"basically": 60}, "dimension_weights": weights}}, format="json"
    )
    assert wrong.status_code == 400 and "basically" in " ".join(wrong.json()["errors"]["option_points"])


def test_saving_a_scheme_validates_codes_and_weights(answered):
    client = _client(_user("eva", answered, "evaluator"))
    bad = {
        "option_points": {
            "satisfied": 100,
            "basically_satisfied": 80,
            "dissatisfied": 0,
            "dont_know": None,
            "meh": 50,
        },
        "dimension_weights": {"economy": -1, "services": 1},
    }
    response = client.put("/api/v1/surveys/hill-2024/scheme/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "meh" in " ".join(errors["option_points"]) and errors["dimension_weights"]
    good = {
        **bad,
        "option_points": {"satisfied": 100, "basically_satisfied": 60, "dissatisfied": 0, "dont_know": None},
    }
    good["dimension_weights"] = {"economy": 3, "services": 1}
    response = client.put("/api/v1/surveys/hill-2024/scheme/", good, format="json")
    assert response.status_code == 200
    answered.refresh_from_db()
    assert answered.scheme["dimension_weights"] == {"economy": 3, "services": 1}
    doc = client.get(URL).json()
    assert doc["composite"]["score"] == pytest.approx((3 * 100 + 1 * (60 + 0) / 2) / 4)


NOT_SENT_AS_JSON = "请求内容应以 JSON 发送（Content-Type: application/json），收到的是 {}。"


@pytest.mark.parametrize(
    "content_type, body, message",
    [
        (
            "application/x-www-form-urlencoded",
            "scheme=%7B%7D",
            NOT_SENT_AS_JSON.format("application/x-www-form-urlencoded"),
        ),
        (
            "multipart/form-data; boundary=b",
            '--b\r\nContent-Disposition: form-data; name="scheme"\r\n\r\n{}\r\n--b--\r\n',
            NOT_SENT_AS_JSON.format("multipart/form-data"),
        ),
        (
            "application/json",
            '{"scheme": {',
            "请求内容不是有效的 JSON：第 1 行第 13 个字符处应是用英文双引号括起的名称（末尾多了逗号，或名称没有加引号）。",
        ),
        ("text/plain", "satisfied=100", NOT_SENT_AS_JSON.format("text/plain")),
    ],
)
def test_a_body_that_is_not_json_is_a_400_in_the_apis_shape_and_changes_nothing(
    answered, content_type, body, message
):
    """A scheme is a JSON object, which a form cannot carry: the what-if and the saved scheme take
    JSON only, say so as every other 400 of the API does (DRF answered 415, or its bare
    {"detail": …} for broken JSON) — saying what was sent instead, or where the JSON breaks —,
    and the schema offers JSON alone."""
    client = _client(_user("eva", answered, "evaluator"))
    before = answered.scheme
    for method, url in (("POST", URL), ("PUT", "/api/v1/surveys/hill-2024/scheme/")):
        response = client.generic(method, url, body, content_type=content_type)
        assert (response.status_code, response.json()) == (
            400,
            {"errors": {"non_field_errors": [message]}},
        ), (method, content_type)
    answered.refresh_from_db()
    assert answered.scheme == before
    schema = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert list(schema["/api/v1/surveys/{slug}/score/"]["post"]["requestBody"]["content"]) == [
        "application/json"
    ]
    assert list(schema["/api/v1/surveys/{slug}/scheme/"]["put"]["requestBody"]["content"]) == [
        "application/json"
    ]


@pytest.mark.parametrize("body", ["null", "[]", '"scheme"', "5"])
def test_a_scheme_saved_must_be_an_object_null_saves_nothing(answered, body):
    """PUT null was read as "the scheme it has" and saved it (the defaults, where it had none)."""
    client = _client(_user("eva", answered, "evaluator"))
    response = client.generic(
        "PUT", "/api/v1/surveys/hill-2024/scheme/", body, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"errors": {"scheme": ["方案必须是 JSON 对象（the scheme must be a JSON object）"]}},
    )
    answered.refresh_from_db()
    assert answered.scheme is None


def test_the_schema_gives_the_schemes_shape_where_it_is_sent_and_read():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    scheme = schema["components"]["schemas"]["Scheme"]
    assert scheme["required"] == ["dimension_weights", "option_points"]
    assert scheme["additionalProperties"] is False, "parse_scheme refuses any other key"
    assert scheme["properties"]["option_points"]["additionalProperties"]["maximum"] == 100
    ref = {"$ref": "#/components/schemas/Scheme"}
    paths = schema["paths"]["/api/v1/surveys/{slug}/scheme/"]
    assert paths["put"]["requestBody"]["content"]["application/json"]["schema"] == ref
    assert paths["get"]["responses"]["200"]["content"]["application/json"]["schema"] == ref
    what_if = schema["components"]["schemas"]["WhatIfInput"]["properties"]["scheme"]
    assert what_if["allOf"] == [ref]


def test_the_schemas_example_scheme_is_taken_by_the_2020_survey():
    """The docs' example (contract §2's scheme) is a scheme the fixture survey takes, as a what-if
    and saved."""
    call_command("loaddata", "daligang-2020", verbosity=0)
    survey = Survey.objects.get(slug="daligang-2020")
    client = _client(_user("eva", survey, "evaluator"))
    operations = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    url = "/api/v1/surveys/daligang-2020/"
    for method, path, op in (("POST", "score/", "post"), ("PUT", "scheme/", "put")):
        schema_path = "/api/v1/surveys/{slug}/" + path
        [example] = operations[schema_path][op]["requestBody"]["content"]["application/json"][
            "examples"
        ].values()
        assert example["value"] in ({"scheme": EXAMPLE_SCHEME}, EXAMPLE_SCHEME)
        answer = client.generic(
            method, url + path, json.dumps(example["value"]), content_type="application/json"
        )
        assert answer.status_code == 200, answer.json()
    survey.refresh_from_db()
    assert survey.scheme["group_weights"] == {"villager": 0.6, "staff": 0.2, "deputy": 0.2}


def test_a_published_survey_keeps_its_scheme(answered):
    answered.status = "published"
    answered.save()
    client = _client(_user("eva", answered, "evaluator"))
    response = client.put("/api/v1/surveys/hill-2024/scheme/", {"dimension_weights": {}}, format="json")
    assert response.status_code == 409


def test_two_years_compare_with_the_se_of_the_difference(answered):
    later = make_survey("hill-2025")
    responses_import_text(
        survey=later,
        text=csv_text(
            *[csv_row(answers=("satisfied", "satisfied", "basically_satisfied")) for _ in range(6)]
        ),
    )
    user = _user("eva", answered, "evaluator")
    SurveyMembership.objects.create(survey=later, user=user, role="evaluator")
    response = _client(user).get("/api/v1/surveys/hill-2025/compare/hill-2024/")
    assert response.status_code == 200
    body = response.json()
    assert (body["base"], body["current"]) == ("hill-2024", "hill-2025")
    assert body["composite"]["difference"] == pytest.approx(body["composite"]["b"] - body["composite"]["a"])
    assert body["composite"]["b"] > body["composite"]["a"]


def test_the_openapi_schema_describes_the_score_document_and_the_refusals():
    """A client generated from /api/v1/schema/ knows the score document's fields (contract §5);
    the fuzz test (tests/security/test_api_fuzz.py) checks real answers against it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    score = paths["/api/v1/surveys/{slug}/score/"]["get"]["responses"]
    assert score["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScoreDocument"
    }
    assert {"403", "404"} <= set(score)
    document = schema["components"]["schemas"]["ScoreDocument"]["properties"]
    assert {"survey", "composite", "dimensions", "items", "by_village", "by_group", "by_age_band"} <= set(
        document
    )
    assert {"reliability", "scheme"} <= set(document)
    item = schema["components"]["schemas"]["Item"]["properties"]
    assert {"code", "dimension", "score", "n", "dont_know", "distribution"} <= set(item)
    for fmt in ("xlsx", "pdf", "csv"):
        report = paths[f"/api/v1/surveys/{{slug}}/report.{fmt}"]["get"]
        assert {"403", "404"} <= set(report["responses"])
        assert [p["name"] for p in report.get("parameters", []) if p["in"] == "query"] == ["lang"]


def test_a_wrong_query_parameter_is_a_400_in_the_apis_one_shape(answered):
    """{"errors": {parameter: [message]}}, as every other 400 of the API; DRF's own answer was
    the bare {parameter: [message]}."""
    client = APIClient()
    client.force_authenticate(member("li", answered, SurveyMembership.Role.EVALUATOR))
    for url in (
        "/api/v1/surveys/hill-2024/score/?method=median",
        "/api/v1/surveys/hill-2024/score/?lang=fr",
        "/api/v1/surveys/hill-2024/report.pdf?lang=fr",
    ):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert set(answer.json()) == {"errors"} and len(answer.json()["errors"]) == 1, answer.json()
    what_if = client.post("/api/v1/surveys/hill-2024/score/?method=median", {"scheme": {}}, format="json")
    assert what_if.status_code == 400 and list(what_if.json()["errors"]) == ["method"]
