"""The API's answer to what DRF does not know: a survey that cannot be scored as it is stored —
its questionnaire not finished, or its saved scheme not fitting the questionnaire (409: the
request was right, the survey is not; the detail says what to fix and where); a body that is
not JSON (a form, text, broken JSON: DRF's 415 or bare {"detail": …}) and query parameters
refused, in the API's one 400 shape."""

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
            {"errors": {"non_field_errors": [_("请求内容应为 JSON 对象。")]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def valid_query(serializer_class, request) -> dict:
    """The request's query parameters checked by the serializer; a 400 in the API's one shape,
    `{"errors": {parameter: [message]}}`, when they do not pass (DRF's own answer is the bare
    `{parameter: [message]}`, unlike every other 400 here)."""
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise serializers.ValidationError({"errors": query.errors})
    return query.validated_data
