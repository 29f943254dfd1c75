"""Log filters.

Django logs a refused request (400: BadRequest, as survey_site/address.py raises, or a
suspicious request; 403: PermissionDenied; 404: Http404) with the exception's whole traceback,
which buries the server errors one watches the log for. A refusal is the site working as meant:
its one line ("Forbidden (Permission denied): /evaluate/…") is kept, the traceback not.
"""

import logging

REFUSALS = {400, 403, 404}


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in REFUSALS:
            record.exc_info = None
            record.exc_text = None
        return True
