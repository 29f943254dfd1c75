import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from survey_site.env import envbool, envint, envrates


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


SCOPES = ("ip", "invitation")


def test_envrates_reads_requests_per_seconds_for_the_scopes_given(monkeypatch):
    monkeypatch.delenv("RATES", raising=False)
    assert envrates("RATES", SCOPES) == {}
    monkeypatch.setenv("RATES", " ip = 1000/60 , invitation=50/10 ")
    assert envrates("RATES", SCOPES) == {"ip": (1000, 60), "invitation": (50, 10)}
    monkeypatch.setenv("RATES", "invitation=5000/3600")
    assert envrates("RATES", SCOPES) == {"invitation": (5000, 3600)}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "phone=10/60",
            "'phone=10/60' names no limit; write ip=REQUESTS/SECONDS, invitation=REQUESTS/SECONDS",
        ),
        ("300/60", "'300/60' names no limit"),
        ("ip=10/60,ip=20/60", "ip is given twice"),
        ("ip=10", "'ip=10' is not ip=REQUESTS/SECONDS"),
        ("ip=ten/60", "'ip=ten/60' is not ip=REQUESTS/SECONDS"),
        ("ip=0/60", "'ip=0/60' is not ip=REQUESTS/SECONDS with two whole numbers of at least 1"),
        ("invitation=10/0", "'invitation=10/0' is not invitation=REQUESTS/SECONDS"),
        ("ip=-5/60", "'ip=-5/60' is not"),
        ("ip=1.5/60", "'ip=1.5/60' is not"),
        ("ip=²/60", "'ip=²/60' is not"),
    ],
)
def test_envrates_fails_loudly_naming_the_part(monkeypatch, value, message):
    monkeypatch.setenv("RATES", value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"RATES: {message}")):
        envrates("RATES", SCOPES)


def test_the_submission_rate_limits_come_from_the_environment(tmp_path):
    code = "import django; from django.conf import settings; django.setup(); from surveys.ratelimit import _limits; print(sorted(_limits().items()))"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "survey_site.settings",
        "SURVEY_DATA_DIR": str(tmp_path),
    }
    run = [sys.executable, "-c", code]
    default = subprocess.run(run, env=env, capture_output=True, text=True)
    assert default.stdout.strip() == "[('invitation', (200, 60)), ('ip', (300, 60))]", default.stderr
    raised = subprocess.run(
        run, env={**env, "SUBMISSION_RATE_LIMITS": "invitation=20000/60"}, capture_output=True, text=True
    )
    assert raised.stdout.strip() == "[('invitation', (20000, 60)), ('ip', (300, 60))]", raised.stderr
    wrong = subprocess.run(
        run, env={**env, "SUBMISSION_RATE_LIMITS": "invitations=1/60"}, capture_output=True, text=True
    )
    assert (
        wrong.returncode != 0 and "SUBMISSION_RATE_LIMITS: 'invitations=1/60' names no limit" in wrong.stderr
    )


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
