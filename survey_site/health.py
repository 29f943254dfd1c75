"""GET /healthz: can this process reach its database and its cache? For a load balancer or a
monitor: 200 {"status": "ok", …} when both answer, 503 naming the one that does not (the home
page answers 200 even with both down, so it tells a monitor nothing).

Public and without detail beyond "ok"/"unavailable": the error itself goes to the log only.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = "healthz", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")


@never_cache
@require_GET
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception:  # any failure is "unavailable"; the log has the why
            logger.exception("health check: %s unavailable", name)
            checks[name] = "unavailable"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
