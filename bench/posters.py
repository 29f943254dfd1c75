"""Benchmark: 全部二维码海报, every link's QR poster in one A4 PDF (the staff page's download).

    .venv/bin/python bench/posters.py [--runs 3] [--pages 19,100,400]

Uses the demo database (run `python manage.py demo` first, or `make run`). Times, in one
process, the whole download as the staff page asks for it (the progress read, the invitations
table, every poster drawn into the PDF) for the demo's 19 links, then the PDF alone for more
pages (the demo's posters repeated: a county's hundreds of links).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(runs: int, work) -> tuple[float, float, float, int]:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="daligang-2020")
    parser.add_argument("--pages", default="19,100,400", help="comma-separated page counts for the PDF alone")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from surveys.models import Invitation
    from surveys.respond.posters import poster_text, posters_pdf

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    url = f"/staff/{args.slug}/posters.pdf"
    client.get(url)  # warm: fonts, imports, the connection
    median, low, high, size = timed(args.runs, lambda: client.get(url).content)
    print(f"GET {url}: median {median:.2f} s (min {low:.2f}, max {high:.2f}), {size / 1024:.0f} KB")
    links = Invitation.objects.filter(survey__slug=args.slug, is_active=True).select_related(
        "survey", "village", "group"
    )
    texts = [poster_text(invitation) for invitation in links]
    for pages in (int(n) for n in args.pages.split(",")):
        some = (texts * (pages // len(texts) + 1))[:pages]
        median, low, high, size = timed(args.runs, lambda some=some: posters_pdf(some))
        print(
            f"posters_pdf, {pages} pages: median {median:.2f} s (min {low:.2f}, max {high:.2f}), "
            f"{median / pages * 1000:.0f} ms a page, {size / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
