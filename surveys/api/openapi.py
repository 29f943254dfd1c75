"""What /api/v1/schema/ says beyond drf-spectacular's own reading of the views
(DEFAULT_SCHEMA_CLASS in settings), so that a client or fuzzer generated from it sends what the
service takes (tests/security/test_api_schema_promises.py, bench/fuzz_live.py).

An API token only reads (surveys/api/authentication.py): the schema offers it on the reading
operations and not on the writing ones (a what-if score, saving a scheme), which need a logged-in
session and its CSRF token. On the reading operations the token comes first: it is how an
evaluator's or a staff member's own tools sign in; the session is the browser's.

A request's text fields say what DRF's CharField refuses with a 400, which drf-spectacular leaves
out: a NUL character (the pattern NO_NUL), and where blank is not allowed, nothing left once the
spaces are trimmed (minLength 1, NOT_BLANK); a DictField that may not be empty says so
(minProperties 1), its text values as the text fields. A serializer whose Meta says `closed =
True` is an object with no other keys (additionalProperties: false), for a view that refuses
unknown keys by name.

An optional query parameter given empty (`?lang=`) is taken as not given, as DRF's serializers
read a query string (surveys.api.exceptions.valid_query): the schema says so with
`allowEmptyValue`, where its enum alone would make `?lang=` an error the service does not answer.

Two of the methods overridden are drf-spectacular's own (underscored; the version is pinned in
requirements.txt): the tests above fail if an upgrade stops calling them.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

TOKEN = "tokenAuth"
NO_NUL = r"^[^\u0000]*$"
# What str.strip() takes off (str.isspace), as DRF's CharField trims a text before it checks that
# it is not blank. Spelt out, since regex engines differ on \s: Python's takes U+001C–U+001F,
# ECMA-262's does not (and takes U+FEFF, which strip() keeps).
SPACE = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\u0000]*[^\u0000{SPACE}][^\u0000]*$"  # something left after the trim; no NUL


class ReadOnlyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "surveys.api.authentication.ReadOnlyTokenAuthentication"
    name = TOKEN
    priority = 1  # before drf-spectacular's own TokenScheme, which matches the subclass too

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Authorization: Token <key> (a survey's evaluator or staff member makes it at "
                "/evaluate/token/; it reads what its owner may read). Read-only: with a token every "
                "POST, PUT, PATCH and DELETE is refused with 403."
            ),
        }

    def get_security_requirement(self, auto_schema):
        if auto_schema.method not in SAFE_METHODS:
            return None
        return {self.name: []}


def _text_rules(field, rules: dict) -> None:
    """A CharField's refusals added to its schema: not where drf-spectacular wrote a oneOf (its
    own pattern or format), nor over a pattern of the field's own."""
    if not isinstance(field, serializers.CharField) or rules.get("type") != "string":
        return
    if field.allow_blank:
        rules.setdefault("pattern", NO_NUL)
    else:
        rules["minLength"] = max(rules.get("minLength", 0), 1)
        rules.setdefault("pattern", NOT_BLANK if field.trim_whitespace else NO_NUL)


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if getattr(getattr(serializer, "Meta", None), "closed", False):
            schema["additionalProperties"] = False  # the view refuses any key it does not name
        if direction == "request":
            for name, field in force_instance(serializer).fields.items():
                rules = schema["properties"].get(name, {})
                if isinstance(field, serializers.DictField):
                    if not field.allow_empty:
                        rules["minProperties"] = 1
                    field, rules = field.child, rules.get("additionalProperties", {})
                _text_rules(field, rules)
        return schema

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def get_auth(self):
        # sorted() keeps the order of the rest (the session, then {} where anonymous may call).
        return sorted(super().get_auth(), key=lambda requirement: TOKEN not in requirement)
