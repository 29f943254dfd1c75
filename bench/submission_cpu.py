"""Where a submission's CPU goes: the floor view and POST /api/v1/responses/ called in-process.

    .venv/bin/python bench/submission_cpu.py [--requests 2000]

The load benchmark (bench/load_submit.py) gives throughput, but not what the server spends its
time on. Here the WSGI application itself (every middleware included) is called with the load
benchmark's payloads (10 % of them sent again), in one process, without HTTP: CPU time per
request (`time.process_time`) for the floor view and for the submission endpoint, and for the
endpoint the CPU time inside each of its steps. A fresh database (manyidu_profile on
127.0.0.1:5432) with the fixture survey; Redis at 127.0.0.1:6379/14 as the cache.
"""

import argparse
import functools
import importlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/manyidu_profile"
WARM_UP = 50

# (module, attribute, label): the submission endpoint's steps, timed where the view calls them.
STEPS = [
    ("surveys.api.submission", "payload_read", "input check (payload_read)"),
    ("surveys.api.submission", "submission_allowed", "rate limits (Redis)"),
    ("surveys.api.submission", "submission_store", "submission_store (all of it)"),
    ("surveys.services.submission", "response_flags_compute", "  quality flags (no query)"),
    ("surveys.services.submission", "response_insert_checked", "  the checked INSERT (1 statement)"),
    ("surveys.services.submission", "_stored", "  reading back a retried response"),
    ("surveys.services.submission", "submission_invitation", "  the careful way: invitation read"),
    ("surveys.services.submission", "response_submit", "  the careful way: response_submit"),
]


def _timed(function, label: str, spent: dict):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - started

    return wrapper


def child(settings: str, requests: int) -> None:
    """Run in a process of its own: settings differ between the floor and the site."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    spent: dict[str, float] = {}
    if settings != "bench.floor_site":
        for module_name, attribute, label in STEPS:
            module = importlib.import_module(module_name)
            setattr(module, attribute, _timed(getattr(module, attribute), label, spent))
        from rest_framework import serializers
        from rest_framework.views import APIView

        from surveys.api.submission import ResponseSubmitApi

        serializers.Serializer.is_valid = _timed(serializers.Serializer.is_valid, "input serializer", spent)
        APIView.dispatch = _timed(APIView.dispatch, "DRF dispatch (all of it)", spent)
        ResponseSubmitApi.post = _timed(ResponseSubmitApi.post, "  the view's post()", spent)

    from bench.loadlib import PATH, payloads

    jobs, _unique = payloads(requests + WARM_UP, (requests + WARM_UP) // 10, seed=int(time.time()))
    statuses: dict[str, int] = {}

    def call(body: bytes) -> str:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": PATH, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        }  # fmt: skip
        status = []
        result = application(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(result)
        result.close()
        return status[0][:3]

    for _rid, body in jobs[:WARM_UP]:
        call(body)
    spent.clear()
    started = time.process_time()
    for _rid, body in jobs[WARM_UP:]:
        answer = call(body)
        statuses[answer] = statuses.get(answer, 0) + 1
    count = len(jobs) - WARM_UP
    total = time.process_time() - started
    print(
        json.dumps(
            {"total": total / count, "steps": {k: v / count for k, v in spent.items()}, "statuses": statuses}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests)
        return

    from bench.loadlib import prepare

    with tempfile.TemporaryDirectory() as tmp:
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DATABASE_URL=args.database,
            SURVEY_DATA_DIR=tmp,
            DEBUG="0",
            LOG_LEVEL="ERROR",
            REDIS_URL=env.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        )
        prepare(args.database, env)
        results = {}
        for name, settings in [("floor", "bench.floor_site"), ("submission", "bench.load_settings")]:
            finished = subprocess.run(
                [sys.executable, __file__, "--child", settings, "--requests", str(args.requests)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            results[name] = json.loads(finished.stdout.strip().splitlines()[-1])
    for name, result in results.items():
        print(f"{name:12} {result['total'] * 1000:5.2f} ms CPU per request  answers {result['statuses']}")
        for label, seconds in sorted(result["steps"].items(), key=lambda kv: -kv[1]):
            print(f"    {label:36} {seconds * 1000:5.2f} ms")
    print(f"submission / floor CPU = {results['submission']['total'] / results['floor']['total']:.1f}×")


if __name__ == "__main__":
    main()
