"""/api/v1/schema/ says what the API does, where drf-spectacular alone would not.

A client generated from the schema (or a fuzzer such as schemathesis) picks its credentials from
each operation's `security`: the evaluator's token is offered exactly where a token works (a
token offered on a writing operation would be refused with 403), and first on the reading
operations, since it is what a tool signs in with. An optional query parameter sent empty is
taken as not sent (`allowEmptyValue`); any other value off its enum is a 400.
"""

import re
import sys

import pytest
from drf_spectacular.generators import SchemaGenerator

from surveys.api.openapi import NO_NUL, NOT_BLANK

TOKEN, SESSION = {"tokenAuth": []}, {"cookieAuth": []}
READ_ONLY = "API 令牌只能读取；修改请登录网页。"


def _signed() -> list[tuple[str, str, list]]:
    """(method, path, security) of every operation that needs a sign-in."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation["security"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") and {} not in operation["security"]
    ]


def _ask(world, persona, method, path, query=""):
    url = path.format(slug=world.survey.slug, other=world.last_year.slug) + query
    client = world.client(persona)
    return client.generic(method, url, "{}", content_type="application/json")


def test_the_token_is_offered_first_on_every_reading_operation_and_never_on_a_writing_one():
    signed = _signed()
    assert signed, "the survey operations need a sign-in"
    for method, path, security in signed:
        if method in ("GET", "HEAD"):
            assert security == [TOKEN, SESSION], (method, path)
        else:
            assert security == [SESSION], (method, path)


@pytest.mark.django_db
def test_what_the_schema_offers_the_token_on_the_token_may_do(world):
    signed = _signed()
    for method, path, security in signed:
        answer = _ask(world, "evaluator_token", method, path)
        if TOKEN in security:
            assert answer.status_code == 200, (method, path, answer.status_code)
        else:
            assert (answer.status_code, answer.json()["detail"]) == (403, READ_ONLY), (method, path)
            # …and the session the schema offers instead is let in (a 400: the body is empty).
            assert _ask(world, "evaluator", method, path).status_code == 400, (method, path)


@pytest.mark.django_db
def test_an_optional_query_parameter_sent_empty_is_taken_as_not_sent(world):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    asked = 0
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/surveys/"):
            continue
        for method, operation in operations.items():
            query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            for parameter in query:
                assert parameter.get("allowEmptyValue") is True and not parameter.get("required"), (
                    path,
                    parameter,
                )
            if method != "get" or not query:
                continue
            names = [p["name"] for p in query]
            empty = _ask(world, "evaluator_token", "GET", path, "?" + "&".join(f"{name}=" for name in names))
            assert empty.status_code == 200, (path, empty.status_code)
            if empty["Content-Type"] == "application/json":
                plain = _ask(world, "evaluator_token", "GET", path).json()
                if isinstance(plain, list):  # the surveys' list: the same list
                    assert empty.json() == plain
                else:
                    assert empty.json()["composite"] == plain["composite"]
            for parameter in query:
                name, kind = parameter["name"], parameter.get("schema", {})
                if "enum" not in kind and kind.get("type") != "integer":
                    continue  # free words (the surveys' ?q=): no value is wrong
                wrong = _ask(world, "evaluator_token", "GET", path, f"?{name}=fr")
                assert wrong.status_code == 400 and name in wrong.json()["errors"], (path, name)
                asked += 1
    assert asked >= 10, "score, compare and the four downloads have query parameters"


def test_the_schemas_blank_is_what_drf_trims_away_whatever_the_regex_engine():
    """NOT_BLANK names the characters str.strip() takes off one by one (regex engines disagree on
    \\s), so every single character is judged as the endpoint judges it."""
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:
            continue  # not in a JSON string DRF takes
        text = chr(point)
        assert bool(re.fullmatch(NOT_BLANK, text)) == (text.strip() != "" and text != "\x00"), hex(point)
        assert bool(re.fullmatch(NO_NUL, text)) == (text != "\x00")
    assert re.fullmatch(NOT_BLANK, "\u3000 k7x2 \x1e") and not re.fullmatch(NOT_BLANK, "k7\x002")
