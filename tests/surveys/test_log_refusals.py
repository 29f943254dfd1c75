"""The log keeps a refusal's one line, not its traceback (survey_site/log_filters.py)."""

import logging

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


def test_a_refusal_is_logged_without_its_traceback_a_server_error_with_it():
    refusals = RefusalsWithoutTraceback()
    forbidden, crash = _record(403), _record(500)
    assert refusals.filter(forbidden) and refusals.filter(crash)
    assert forbidden.exc_info is None and forbidden.getMessage() == "Forbidden: /x/"
    assert crash.exc_info is not None


def test_the_sites_log_handler_uses_it(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["refusals"]
