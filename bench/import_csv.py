"""Benchmark: importing a generated CSV of N responses into daligang-2020 (SQLite by default).

    .venv/bin/python bench/import_csv.py [--responses 1000] [--runs 3]

Each run uses a fresh database in a temporary folder (or DATABASE_URL's, emptied first), loads
the fixture, writes the CSV with the synthetic generator, and times `import_responses` as a whole
command (process start included), then the same file again (all skipped).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(env, *args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def one_run(n: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SURVEY_DATA_DIR": tmp}
        manage(env, "migrate", "-v0")
        manage(env, "loaddata", "daligang-2020")
        csv_path = Path(tmp) / "responses.csv"
        villages = 17
        per_village = max(1, (n - 60) // villages)
        staff = n - per_village * villages - 20
        manage(
            env,
            "synthetic_responses",
            "daligang-2020",
            "--seed",
            "7",
            "--per-village",
            str(per_village),
            "--staff",
            str(staff),
            "--deputies",
            "20",
            "-o",
            str(csv_path),
        )
        rows = sum(1 for _ in csv_path.open()) - 1
        assert rows == n, rows
        first = manage(env, "import_responses", "daligang-2020", str(csv_path))
        again = manage(env, "import_responses", "daligang-2020", str(csv_path))
        return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if os.getenv("DATABASE_URL"):
        sys.exit("run on the embedded SQLite: unset DATABASE_URL")
    results = [one_run(args.responses) for _ in range(args.runs)]
    firsts, agains = zip(*results, strict=True)
    print(
        f"| import {args.responses} responses (SQLite, whole command) | min {min(firsts):.2f} s | median {statistics.median(firsts):.2f} s | max {max(firsts):.2f} s |"
    )
    print(
        f"| same file again, all skipped | min {min(agains):.2f} s | median {statistics.median(agains):.2f} s | max {max(agains):.2f} s |"
    )


if __name__ == "__main__":
    main()
