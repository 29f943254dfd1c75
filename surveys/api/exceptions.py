"""The API's answer to what DRF does not know: a survey whose questionnaire is not finished."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from surveys.scoring import QuestionnaireIncomplete


def exception_handler(exc, context):
    if isinstance(exc, QuestionnaireIncomplete):
        return Response(
            {"code": "questionnaire_incomplete", "detail": str(exc)}, status=status.HTTP_409_CONFLICT
        )
    return drf_exception_handler(exc, context)
