"""Load: 20,000 responses (10% of them sent twice) through gunicorn into PostgreSQL, against the floor.

    .venv/bin/python bench/load_submit.py [--responses 20000] [--retries 2000] [--concurrency 32] [--workers 4]
                                          [--round-trips [redis,invitation,cell]] [--rounds N] [--devices]

A fresh database (manyidu_load on 127.0.0.1:5432, dropped and made again) with the fixture
survey; gunicorn serves the real site (bench/load_settings.py: production settings, the
submission rate limits raised, Redis as the cache unless --no-redis), and a bounded asyncio
client submits the responses with `concurrency` connections. Then the same payloads go to the
floor (bench/floor_site.py: a bare view that parses the JSON and inserts one row) on the same
gunicorn configuration. With --round-trips, a third phase runs the floor view after it has made
a submission's round trips to Redis and the database (bench/floor_round_trips.py): what those
round trips alone cost, without any of the endpoint's work in Python. Checks: only 201 and 200
answers, one 201 per unique response, the stored ids exactly the unique ones sent. Prints p50/p99
latency, throughput, the ratios, and the CPU time per request spent by gunicorn's workers, by
PostgreSQL and Redis (their server processes on this machine, read from /proc) and by the client.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadlib import (  # noqa: E402
    Server,
    clear_floor,
    cpu_by_process,
    free_port,
    payloads,
    prepare,
    run,
    settled,
    stored_ids,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/manyidu_load"


def phase(name: str, env: dict, settings: str, jobs, args, table: str) -> dict:
    server = Server(env, settings, free_port(), args.workers)
    server.start()
    try:
        settled(server)
        cpu_before = cpu_by_process(server)
        outcome = asyncio.run(
            run(server.port, jobs, concurrency=args.concurrency, deadline_seconds=args.deadline)
        )
        cpu_after = cpu_by_process(server)  # before the workers stop and take their times with them
    finally:
        server.stop()
    stored = stored_ids(args.database, table)
    cpu = {key: cpu_after[key] - cpu_before[key] for key in cpu_after}
    return {"name": name, "outcome": outcome, "stored": stored, "cpu": cpu}


def report(result: dict, unique: set[str], retries: int) -> bool:
    outcome = result["outcome"]
    throughput = outcome.requests / outcome.seconds
    ok = (
        set(outcome.statuses) <= {200, 201}
        and outcome.errors == 0
        and outcome.statuses.get(201, 0) == len(unique)
        and outcome.statuses.get(200, 0) == retries
        and result["stored"] == unique
    )
    print(
        f"{result['name']:12} {outcome.requests:6d} requests in {outcome.seconds:6.1f} s = {throughput:6.1f}/s  "
        f"p50 {outcome.percentile(0.5) * 1000:6.1f} ms  p99 {outcome.percentile(0.99) * 1000:6.1f} ms  "
        f"answers {dict(sorted(outcome.statuses.items()))}  errors {outcome.errors}  "
        f"stored {len(result['stored'])}/{len(unique)} unique  {'OK' if ok else 'FAILED'}"
    )
    per_request = {key: seconds / outcome.requests * 1000 for key, seconds in result["cpu"].items()}
    print(
        f"{'':12} CPU per request: "
        + ", ".join(f"{key} {ms:.2f} ms" for key, ms in per_request.items())
        + f"; all {sum(per_request.values()):.2f} ms"
    )
    result["throughput"] = throughput
    return ok


def one_round(env: dict, jobs, unique: set[str], retries: int, args) -> tuple[float, float | None, bool]:
    """A fresh database, then the floor, the floor with round trips (if asked) and the endpoint,
    one after the other on the same payloads: (submission / floor, round trips / floor, all OK)."""
    prepare(args.database, env)
    if not args.no_redis:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    floor = phase("floor", env, "bench.floor_site", jobs, args, "bench_floor_row")
    floor_ok = report(floor, unique, retries)
    trip_ratio = None
    if args.round_trips:
        clear_floor(args.database)
        trips_env = {**env, "FLOOR_ROUND_TRIPS": args.round_trips}
        trips = phase("round trips", trips_env, "bench.floor_round_trips", jobs, args, "bench_floor_row")
        floor_ok = report(trips, unique, retries) and floor_ok
        trip_ratio = trips["throughput"] / floor["throughput"]
        print(f"floor with round trips ({args.round_trips}) / floor = {trip_ratio:.0%}")
    submit = phase("submission", env, "bench.load_settings", jobs, args, "surveys_response")
    submit_ok = report(submit, unique, retries)
    ratio = submit["throughput"] / floor["throughput"]
    print(f"submission / floor = {ratio:.0%} (target ≥ 70%)")
    return ratio, trip_ratio, floor_ok and submit_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--retries", type=int, default=None, help="default: 10%% of --responses")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--no-redis", action="store_true", help="the database cache instead of Redis")
    parser.add_argument("--deadline", type=float, default=900, help="seconds per phase, at most")
    parser.add_argument(
        "--round-trips",
        nargs="?",
        const="redis,invitation,cell",
        metavar="LIST",
        help="also run the floor with a submission's round trips: redis, invitation, cell (default all; "
        "bench/floor_round_trips.py)",
    )
    parser.add_argument(
        "--devices",
        action="store_true",
        help="each response with its phone's device marker, as the questionnaire page sends it",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat the phases this many times, each on a fresh database, and report the ratios' "
        "median and range (the machine's speed drifts between runs)",
    )
    args = parser.parse_args()
    retries = args.responses // 10 if args.retries is None else args.retries
    jobs, unique = payloads(args.responses, retries, devices=args.devices)

    with tempfile.TemporaryDirectory() as tmp:
        env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE",)}
        env.update(DATABASE_URL=args.database, SURVEY_DATA_DIR=tmp, DEBUG="0", LOG_LEVEL="ERROR")
        if args.no_redis:
            env.pop("REDIS_URL", None)
        else:
            env["REDIS_URL"] = env.get("REDIS_URL", "redis://127.0.0.1:6379/14")
        print(
            f"{args.responses} responses + {retries} retries, concurrency {args.concurrency}, "
            f"gunicorn {args.workers} sync workers, PostgreSQL, cache: {'database' if args.no_redis else 'Redis'}"
            + (", a device marker per response" if args.devices else "")
            + (f", {args.rounds} rounds" if args.rounds > 1 else "")
        )
        ratios, trip_ratios, all_ok = [], [], True
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"-- round {number}")
            ratio, trip_ratio, ok = one_round(env, jobs, unique, retries, args)
            ratios.append(ratio)
            trip_ratios.append(trip_ratio)
            all_ok = all_ok and ok
        if args.rounds > 1:
            print(
                f"submission / floor over {args.rounds} rounds: median {statistics.median(ratios):.0%}, "
                f"range {min(ratios):.0%}–{max(ratios):.0%} (target ≥ 70%)"
            )
            if args.round_trips:
                print(
                    f"floor with round trips / floor: median {statistics.median(trip_ratios):.0%}, "
                    f"range {min(trip_ratios):.0%}–{max(trip_ratios):.0%}"
                )
    if not all_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
