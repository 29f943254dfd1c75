"""POST /api/v1/responses/ (contract §6): a respondent's phone submits its answers.

Anonymous on purpose: the invitation token is the only credential, so there is no session,
no CSRF token and no login. A cross-site page cannot use this endpoint with the phone's
device cookie either: the cookie is SameSite=Lax, and a JSON POST from another origin needs a
CORS preflight that we never grant.
"""

import re
import uuid
from datetime import UTC

from django.core.exceptions import RequestDataTooBig
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from surveys.api.exceptions import body_refused, not_an_object
from surveys.api.parsers import JSONParser
from surveys.localized import language
from surveys.models import Response
from surveys.ratelimit import retry_after, submission_allowed
from surveys.respond.texts import rate_limited_text, refusal_text
from surveys.services.submission import (
    COMMENT_MAX_LENGTH,
    DEVICE_COOKIE,
    ResponsePayload,
    SubmissionConflict,
    SubmissionInvalid,
    SubmissionRefused,
    submission_store,
)


class UuidStringField(serializers.UUIDField):
    """A UUID written as a string: DRF's UUIDField also takes a JSON number (even true) as the
    UUID's integer, which would make 1 from one phone and 1 from another the same response."""

    default_error_messages = {"nil": gettext_lazy("不能是全零的 UUID：每份答卷要有手机生成的随机编号。")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        value = super().to_internal_value(data)
        if value.int == 0:  # one fixed id for every phone would make every second answer a 409
            self.fail("nil")
        return value


class DateTimeStorable(serializers.DateTimeField):
    """An ISO 8601 time that the database can store (in UTC): 0001-01-01T00:00:00 is valid ISO
    8601 but falls before year 1 in UTC, and DRF's own check of it overflows (a 500) instead of
    failing. A NUL character is refused: Python's ISO reading stops at one at the end
    ('2020-11-03T10:15:00\x00' would be that time), where every other text refuses it."""

    default_error_messages = {"null_characters": ProhibitNullCharactersValidator.message}

    def to_internal_value(self, value):
        if isinstance(value, str) and "\x00" in value:
            self.fail("null_characters")
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        try:
            value = super().enforce_timezone(value)
            if timezone.is_aware(value):
                value.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return value


class ResponseSubmitInputSerializer(serializers.Serializer):
    response_id = UuidStringField(help_text="由手机生成的 UUID（字符串）；重试时保持不变。")
    invitation = serializers.CharField(max_length=40, help_text="邀请码：确定调查、村（社区）和受访群体。")
    age_band = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text="年龄段代码；按村抽样的群体必填。",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_null=True, allow_blank=True, max_length=40),
        allow_empty=False,
        help_text="{题目代码: 选项代码}，每题必答（不清楚可选 dont_know）。",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=COMMENT_MAX_LENGTH,
        trim_whitespace=True,
        error_messages={"max_length": gettext_lazy("意见建议最多 {max_length} 字。")},
        help_text="意见建议（不计分）。",
    )
    started_at = DateTimeStorable(required=False, allow_null=True)
    submitted_at = DateTimeStorable(required=False, allow_null=True)
    device = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="手机上生成的随机设备标记（也可放在 Cookie 中）；只保存其加密摘要。",
    )


class ResponseSubmitOutputSerializer(serializers.Serializer):
    response_id = serializers.UUIDField(source="id")
    received_at = serializers.DateTimeField()


_RECEIVED_AT = serializers.DateTimeField()

# --- The input, read without the serializer when it is plainly valid ------------------------------
# Instantiating the serializer deep-copies its declared fields, and validating runs a dozen field
# objects: on the hot path that costs more than the database. `payload_read` accepts only input
# that the serializer would take unchanged (canonical UUID, strings already trimmed, no NUL or
# lone surrogate, within the lengths) and returns what the serializer's validated data would
# give; anything else returns None, and the serializer decides, with its own error messages.
# tests/surveys/test_submission_input.py checks the two against each other on generated input.

