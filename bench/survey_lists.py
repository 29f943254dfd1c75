"""Benchmark: the lists of surveys a county's people open — staff's /staff/ (each survey's
collection), the evaluator's /evaluate/ (each survey's composite), its Excel and CSV files and
GET /api/v1/surveys/.

    .venv/bin/python bench/survey_lists.py [--towns 10] [--runs 3]

Builds its own SQLite database in a temporary folder (the demo survey, then `--towns` towns
copied from it, each with a 2020 and a 2021 survey of 400 synthetic responses: 2 × towns
surveys, the 2021 ones compared with 2020), and times, in one process, each address as an
administrator opens it (the pages their first page of 20, the files and the API every survey):
cold (the cache emptied first: every survey scored again) and warm (the scores cached, as after
the first visit until new responses arrive).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(runs: int, work, before=None) -> tuple[float, float, float, int]:
    times, size = [], 0
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times), size


def build(towns: int) -> None:
    from django.core.management import call_command

    from surveys.models import Survey

    quiet = io.StringIO()
    with redirect_stdout(quiet), redirect_stderr(quiet):
        call_command("migrate", verbosity=0)
        call_command("demo", stdout=quiet)
        folder = Path(tempfile.mkdtemp())
        for town in range(1, towns + 1):
            for year in (2020, 2021):
                slug = f"town{town:02d}-{year}"
                call_command("copy_survey", "daligang-2020", slug, "--year", str(year), stdout=quiet)
                Survey.objects.filter(slug=slug).update(
                    organisation=f"第{town}镇人民政府", organisation_en="", status=Survey.Status.OPEN
                )
                csv_file = folder / f"{slug}.csv"
                seed = str(town * 10_000 + year)
                call_command("synthetic_responses", slug, "-o", str(csv_file), "--seed", seed, stdout=quiet)
                call_command("import_responses", slug, str(csv_file), "--synthetic", stdout=quiet)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-lists-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from surveys.models import Response, Survey

    started = time.perf_counter()
    build(args.towns)
    print(
        f"built {Survey.objects.count()} surveys, {Response.objects.count()} responses "
        f"in {time.perf_counter() - started:.0f} s ({folder})"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    urls = (
        "/staff/",  # the first page: 20 surveys
        "/staff/?order=progress-asc",  # the collections that lag first: every survey's progress read
        "/evaluate/",
        "/evaluate/?year=2021",  # one year, its surveys compared with the year before's
        "/evaluate/?year=2021&order=score-asc",  # that year ranked: every one of its surveys scored
        "/evaluate/surveys.xlsx",  # every survey, every page
        "/evaluate/surveys.csv",
        "/api/v1/surveys/",  # every survey: an evaluator's figures and everyone's progress
        "/api/v1/surveys/?order=progress-asc",
    )
    for url in urls:
        assert client.get(url).status_code == 200, url
        for label, before in (("cold", cache.clear), ("warm", None)):
            median, low, high, size = timed(args.runs, lambda url=url: client.get(url).content, before)
            print(
                f"GET {url} {label}: median {median:.2f} s (min {low:.2f}, max {high:.2f}), {size / 1024:.0f} KB"
            )


if __name__ == "__main__":
    main()
