"""The test override: the same settings, with a fast password hasher."""

from survey_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# django-axes refuses authenticate() calls without a request, as the test client's login() makes;
# the lockout tests (tests/security/test_lockout.py) switch it back on.
AXES_ENABLED = False
