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


@pytest.fixture
def quotas(survey):
    """东村 18–44 target 3 (from make_survey), 西村 18–44 target 2, 西村 45+ target 4, staff target 2."""
    from surveys.models import AgeBand, Group, Quota, Village

    villager = Group.objects.get(survey=survey, code="villager")
    west = Village.objects.get(survey=survey, code="west")
    young, old = (
        AgeBand.objects.get(survey=survey, code="18-44"),
        AgeBand.objects.get(survey=survey, code="45+"),
    )
    Quota.objects.create(survey=survey, group=villager, village=west, age_band=young, target=2)
    Quota.objects.create(survey=survey, group=villager, village=west, age_band=old, target=4)
    Quota.objects.create(survey=survey, group=Group.objects.get(survey=survey, code="staff"), target=2)
    return survey