_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
_DATETIME_IN = DateTimeStorable()  # stateless for parsing: one instance serves every request
_FIELDS = ResponseSubmitInputSerializer._declared_fields
_MAX_LENGTH = {name: _FIELDS[name].max_length for name in ("invitation", "age_band", "comment", "device")}
_MAX_LENGTH["answer"] = _FIELDS["answers"].child.max_length


def _plain(value, max_length: int) -> bool:
    """A string the serializer's CharField keeps as it is: trimmed, not too long, no NUL or lone
    surrogate (the CharField validators)."""
    if type(value) is not str or len(value) > max_length or "\x00" in value or value != value.strip():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _when(raw: dict, name: str):
    """(ok, value) for an optional, nullable datetime field."""
    value = raw.get(name)
    if value is None:
        return True, None
    if type(value) is not str:
        return False, None
    try:
        return True, _DATETIME_IN.to_internal_value(value)
    except serializers.ValidationError:
        return False, None


def payload_read(raw: dict) -> tuple[ResponsePayload, str, str] | None:
    """(payload, invitation token, device marker) of plainly valid input, else None."""
    response_id, token, answers = raw.get("response_id"), raw.get("invitation"), raw.get("answers")
    if (
        type(response_id) is not str
        or not _CANONICAL_UUID.fullmatch(response_id)
        or response_id == NIL_UUID
        or not _plain(token, _MAX_LENGTH["invitation"])
        or not token
        or type(answers) is not dict
        or not answers
    ):
        return None
    for option in answers.values():
        if option is not None and not _plain(option, _MAX_LENGTH["answer"]):
            return None
    age_band = raw.get("age_band")
    if age_band is not None and not _plain(age_band, _MAX_LENGTH["age_band"]):
        return None
    comment = raw.get("comment", "")
    if type(comment) is not str:
        return None
    comment = comment.strip()
    if not _plain(comment, _MAX_LENGTH["comment"]):
        return None
    device = raw.get("device", "")
    if not _plain(device, _MAX_LENGTH["device"]):
        return None
    started_ok, started_at = _when(raw, "started_at")
    submitted_ok, submitted_at = _when(raw, "submitted_at")
    if not (started_ok and submitted_ok):
        return None
    payload = ResponsePayload(
        response_id=uuid.UUID(response_id),
        answers=dict(answers),
        age_band=age_band or None,
        comment=comment,
        started_at=started_at,
        submitted_at=submitted_at,
    )
    return payload, token, device


def _payload_validated(data: dict) -> tuple[ResponsePayload, str, str]:
    """The same triple from the serializer's validated data."""
    payload = ResponsePayload(
        response_id=data["response_id"],
        answers=data["answers"],
        age_band=data.get("age_band") or None,
        comment=data.get("comment", ""),
        started_at=data.get("started_at"),
        submitted_at=data.get("submitted_at"),
    )
    return payload, data["invitation"], data.get("device", "")


