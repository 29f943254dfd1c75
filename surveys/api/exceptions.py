"""The API's answer to what DRF does not know: a survey that cannot be scored as it is stored —
its questionnaire not finished, or its saved scheme not fitting the questionnaire (409: the
request was right, the survey is not; the detail says what to fix and where); a body that is
not JSON (a form, text, broken JSON: DRF's 415 or bare {"detail": …}; saying which, and where
the JSON breaks) and query parameters refused, in the API's one 400 shape."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from surveys.scoring import QuestionnaireIncomplete, SchemeBroken


def exception_handler(exc, context):
    if isinstance(exc, QuestionnaireIncomplete):
        return Response(
            {"code": "questionnaire_incomplete", "detail": str(exc)}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, SchemeBroken):
        return Response(
            {"code": "scheme_invalid", "detail": str(exc), "errors": exc.errors_shown()},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, (ParseError, UnsupportedMediaType)):
        return Response(
            {"errors": {"non_field_errors": [body_refused(exc, context["request"])]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def body_refused(exc: ParseError | UnsupportedMediaType | RequestDataTooBig, request) -> str:
    """What a client is told of a body the API cannot read: not sent as JSON (which type it was
    sent as), too big (the limit), or not JSON (where and why, as surveys/api/parsers.py says)."""
    if isinstance(exc, UnsupportedMediaType):
        return _("请求内容应以 JSON 发送（Content-Type: application/json），收到的是 %(type)s。") % {
            "type": request.content_type.partition(";")[0].strip() or _("未注明类型的内容")
        }
    if isinstance(exc, RequestDataTooBig):
        return _("请求内容超过 %(limit)s 字节的上限。") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    return str(exc.detail)


def not_an_object(value) -> str:
    """What a client is told of JSON that is not an object ({…}): what it was instead."""
    kinds = {
        list: _("数组"),
        str: _("字符串"),
        bool: _("布尔值（true 或 false）"),
        type(None): _("空值（null）"),
    }
    kind = kinds.get(type(value), _("数字"))
    return _("请求内容应为 JSON 对象（{…}），收到的是%(kind)s。") % {"kind": kind}


def valid_query(serializer_class, request) -> dict:
    """The request's query parameters checked by the serializer; a 400 in the API's one shape,
    `{"errors": {parameter: [message]}}`, when they do not pass (DRF's own answer is the bare
    `{parameter: [message]}`, unlike every other 400 here)."""
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise serializers.ValidationError({"errors": query.errors})
    return query.validated_data
