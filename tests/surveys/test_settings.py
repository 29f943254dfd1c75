import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from survey_site.env import envbool, envint


def test_envbool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", "0") is True
    monkeypatch.setenv("FLAG", "off")
    assert envbool("FLAG", "1") is False


def test_envbool_fails_loudly_on_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        envbool("FLAG", "0")


def test_envint_fails_loudly(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        envint("N", "1")


def _settings(env: dict) -> subprocess.CompletedProcess:
    code = "import django; from django.conf import settings; django.setup(); print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, settings.TIME_ZONE, settings.LANGUAGE_CODE)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "survey_site.settings", **env},
        capture_output=True,
        text=True,
    )


def test_the_defaults_are_sqlite_no_debug_chinese_and_beijing_time(tmp_path):
    result = _settings({"SURVEY_DATA_DIR": str(tmp_path)})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False", "Asia/Shanghai", "zh-hans"]
    assert (tmp_path / "secret-key").stat().st_mode & 0o777 == 0o600


def test_database_url_switches_to_postgresql(tmp_path):
    result = _settings({"SURVEY_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_a_weak_secret_key_is_refused(tmp_path):
    result = _settings({"SURVEY_DATA_DIR": str(tmp_path), "SECRET_KEY": "django-insecure-abc"})
    assert result.returncode != 0 and "SECRET_KEY must be at least 32 random characters" in result.stderr


def test_a_bad_debug_value_is_refused(tmp_path):
    result = _settings({"SURVEY_DATA_DIR": str(tmp_path), "DEBUG": "sometimes"})
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


def test_the_embedded_database_file_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "survey_site.settings",
            "SURVEY_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "wal", result.stderr
    assert (tmp_path / "db.sqlite3").exists()