_DETAIL = inline_serializer(
    "SubmissionProblem", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
_ERRORS = inline_serializer(
    "SubmissionErrors",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors ({"answers": {"income": [...]}}) as {"answers.income": [...]}."""
    flat: dict[str, list[str]] = {}
    for name, value in errors.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = [str(message) for message in value]
    return flat


def _problem(http_status: int, code: str, detail: str) -> ApiResponse:
    return ApiResponse({"detail": detail, "code": code}, status=http_status)


def _refused(http_status: int, code: str, message: str, details: dict | None = None) -> ApiResponse:
    """Why the link takes no answers, in the request's language (?lang=en or the language
    cookie): the respondent's page says the same (surveys/respond/texts.py)."""
    detail = refusal_text(code, message, language(), opens_at=(details or {}).get("opens_at"))
    return _problem(http_status, code, detail)


class ResponseSubmitApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]  # a phone sends JSON; a form post is answered 400, not stored

    @extend_schema(
        operation_id="responses_submit",
        summary="提交答卷",
        description=(
            "The invitation token fixes survey, village and group. 201 stored; 200 the same response_id with "
            "the same content again (a retry); 409 the same response_id with other content; 400 "
            '{"errors": {field: [message]}} (answer errors are keyed answers.<item>); 403 unknown, '
            "closed or used-up invitation, survey not open, or this phone already answered "
            "(code device_used); 429 too many requests."
        ),
        auth=[],
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                description="多少秒后限额重新计数",
            )
        ],
        request=ResponseSubmitInputSerializer,
        responses={
            201: ResponseSubmitOutputSerializer,
            200: OpenApiResponse(ResponseSubmitOutputSerializer, description="重试：已存储过相同内容"),
            400: _ERRORS,
            403: _DETAIL,
            409: _DETAIL,
            429: _DETAIL,
        },
        examples=[
            OpenApiExample(
                "村民答卷",
                request_only=True,
                value={
                    "response_id": "0b6f4c52-8f7e-4a43-a0c7-1d7c3b0e5a11",
                    "invitation": "Xy3kP0aBcdE",
                    "age_band": "30-44",
                    "answers": {
                        "income": "satisfied",
                        "jobs": "basically_satisfied",
                        "air": "satisfied",
                        "water": "satisfied",
                        "sanitation": "basically_satisfied",
                        "housing": "satisfied",
                        "public_security": "satisfied",
                        "rule_of_law": "satisfied",
                        "work_style": "dont_know",
                        "service_quality": "satisfied",
                        "rectification": "dissatisfied",
                        "integrity": "satisfied",
                    },
                    "comment": "",
                    "started_at": "2020-11-03T10:13:02+08:00",
                    "submitted_at": "2020-11-03T10:15:00+08:00",
                },
            )
        ],
    )
    def post(self, request):
        raw, unread = self._data(request)
        read, errors = None, None
        if unread or not isinstance(raw, dict):
            errors = {"non_field_errors": [unread or not_an_object(raw)]}
        else:
            read = payload_read(raw)
            if read is None:
                serializer = ResponseSubmitInputSerializer(data=raw)
                if serializer.is_valid():
                    read = _payload_validated(serializer.validated_data)
                else:
                    errors = _flatten(serializer.errors)
        # Every request counts against its address; only a well-formed one against the link it
        # names, so that junk naming a poster's token cannot jam that link for its village.
        if not submission_allowed(request, token=read[1] if read is not None else None):
            wait = retry_after()
            refused = _problem(
                status.HTTP_429_TOO_MANY_REQUESTS, "rate_limited", rate_limited_text(language(), wait)
            )
            refused["Retry-After"] = str(wait)
            return refused
        if errors is not None:
            return ApiResponse({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        payload, token, device = read
        device = device or request.COOKIES.get(DEVICE_COOKIE, "")
        try:
            response, created = submission_store(
                token=token, payload=payload, device=device[:100], source=Response.Source.WEB
            )
        except SubmissionInvalid as exc:
            return ApiResponse({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        except SubmissionRefused as exc:
            return _refused(status.HTTP_403_FORBIDDEN, exc.code, exc.message, exc.details)
        except SubmissionConflict as exc:
            return _problem(
                status.HTTP_409_CONFLICT,
                "conflict",
                _("答卷编号 %(id)s 已用于另一份内容不同的答卷（%(fields)s），先提交的那份已保存。")
                % {"id": payload.response_id, "fields": ", ".join(exc.differences)},
            )
        # The documented ResponseSubmitOutputSerializer's two fields, without a serializer per request.
        body = {
            "response_id": str(response.pk),
            "received_at": _RECEIVED_AT.to_representation(response.received_at),
        }
        return ApiResponse(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @staticmethod
    def _data(request):
        """The body read, or why it cannot be: not JSON, or more than any answer sheet (a 400
        in the contract's shape, saying so)."""
        try:
            return request.data, ""
        except (ParseError, UnsupportedMediaType, RequestDataTooBig) as exc:
            return None, body_refused(exc, request)
