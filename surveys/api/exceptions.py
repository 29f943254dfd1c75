"""The API's answer to what DRF does not know: a survey that cannot be scored as it is stored —
its questionnaire not finished, or its saved scheme not fitting the questionnaire (409: the
request was right, the survey is not; the detail says what to fix and where)."""

from rest_framework import status
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
    return drf_exception_handler(exc, context)
