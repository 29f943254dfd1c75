"""Benchmark: entering paper questionnaires (issue 8): keys per sheet and server time per saved sheet.

    .venv/bin/python bench/paper_entry.py                      # SQLite, in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/paper_entry.py
    BENCH_SAVES=200 BENCH_TYPED=10 .venv/bin/python bench/paper_entry.py

1. Server time: the daligang-2020 fixture, BENCH_SAVES sheets printed for 五羊坪村 · 村民群众, each
   saved twice (a first entry, then an agreeing second entry that stores the response) by two
   staff members through Django's test client: the whole POST of the entry page (session,
   permission checks, the service, the JSON answer). Prints median, fastest and slowest of each.
2. Keys per sheet: Debian's Chromium (if present) types BENCH_TYPED sheets on the real entry page
   by keyboard alone, and the keys the page counted (stored with each entry) are reported, next to
   what the key model says: Enter on the number filled in from the previous sheet, one key per
   question (the 12 items and the age band), Enter to save.

PostgreSQL runs in a throw-away test database (test_<name>), dropped after.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings_test")
if not os.environ.get("DATABASE_URL"):
    os.environ["SURVEY_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-paper-")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402  (the same browser as the tests)

SAVES = int(os.environ.get("BENCH_SAVES", "200"))
TYPED = int(os.environ.get("BENCH_TYPED", "10"))
SLUG = "daligang-2020"
PASSWORD = "bench-password-123456"


def setup():
    from django.contrib.auth import get_user_model

    from surveys.models import Invitation, Survey, SurveyMembership

    call_command("loaddata", SLUG, verbosity=0)
    survey = Survey.objects.get(slug=SLUG)
    users = []
    for name in ("xiaowang", "xiaoli"):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        SurveyMembership.objects.create(survey=survey, user=user, role=SurveyMembership.Role.STAFF)
        users.append(user)
    invitation = Invitation.objects.select_related("group").get(survey=survey, village__code="wuyangping")
    return survey, invitation, users


def answers_for(n: int, item_codes: list[str], option_codes: list[str]) -> dict:
    return {code: option_codes[(n + k) % len(option_codes)] for k, code in enumerate(item_codes)}


def server_times(survey, invitation, users) -> None:
    from surveys.models import Response
    from surveys.services.paper import paper_sheets_print
    from surveys.services.questionnaire import questionnaire_version_current

    version = questionnaire_version_current(survey=survey)
    sheets = paper_sheets_print(invitation=invitation, count=SAVES)
    for label, user in (("first entry (pending)", users[0]), ("second entry (stores)", users[1])):
        client = Client()
        client.force_login(user)
        times = []
        for n, sheet in enumerate(sheets):
            body = json.dumps(
                {
                    "age_band": "30-44",
                    "answers": answers_for(n, version.item_codes, version.option_codes),
                    "keystrokes": 15,
                }
            )
            began = time.perf_counter()
            reply = client.post(
                f"/staff/{SLUG}/paper/sheets/{sheet.number}/entries/", body, content_type="application/json"
            )
            times.append((time.perf_counter() - began) * 1000)
            assert reply.status_code == 201, reply.content
        print(
            f"  {label:22} median {statistics.median(times):6.1f} ms   fastest {min(times):6.1f}   "
            f"slowest {max(times):6.1f}   ({len(times)} saves)"
        )
    assert Response.objects.filter(survey=survey, source="paper").count() == SAVES


def typed_keys(survey, invitation, users) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        print("  (playwright is not installed: keys per sheet not measured)")
        return
    if not Path(CHROMIUM).exists():
        print("  (Debian chromium is missing: keys per sheet not measured)")
        return
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    from surveys.models import PaperEntry
    from surveys.services.paper import paper_sheets_print
    from surveys.services.questionnaire import questionnaire_version_current

    items = len(questionnaire_version_current(survey=survey).item_codes)
    questions = items + (1 if invitation.group.by_village else 0)
    sheets = paper_sheets_print(invitation=invitation, count=TYPED)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(locale="zh-CN")
            page.goto(f"{base}/accounts/login/?next=/staff/{SLUG}/paper/enter/")
            page.get_by_label("用户名").fill(users[0].username)
            page.get_by_label("密码").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/staff/{SLUG}/paper/enter/")
            began = time.perf_counter()
            for n, sheet in enumerate(sheets):
                if n == 0:
                    page.keyboard.type(sheet.number.split("-", 1)[1])
                else:
                    expect(page.locator("#sheet-number")).to_have_value(sheet.number)
                page.keyboard.press("Enter")
                keys = ["2"] + [str(1 + (n + k) % 4) for k in range(items)]
                for key in keys[:questions]:
                    page.keyboard.press(key)
                page.keyboard.press("Enter")
                expect(page.locator("#status")).to_contain_text(sheet.number)
            elapsed = time.perf_counter() - began
            browser.close()
    finally:
        server.terminate()
    counted = list(
        PaperEntry.objects.filter(sheet__in=sheets)
        .order_by("sheet__number")
        .values_list("keystrokes", flat=True)
    )
    following = counted[1:]
    print(
        f"  key model: Enter on the filled-in number + {questions} questions ({items} items + age band) "
        f"+ Enter to save = {questions + 2} keys"
    )
    print(
        f"  typed in Chromium: first sheet (number typed) {counted[0]} keys; the next {len(following)} sheets "
        f"{statistics.median(following):.0f} keys each (min {min(following)}, max {max(following)}); "
        f"{elapsed / len(sheets) * 1000:.0f} ms per sheet of browser round trips"
    )


def main() -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    test_db = None
    if connection.vendor == "postgresql":
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        survey, invitation, users = setup()
        print(f"{connection.vendor}: server time per saved sheet (whole POST through Django)")
        server_times(survey, invitation, users)
        if connection.vendor == "sqlite":
            print("keys per sheet (the entry page in Chromium)")
            typed_keys(survey, invitation, users)
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
