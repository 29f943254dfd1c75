"""Benchmark: GET /api/v1/surveys/daligang-2020/score/ over 100,000 responses in PostgreSQL.

    .venv/bin/python bench/score_api.py [--responses 100000] [--runs 5] [--database-url URL]

Makes (drops and re-creates) the database `manyidu_bench` on the local PostgreSQL unless a
URL is given, migrates, loads the fixture, inserts N synthetic responses, then times the whole
request through Django's stack (middleware, session auth, DRF, JSON) in-process:
cold = the survey's data token replaced first (as after a new response), so the answers are
loaded and scored again; cached = the same request again.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/manyidu_bench")
    args = parser.parse_args()

    import psycopg

    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    import random
    import uuid

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from surveys.models import Response, Survey
    from surveys.services.questionnaire import questionnaire_version_current

    call_command("migrate", verbosity=0)
    call_command("loaddata", "daligang-2020", verbosity=0)
    survey = Survey.objects.get(slug="daligang-2020")
    version = questionnaire_version_current(survey=survey)
    groups = {g.code: g for g in survey.group_set.all()}
    villages = list(survey.village_set.all())
    bands = list(survey.ageband_set.all())
    rng = random.Random(1)
    start = time.perf_counter()
    batch = []
    for _ in range(args.responses):
        kind = rng.random()
        group = groups["villager"] if kind < 0.85 else groups["staff"] if kind < 0.95 else groups["deputy"]
        villager = group.code == "villager"
        answers = "".join(rng.choices("0123", weights=[70, 24, 3, 3])[0] for _ in range(12))
        batch.append(
            Response(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                survey=survey,
                version=version,
                group=group,
                village=rng.choice(villages) if villager else None,
                age_band=rng.choice(bands) if villager else None,
                answers=answers,
                source="synthetic",
            )
        )
        if len(batch) == 10_000:
            Response.objects.bulk_create(batch)
            batch = []
    Response.objects.bulk_create(batch)
    print(f"inserted {args.responses} responses in {time.perf_counter() - start:.1f} s", file=sys.stderr)

    user = get_user_model().objects.create_superuser("bench", password="bench-password-123")
    client = Client()
    client.force_login(user)
    url = "/api/v1/surveys/daligang-2020/score/"
    # The very first request of a process also pays for importing scipy and building DRF's
    # machinery: reported on its own line, not mixed into the cold figures.
    t0 = time.perf_counter()
    assert client.get(url, {"lang": "en"}).status_code == 200
    first = time.perf_counter() - t0
    cold, cached = [], []
    for _ in range(args.runs):
        cache.delete(f"survey-data-token:{survey.pk}")
        t0 = time.perf_counter()
        response = client.get(url)
        cold.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
        t0 = time.perf_counter()
        again = client.get(url)
        cached.append(time.perf_counter() - t0)
        assert again.json()["composite"] == response.json()["composite"]
    n = response.json()["composite"]["n"]
    print(
        f"| score API, {n:,} responses, PostgreSQL, first request of a fresh process | {first * 1000:.0f} ms | | |"
    )
    print(
        f"| score API, {n:,} responses, PostgreSQL, cold | min {min(cold) * 1000:.0f} ms | median {statistics.median(cold) * 1000:.0f} ms | max {max(cold) * 1000:.0f} ms |"
    )
    print(
        f"| score API, cached | min {min(cached) * 1000:.1f} ms | median {statistics.median(cached) * 1000:.1f} ms | max {max(cached) * 1000:.1f} ms |"
    )


if __name__ == "__main__":
    main()
