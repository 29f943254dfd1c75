"""Benchmark: the staff dashboard of a survey with 100,000 responses (target ≤ 200 ms).

    .venv/bin/python bench/dashboard.py                      # SQLite, in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dashboard.py
    BENCH_RESPONSES=20000 BENCH_RUNS=9 .venv/bin/python bench/dashboard.py
    BENCH_FLAGGED=0.96 .venv/bin/python bench/dashboard.py   # most flagged (a full quota's 超出配额)

Loads the daligang-2020 fixture, adds the responses with bulk_create (spread over villages,
groups, age bands, invitations and 40 days; 3% flagged (BENCH_FLAGGED), 1% excluded; 200 audit entries), then
times whole requests through Django's test client: session, permission checks, the selectors and
the template render. PostgreSQL runs in a throw-away test database (test_<name>), dropped after.
Prints the median, fastest and slowest of the runs, and the number of queries per request.
Last, once: keeping the whole list of flagged responses still to check at once (一次处理全部, the
POST of the list's form as the page drew it), then its audit entries are deleted again, so that a
rerun on the same data (BENCH_DIR) finds the same list.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings_test")
if not os.environ.get("DATABASE_URL"):
    # BENCH_DIR keeps the SQLite data between runs (built once, reused).
    os.environ["SURVEY_DATA_DIR"] = os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="bench-dashboard-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
FLAGGED = float(os.environ.get("BENCH_FLAGGED", "0.03"))  # the share of responses with a flag
SLUG = "daligang-2020"


def build_data() -> None:
    from django.contrib.auth import get_user_model

    from surveys.models import AgeBand, AuditEntry, Group, Invitation, Response, Survey, Village
    from surveys.services.questionnaire import questionnaire_version_current

    call_command("loaddata", SLUG, verbosity=0)
    survey = Survey.objects.get(slug=SLUG)
    version = questionnaire_version_current(survey=survey)
    items = len(version.item_codes)
    groups = {g.code: g for g in Group.objects.filter(survey=survey)}
    villages = list(Village.objects.filter(survey=survey))
    bands = list(AgeBand.objects.filter(survey=survey))
    invitations = {(i.group_id, i.village_id): i for i in Invitation.objects.filter(survey=survey)}
    rng = random.Random(2020)
    start = datetime(2020, 11, 1, 8, 0, tzinfo=timezone.get_default_timezone())
    batch: list[Response] = []
    for n in range(RESPONSES):
        roll = rng.random()
        group = groups["villager"] if roll < 0.85 else groups["staff"] if roll < 0.95 else groups["deputy"]
        village = rng.choice(villages) if group.by_village else None
        received = start + timedelta(seconds=rng.randrange(40 * 24 * 3600))
        seconds = rng.randrange(60, 900)
        flagged = rng.random() < FLAGGED
        batch.append(
            Response(
                id=uuid.uuid4(),
                survey=survey,
                version=version,
                invitation=invitations.get((group.pk, village.pk if village else None)) if n % 4 else None,
                group=group,
                village=village,
                age_band=rng.choice(bands),
                answers="".join(rng.choice("0123") for _ in range(items)),
                started_at=received - timedelta(seconds=seconds + 5),
                submitted_at=received - timedelta(seconds=5),
                received_at=received,
                source=Response.Source.SYNTHETIC,
                device=f"{rng.getrandbits(64):016x}",
                excluded=rng.random() < 0.01,
                flags=[
                    {
                        "code": "speeder",
                        "reason": "作答用时 20 秒，不到本调查中位用时 6 分 0 秒（最近 1000 份答卷）的三分之一。",
                    }
                ]
                if flagged
                else [],
            )
        )
        if len(batch) == 5000:
            Response.objects.bulk_create(batch)
            batch = []
    Response.objects.bulk_create(batch)
    admin = get_user_model().objects.create_superuser("bench-admin", password="bench-password-123456")
    for response in Response.objects.filter(survey=survey, excluded=True)[:200]:
        AuditEntry.objects.create(
            survey=survey, user=admin, action="response_excluded", response=response, reason="基准测试"
        )
    with connection.cursor() as cursor:
        # What autovacuum does to a live database; without it PostgreSQL cannot answer counts
        # from the indexes alone (the visibility map is empty after a bulk load).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def timed(client: Client, url: str) -> tuple[list[float], int, int]:
    reply = client.get(url)  # warm-up (and a check that it works)
    assert reply.status_code == 200, reply.status_code
    queries: list[tuple[float, str]] = []

    def measure(execute, sql, *args):
        began = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            queries.append(((time.perf_counter() - began) * 1000, sql))

    with connection.execute_wrapper(measure):
        client.get(url)
    if os.environ.get("BENCH_QUERIES"):
        for ms, sql in sorted(queries, reverse=True)[:5]:
            print(f"      {ms:6.1f} ms  {sql[:150]}")
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        reply = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return times, len(queries), len(reply.content)


def main() -> None:
    from django.conf import settings

    # What setup_test_environment() would do for the test client, without its template
    # instrumentation (which slows rendering down).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    test_db = None
    if connection.vendor == "postgresql":
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        from surveys.models import Response

        began = time.perf_counter()
        if not Response.objects.exists():
            build_data()
        print(
            f"{connection.vendor}: {Response.objects.count():,} responses ready in {time.perf_counter() - began:.1f} s"
        )
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-admin"))
        for name, url in [
            ("dashboard page", f"/staff/{SLUG}/"),
            # The list still to check of one kind of flag, with its form to keep it all at once.
            ("to check, 1 kind", f"/staff/{SLUG}/?review=to-check&flag=speeder"),
            ("progress API", f"/api/v1/surveys/{SLUG}/progress/"),
            # Not the dashboard, but the same survey: the evaluator's page and a cached chart.
            ("evaluator page", f"/evaluate/{SLUG}/"),
            ("a chart (cached)", f"/evaluate/{SLUG}/charts/villages.png"),
        ]:
            times, queries, size = timed(client, url)
            print(
                f"  {name:16} median {statistics.median(times):6.1f} ms   fastest {min(times):6.1f}   "
                f"slowest {max(times):6.1f}   ({RUNS} runs, {queries} queries, {size / 1024:.0f} KiB)"
            )
        keep_all(client)
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)


def keep_all(client: Client) -> None:
    """Time keeping at once the list still to check of speeders (一次处理全部 → 全部保留), as the
    page offers it."""
    import re

    from surveys.models import AuditEntry
    from surveys.services.review import KEPT_BATCH, KEPT_IN_BATCH

    page = client.get(f"/staff/{SLUG}/?review=to-check&flag=speeder").content.decode()
    fields = dict(
        re.findall(r'<input type="hidden" name="(review|flag|through|batch)" value="([^"]*)">', page)
    )
    if "batch" not in fields:
        print("  keep all         nothing to keep")
        return
    began = time.perf_counter()
    reply = client.post(
        f"/staff/{SLUG}/responses/batch/", {**fields, "reason": "基准测试", "decision": "keep"}
    )
    took = (time.perf_counter() - began) * 1000
    kept = AuditEntry.objects.filter(action=KEPT_IN_BATCH).count()
    assert reply.status_code == 302 and kept, (reply.status_code, kept)
    print(f"  keep all         {took:6.1f} ms   (once, {kept:,} responses kept, each with its audit entry)")
    AuditEntry.objects.filter(action__in=[KEPT_BATCH, KEPT_IN_BATCH]).delete()


if __name__ == "__main__":
    main()
