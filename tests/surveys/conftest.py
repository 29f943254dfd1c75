import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture
def fresh_rate_limits():
    # The rate-limit counters live in the cache table, which a test's rollback may not reach.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def admin_client(client):
    """A client logged in as the superuser "chief" (pytest-django's own is "admin")."""
    client.force_login(get_user_model().objects.create_superuser("chief", password="pw-long-enough-123"))
    return client
