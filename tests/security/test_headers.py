"""Security headers on every page, a Content-Security-Policy our pages live with, and the
production settings that `check --deploy` passes."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.test_permission_matrix import _admin_object_id
from tests.security.urlmap import site_routes

ROOT = Path(settings.BASE_DIR)


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class _Scripts(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            runs = attrs.get("type", "text/javascript") in ("text/javascript", "module", "")
            self._in_script = runs and not attrs.get("src")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(f"<script>{data.strip()[:60]}…</script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def _pages(world):
    """(name, response) for every page an administrator or a respondent can GET."""
    administrator = world.client("administrator")
    respondent = world.client("respondent")
    for route in site_routes():
        values = world.admin_url_kwargs() | {"object_id": _admin_object_id(route, world)}
        client = (
            respondent if route.name.startswith("respond") and "poster" not in route.name else administrator
        )
        response = client.get(route.url(values))
        if response.status_code == 200:
            yield route.name, response


def test_every_page_sends_the_security_headers(world):
    missing = []
    for name, response in _pages(world):
        headers = response.headers
        if headers.get("X-Frame-Options") != "DENY":
            missing.append(f"{name}: X-Frame-Options")
        if headers.get("X-Content-Type-Options") != "nosniff":
            missing.append(f"{name}: X-Content-Type-Options")
        if headers.get("Referrer-Policy") != "same-origin":
            missing.append(f"{name}: Referrer-Policy")
        csp = _csp(response)
        if csp.get("script-src") != ["'self'"] or csp.get("frame-ancestors") != ["'none'"]:
            missing.append(f"{name}: Content-Security-Policy {csp}")
    assert missing == [], "\n".join(missing)


def test_the_policy_allows_scripts_only_from_our_own_files(world):
    response = world.client("anonymous").get("/")
    csp = _csp(response)

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("http" in source for sources in csp.values() for source in sources)


def test_no_page_has_a_script_the_policy_would_block(world):
    blocked = []
    for name, response in _pages(world):
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        parser = _Scripts()
        parser.feed(response.content.decode())
        blocked += [f"{name}: {what}" for what in parser.inline]
    assert blocked == [], "\n".join(blocked)


def test_no_template_has_an_inline_script():
    blocked = []
    for template in [
        *ROOT.glob("survey_site/templates/**/*.html"),
        *ROOT.glob("surveys/templates/**/*.html"),
    ]:
        parser = _Scripts()
        parser.feed(re.sub(r"{%.*?%}|{{.*?}}", "", template.read_text()))
        blocked += [f"{template.relative_to(ROOT)}: {what}" for what in parser.inline]
    assert blocked == [], "\n".join(blocked)


def test_the_api_documentation_loads_nothing_from_other_sites(world):
    for url in ("/api/v1/docs/", "/api/v1/docs/swagger/"):
        response = world.client("anonymous").get(url)
        if response.status_code == 404:
            continue
        external = re.findall(rb"""(?:src|href)=["'](https?://[^"']+)""", response.content)
        assert external == [], f"{url} loads {external}"


def test_hsts_is_sent_behind_https_only(world, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    plain = world.client("anonymous").get("/")
    secure = world.client("anonymous").get("/", secure=True)

    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def _production_environment(tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DEBUG="0",
        SECURE_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.gov.cn",
        SURVEY_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="survey_site.settings",
    )
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "name, value",
    [("SECURE_SSL_REDIRECT", "True"), ("SESSION_COOKIE_SECURE", "True"), ("SECURE_HSTS_PRELOAD", "True")],
)
def test_secure_https_switches_on(tmp_path, name, value):
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == value, result.stderr
