"""Crash: kill -9 gunicorn (master and workers) in the middle of a submission load, start it again,
and check that nothing acknowledged was lost and that the phones' retries stored the rest once.

    .venv/bin/python bench/crash_submit.py [--responses 5000] [--kills 2] [--concurrency 32]

A fresh database (manyidu_crash on 127.0.0.1:5432) with the fixture survey; the client sends
the responses (10% of them twice) and, like respond.js, sends a request again whenever its
connection fails or is cut, with a short back-off, until it is answered. When a third (and,
with --kills 2, two thirds) of the responses have been acknowledged, the whole server process
group gets SIGKILL and is started again on the same port. At the end: every acknowledged id is
stored, the stored ids are exactly the unique ids sent, and every answer was 200 or 201.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadlib import Outcome, Server, free_port, payloads, prepare, run, stored_ids  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/manyidu_crash"


async def crash_when(server: Server, outcome: Outcome, thresholds: list[int], log: list[str]) -> None:
    for threshold in thresholds:
        for _ in range(36_000):  # at most an hour of 0.1 s naps
            if len(outcome.acknowledged) >= threshold:
                break
            await asyncio.sleep(0.1)
        acknowledged = len(outcome.acknowledged)
        await asyncio.to_thread(server.kill9)
        killed = time.perf_counter()
        await asyncio.sleep(1.0)
        await asyncio.to_thread(server.start)
        log.append(
            f"kill -9 after {acknowledged} acknowledged; serving again {time.perf_counter() - killed:.1f} s later"
        )


async def load(server: Server, jobs, args, thresholds: list[int], log: list[str]) -> Outcome:
    outcome = Outcome()
    crasher = asyncio.create_task(crash_when(server, outcome, thresholds, log))
    await run(
        server.port,
        jobs,
        concurrency=args.concurrency,
        retry_errors=True,
        deadline_seconds=args.deadline,
        timeout=10,
        outcome=outcome,
    )
    await crasher
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--deadline", type=float, default=1200, help="seconds, at most")
    args = parser.parse_args()
    retries = args.responses // 10
    jobs, unique = payloads(args.responses, retries, seed=4711)
    thresholds = [args.responses * (k + 1) // (args.kills + 1) for k in range(args.kills)]

    with tempfile.TemporaryDirectory() as tmp:
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        env.update(DATABASE_URL=args.database, SURVEY_DATA_DIR=tmp, DEBUG="0", LOG_LEVEL="ERROR")
        env["REDIS_URL"] = env.get("REDIS_URL", "redis://127.0.0.1:6379/14")
        prepare(args.database, env)
        server = Server(env, "bench.load_settings", free_port(), args.workers)
        server.start()
        log: list[str] = []
        try:
            outcome = asyncio.run(load(server, jobs, args, thresholds, log))
        finally:
            server.stop()
        stored = stored_ids(args.database)

    lost = outcome.acknowledged - stored
    checks = {
        "every acknowledged response is stored": not lost,
        "stored = unique sent": stored == unique,
        "only 200 and 201 answers": set(outcome.statuses) <= {200, 201},
    }
    print(
        f"{args.responses} responses + {retries} retries, concurrency {args.concurrency}, {args.kills} × kill -9"
    )
    for line in log:
        print("  " + line)
    print(
        f"  {outcome.requests} answers {dict(sorted(outcome.statuses.items()))}, {outcome.errors} cut or refused "
        f"connections (sent again), {outcome.seconds:.1f} s"
    )
    print(
        f"  acknowledged {len(outcome.acknowledged)}, stored {len(stored)}, unique sent {len(unique)}, lost {len(lost)}"
    )
    for name, ok in checks.items():
        print(f"  {name:40} {'yes' if ok else 'NO'}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
