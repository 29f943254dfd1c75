"""GET /healthz tells a monitor whether the database and the cache answer."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_with_database_and_cache_up_it_is_ok():
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in answer["Cache-Control"]


def test_a_cache_that_cannot_be_reached_is_a_503_naming_it(settings):
    """The home page answered 200 with Redis down, so a load balancer could not tell."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


def test_a_database_that_cannot_be_reached_is_a_503_naming_it(monkeypatch):
    from survey_site import health

    def refused():
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(health, "_database", refused)
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "unavailable"
