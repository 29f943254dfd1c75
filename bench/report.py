"""Benchmark: the evaluator's report for daligang-2020 (400 synthetic responses), each format.

    .venv/bin/python bench/report.py [--runs 3] [--lang zh|en] [--formats xlsx,pdf] [--publish]

Uses the demo database (run `python manage.py demo` first, or `make run`). Times, in one
process, what a download of an unpublished survey costs: reading the data (score computed
again, no cache) and rendering the file, and the memory the rendering takes beyond the data
it is given (the peak of Python's allocations while one file is made, `tracemalloc`, in a run
of its own, as tracing slows everything down). `--publish` times publishing instead (every
download in both languages, frozen in one transaction), each run rolled back, so that the
database is left as it was. The first PDF of a machine also cuts the cached
report fonts (surveys/reports/fonts.py); that one-time cost is timed separately.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="daligang-2020")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="the report's language")
    parser.add_argument("--formats", default="xlsx,pdf,csv,sav", help="comma-separated")
    parser.add_argument("--publish", action="store_true", help="time publishing (rolled back) instead")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from surveys.models import Survey
    from surveys.reports import FORMATS, render_report
    from surveys.reports.data import report_data
    from surveys.reports.fonts import prepare

    survey = Survey.objects.get(slug=args.slug)
    started = time.perf_counter()
    prepare()
    print(
        f"report fonts ready in {time.perf_counter() - started:.2f} s (one-time per machine when not cached)"
    )
    report_data(survey, use_cache=False, language=args.lang)  # warm imports and the database connection
    if args.publish:
        publish_timed(survey, args.runs)
        return
    formats = [fmt for fmt in args.formats.split(",") if fmt in FORMATS]
    for fmt in formats:
        data = report_data(survey, use_cache=False, language=args.lang)
        render_report(data, fmt)  # warm the renderer
        tracemalloc.start()
        render_report(data, fmt)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        times, size = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            data = report_data(survey, use_cache=False, language=args.lang)
            size = len(render_report(data, fmt))
            times.append(time.perf_counter() - started)
        print(
            f"{args.lang} {fmt:>4}: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}; "
            f"{data.sample.valid} responses, {size / 1024:.0f} KiB; rendering's peak memory {peak / 2**20:.0f} MiB)"
        )


def publish_timed(survey, runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from surveys.models import Survey
    from surveys.services.publish import report_publish

    users = get_user_model().objects
    times = []
    for _ in range(runs):
        with transaction.atomic():
            # An administrator of the database, or one made for the run (and rolled back with it).
            admin = users.filter(is_superuser=True).first() or users.create(
                username="bench", is_superuser=True, is_staff=True
            )
            Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
            survey.refresh_from_db()
            started = time.perf_counter()
            report_publish(survey=survey, user=admin)
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(
        f"publish (every download, both languages): median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )


if __name__ == "__main__":
    main()
