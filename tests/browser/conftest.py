"""Headless Chromium from Debian (/usr/bin/chromium, see scripts/system-deps) driven by Playwright.

Never `playwright install`: the browser is the system's. Playwright's sync API runs an event
loop in the test's thread, so Django's guard against ORM calls from async code is lifted here.
"""

import os
import threading
import time
import warnings
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import connections

from tests.servers import Server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


class _Requests:
    """The live server's threads answering a request now (Django's request_started and
    request_finished signals, the latter sent once the response is closed). By thread, not a
    count: a request whose request_finished never reached us (an earlier receiver raised) is
    forgotten with its thread once the browser closes the connection."""

    lock = threading.Lock()
    answering: set[threading.Thread] = set()

    @classmethod
    def started(cls, **_kwargs) -> None:
        with cls.lock:
            cls.answering.add(threading.current_thread())

    @classmethod
    def finished(cls, **_kwargs) -> None:
        with cls.lock:
            cls.answering.discard(threading.current_thread())

    @classmethod
    def busy(cls) -> bool:
        with cls.lock:
            cls.answering = {thread for thread in cls.answering if thread.is_alive()}
            return bool(cls.answering - {threading.main_thread()})


request_started.connect(_Requests.started, dispatch_uid="browser-tests-requests-started")
request_finished.connect(_Requests.finished, dispatch_uid="browser-tests-requests-finished")


def _wait_until_live_server_idle(seconds: float = 10) -> None:
    """Until the live server has answered every request it took, or `seconds`."""
    deadline = time.monotonic() + seconds
    while _Requests.busy() and time.monotonic() < deadline:
        time.sleep(0.02)
    if _Requests.busy():
        warnings.warn(f"the live server still answers a request after {seconds} s", stacklevel=2)


def close_context(context) -> None:
    """Close a phone so that nothing its pages scheduled reaches the server after the test: each
    page first leaves for about:blank, which stops its timers and cancels its requests (one held
    or waiting for a route handler too) while the test's routes still stand; then the context
    closes. A retry let through as a context closed reached the live server while the test's
    database was being emptied (`database table is locked`), and the next test found its rows."""
    from playwright.sync_api import Error

    for page in context.pages:
        try:
            page.goto("about:blank", timeout=5_000)
        except Error:  # a page already crashed or closing: closing the context is what is left
            pass
    context.close()
    _wait_until_live_server_idle()


@pytest.fixture(autouse=True)
def _live_server_idle_before_the_database_is_emptied(request):
    """After a test with the live server, wait (at most 10 s) until the server has finished every
    request before the test's database is emptied: a request still writing holds SQLite's tables
    (`database table is locked`), the flush fails and the next test finds the last one's rows.
    Requesting transactional_db here puts this teardown before the flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _wait_until_live_server_idle()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: docs/screenshots/ with UPDATE_SCREENSHOTS=1 (to refresh the kept
    ones), else a temporary folder, so that a test run leaves the work tree clean."""
    return SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path


@pytest.fixture(scope="module")
def browser():
    """One browser per test module: Playwright's sync API allows one running instance per
    thread, so a module that starts its own must find this one stopped."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()
    # ORM calls a test made while Playwright's loop ran got their own connection; close them,
    # or PostgreSQL cannot drop the test database afterwards.
    connections.close_all()
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def desk(browser):
    """A staff member's desktop browser."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    yield context
    close_context(context)


@pytest.fixture
def phone(browser):
    """A fresh phone: its own storage, cookies and device marker. Without the questionnaire's
    service worker: Playwright's offline switch does not reach a service worker's requests
    (microsoft/playwright#2311), so the tests of the page's own offline queue keep it out."""
    context = browser.new_context(service_workers="block", **PHONE)
    yield context
    close_context(context)


@pytest.fixture
def phone_with_service_worker(browser):
    """A fresh phone that lets the questionnaire install its service worker. Take its network
    away with `server` (stop the server) rather than set_offline, which the worker ignores."""
    context = browser.new_context(service_workers="allow", **PHONE)
    yield context
    close_context(context)


@pytest.fixture
def server(transactional_db):
    running = Server()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def phone_without_js(browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    yield context
    close_context(context)
