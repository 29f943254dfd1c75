import pytest
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
