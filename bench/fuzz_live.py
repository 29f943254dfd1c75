"""Schemathesis's command line, with every check it has, against the service as it is deployed:
gunicorn (two workers) on a fresh copy of the demo (SQLite in a temporary folder, the 2020 survey
with its 400 synthetic responses), signed in with an evaluator's API token or a logged-in
session. Survey slugs in paths are the demo's, so that the requests reach past the 404.

    .venv/bin/python bench/fuzz_live.py                       # the token, 300 s
    .venv/bin/python bench/fuzz_live.py --auth session --max-time 200
    .venv/bin/python bench/fuzz_live.py -- --exclude-checks ignored_auth   # more schemathesis options

tests/security/test_api_fuzz.py runs in CI: in-process, the two checks of issue 9 (no 5xx, no
answer off its schema). This looks further — does the service take what its schema allows and
refuse what it does not, does it enforce the sign-in it declares — over real HTTP. It prints
schemathesis's report and exits with its status. Figures in BENCHMARKS.md (Hardening, fuzzing).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loadlib import SLUG, Server, free_port, manage  # noqa: E402

PASSWORD = "manyidu-demo-2020"  # the demo's published password (manage.py demo)


def _token(env: dict) -> str:
    """The evaluator's API token, as /evaluate/token/ makes it."""
    out = manage(env, "drf_create_token", "evaluator")  # "Generated token KEY for user evaluator"
    return out.split()[2]


def _session(base: str) -> tuple[str, str]:
    """(sessionid, csrftoken) of the demo evaluator, signed in through the login form."""
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=30)
    csrf = browser.cookies["csrftoken"]
    signed = browser.post(
        f"{base}/accounts/login/",
        data={"username": "evaluator", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "sessionid" not in browser.cookies:
        sys.exit(f"could not sign in as the demo evaluator (HTTP {signed.status_code})")
    return browser.cookies["sessionid"], browser.cookies["csrftoken"]


def _config(auth: str, base: str, env: dict) -> str:
    if auth == "token":
        headers = f'headers = {{ Authorization = "Token {_token(env)}" }}'
    else:
        session, csrf = _session(base)
        headers = (
            f'headers = {{ Cookie = "sessionid={session}; csrftoken={csrf}", '
            f'X-CSRFToken = "{csrf}", Referer = "{base}/" }}'
        )
    return f'{headers}\n\n[parameters]\nslug = "{SLUG}"\nother = "{SLUG}"\n'


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--auth", choices=["token", "session"], default="token")
    parser.add_argument("--max-time", type=int, default=300, help="seconds of fuzzing (default 300)")
    parser.add_argument("extra", nargs="*", help="after --: more options for `schemathesis run`")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="manyidu-fuzz-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SURVEY_DATA_DIR": str(folder),
        "DEBUG": "0",
    }
    env.pop("REDIS_URL", None)  # the database cache, as `make run`
    print(f"demo database in {folder} …", flush=True)
    manage(env, "demo")
    manage(env, "collectstatic", "--noinput", "-v0")  # the login page needs it, as in production
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The load scripts' settings: the site's own with the submission rate limits raised, which a
    # fuzzer posting thousands of answer sheets from one address would otherwise meet.
    server = Server(env, "bench.load_settings", port, workers=2)
    server.start()
    try:
        config = folder / "schemathesis.toml"
        config.write_text(_config(args.auth, base, env))
        command = [
            str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config),
            "run", f"{base}/api/v1/schema/", "--checks", "all",
            "--max-time", str(args.max_time), "--workers", "2", *args.extra,
        ]  # fmt: skip
        print(f"schemathesis against {base} ({args.auth}), {args.max_time} s", flush=True)
        status = subprocess.run(command, cwd=folder).returncode
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
