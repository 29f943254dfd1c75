"""Benchmark: the evaluator page's charts on a cache miss — the page, then its ten PNGs.

    .venv/bin/python bench/charts.py [--runs 5] [--lang zh|en]

Uses the demo database (run `python manage.py demo` first, or `make run`) and, instead of the
configured cache, an empty one in memory for each run, the score already in it: what an evaluator
waits for after new responses (or a new release of the drawing code) made every cached chart and
chart size stale. Whole requests through Django's test client, logged in as the demo's evaluator:
the page (its charts' sizes not cached), the same page again (cached), each chart's PNG at
either width (wide and phone, as the page's <img> and <source> name them), then each wide PNG
again, cached (five requests a run). Counts the figures
built (stats.charts._figure) on the way: the page and its ten images need ten.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slug", default="daligang-2020")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="the page's language")
    args = parser.parse_args()
    # The test settings: the same database, and the static files without collectstatic's manifest.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings_test")
    warnings.filterwarnings("ignore", "No directory at")  # var/static/, which only collectstatic makes
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.utils import translation

    from stats import charts
    from surveys.evaluate.selectors import evaluator_view
    from surveys.models import Survey

    survey = Survey.objects.get(slug=args.slug)
    setup_test_environment()  # the responses carry their templates' context (the charts' addresses)
    client = Client()
    client.force_login(get_user_model().objects.get(username="evaluator"))
    built = 0
    figure = charts._figure

    def counted(*a, **kw):
        nonlocal built
        made = figure(*a, **kw)
        built += 1
        return made

    charts._figure = counted
    page = f"/evaluate/{args.slug}/?lang={args.lang}"
    times: dict[str, list[float]] = {}
    builds = []

    def timed(label: str, address: str):
        started = time.perf_counter()
        response = client.get(address)
        times.setdefault(label, []).append(time.perf_counter() - started)
        assert response.status_code == 200, (address, response.status_code)
        return response

    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
    with override_settings(CACHES=locmem):
        for run in range(args.runs + 1):  # the first warms imports and fonts, and is not counted
            cache.clear()
            with translation.override("en" if args.lang == "en" else "zh-hans"):
                evaluator_view(survey, args.lang)  # the score, as the page finds it
            built = 0
            context = timed("page, chart sizes not cached", page).context
            timed("page again (cached)", page)
            for chart in context["charts"]:
                timed(f"{chart.name} png wide", chart.png)
                timed(f"{chart.name} png phone", chart.phone_png)
            builds.append(built)
            for chart in context["charts"]:  # again: each image cached, as a reload asks for it
                timed("a png again (cached)", chart.png)
            if run == 0:
                times.clear()
                builds.clear()
    print(f"{args.slug}, {args.lang}, median (min–max) of {args.runs} runs:")
    for label, seconds in times.items():
        ms = [s * 1000 for s in seconds]
        print(f"  {label:<30} {statistics.median(ms):7.1f} ms ({min(ms):.1f}–{max(ms):.1f})")
    images = [
        sum(v[k] for label, v in times.items() if label.endswith(("wide", "phone"))) for k in range(args.runs)
    ]
    print(f"  {'the ten images together':<30} {statistics.median(images) * 1000:7.1f} ms")
    print(f"  figures built for the page and its ten images: {sorted(set(builds))}")


if __name__ == "__main__":
    main()
