"""Backup and restore across database kinds: SQLite → PostgreSQL → SQLite, the score compared.

    .venv/bin/python bench/backup_roundtrip.py [--pg postgres://postgres@127.0.0.1:5432/manyidu_backup]

1. a fresh SQLite database: migrate, the daligang-2020 fixture, the synthetic demo responses,
   one response excluded with a reason (so the audit log has something), `score`;
2. `backup_survey` to a JSON file; a fresh PostgreSQL database (dropped and created again):
   migrate, `restore_survey`, `score`;
3. `backup_survey` from PostgreSQL; a second fresh SQLite database: `restore_survey`, `score`.

The three score documents must be equal (their computed_at aside), and so must the exports.
Prints the timings and sizes; exits non-zero on any difference. Talks to localhost only.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SLUG = "daligang-2020"
EXCLUDE = """
from surveys.models import Response, Survey
from django.contrib.auth import get_user_model
from surveys.services.review import response_exclude
user, _ = get_user_model().objects.get_or_create(username="reviewer", defaults={"is_superuser": True})
survey = Survey.objects.get(slug="daligang-2020")
response_exclude(response=Response.objects.filter(survey=survey).order_by("id").first(), user=user, reason="重复作答")
"""


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def fresh_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def scored(env: dict) -> tuple[dict, str, float]:
    start = time.perf_counter()
    document = json.loads(manage(env, "score", SLUG, "--format", "json"))
    document.pop("computed_at", None)
    export = manage(env, "export_responses", SLUG, "--with-comments")
    return document, export, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/manyidu_backup")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        first = {**base, "SURVEY_DATA_DIR": f"{tmp}/sqlite-1"}
        postgres = {**base, "SURVEY_DATA_DIR": f"{tmp}/pg", "DATABASE_URL": args.pg}
        second = {**base, "SURVEY_DATA_DIR": f"{tmp}/sqlite-2"}

        manage(first, "migrate", "-v0")
        manage(first, "loaddata", SLUG)
        manage(
            first, "import_responses", SLUG, str(ROOT / "fixtures/daligang-2020-synthetic.csv"), "--synthetic"
        )
        manage(first, "shell", "-c", EXCLUDE)
        original, original_csv, _ = scored(first)

        backup_1 = Path(tmp) / "sqlite.json"
        start = time.perf_counter()
        manage(first, "backup_survey", SLUG, "-o", str(backup_1), "--with-members", "--with-reports")
        backup_seconds = time.perf_counter() - start

        fresh_postgres(args.pg)
        manage(postgres, "migrate", "-v0")
        start = time.perf_counter()
        manage(postgres, "restore_survey", str(backup_1))
        restore_pg_seconds = time.perf_counter() - start
        on_postgres, postgres_csv, _ = scored(postgres)

        backup_2 = Path(tmp) / "postgres.json"
        manage(postgres, "backup_survey", SLUG, "-o", str(backup_2), "--with-members", "--with-reports")
        manage(second, "migrate", "-v0")
        start = time.perf_counter()
        manage(second, "restore_survey", str(backup_2))
        restore_sqlite_seconds = time.perf_counter() - start
        back_on_sqlite, sqlite_csv, _ = scored(second)

        responses = len(original_csv.splitlines()) - 1
        print(f"survey {SLUG}: {responses} responses, composite {original['composite']['score']:.4f}")
        print(
            f"backup (SQLite)               {backup_seconds:6.2f} s  {backup_1.stat().st_size / 1e6:.2f} MB"
        )
        print(f"restore into PostgreSQL       {restore_pg_seconds:6.2f} s")
        print(f"restore into SQLite           {restore_sqlite_seconds:6.2f} s  (from the PostgreSQL backup)")
        checks = {
            "score SQLite → PostgreSQL": original == on_postgres,
            "score PostgreSQL → SQLite": original == back_on_sqlite,
            "export SQLite → PostgreSQL": original_csv == postgres_csv,
            "export PostgreSQL → SQLite": original_csv == sqlite_csv,
        }
        for name, same in checks.items():
            print(f"{name:30} {'same' if same else 'DIFFERENT'}")
        fresh_postgres(args.pg)  # leave the scratch database empty
        if not all(checks.values()):
            sys.exit(1)


if __name__ == "__main__":
    main()
