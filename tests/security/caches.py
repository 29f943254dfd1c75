"""The two cache back-ends a deployment may use: the database cache, and Redis where configured."""

import socket
import uuid

import pytest
from django.core.cache import caches

from survey_site.settings import DATABASE_CACHE

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def cache_settings(kind: str) -> dict:
    if kind == "redis":
        if not redis_running():
            pytest.skip("no Redis at 127.0.0.1:6379")
        # A prefix of its own per test, so that nothing counted by another test leaks in.
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    return {"default": DATABASE_CACHE}  # as a deployment without Redis has it


@pytest.fixture(params=["database", "redis"])
def cache_backend(request, settings, db):
    """Runs the test once on each back-end, with the cache empty."""
    settings.CACHES = cache_settings(request.param)
    caches["default"].clear() if request.param == "database" else None
    yield request.param
    if request.param == "redis":
        caches["default"].clear()
