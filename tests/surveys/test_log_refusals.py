"""The log keeps a refusal's one line, not its traceback (survey_site/log_filters.py)."""

import logging

import pytest

from survey_site.log_filters import RefusalsWithoutTraceback


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (), sys.exc_info()
        )
    record.status_code = status_code
    return record


@pytest.mark.parametrize("status_code", [400, 403, 404])
def test_a_refusal_is_logged_without_its_traceback_a_server_error_with_it(status_code):
    refusals = RefusalsWithoutTraceback()
    refused, crash = _record(status_code), _record(500)
    assert refusals.filter(refused) and refusals.filter(crash)
    assert refused.exc_info is None and refused.getMessage() == "Forbidden: /x/"
    assert crash.exc_info is not None


def test_the_sites_log_handler_uses_it(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["refusals"]
