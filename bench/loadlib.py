"""Shared by bench/load_submit.py and bench/crash_submit.py: a fresh PostgreSQL database, gunicorn
started and stopped (or killed), the daligang-2020 payloads, and a small asyncio HTTP client.

Only 127.0.0.1. Every loop is bounded in count and in time.
"""

import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "daligang-2020.json"
SLUG = "daligang-2020"
PATH = "/api/v1/responses/"


# --- the database --------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    """Drop and create the database of `url` (a scratch database: never point this at real data)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("manyidu_"):
        sys.exit(f"refusing to drop {name!r}: scratch databases are named manyidu_*")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    """`manage.py ARGS` in `env`; what it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return done.stdout


def prepare(url: str, env: dict) -> None:
    """A fresh database with the fixture survey, and the floor's table."""
    import psycopg

    from bench.floor_site import CREATE_TABLE

    fresh_database(url)
    manage(env, "migrate", "-v0")
    manage(env, "loaddata", SLUG)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(CREATE_TABLE)


def clear_floor(url: str) -> None:
    """Empty the floor's table, for another floor phase on the same payloads."""
    import psycopg

    from bench.floor_site import TABLE

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {TABLE}")


def stored_ids(url: str, table: str = "surveys_response") -> set[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        return {str(row[0]) for row in connection.execute(f"SELECT id FROM {table}")}


# --- gunicorn ------------------------------------------------------------------------------------


class Server:
    """gunicorn in a process group of its own, so that kill -9 reaches the master and every worker."""

    def __init__(self, env: dict, settings: str, port: int, workers: int):
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings}
        self.port = port
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "survey_site.wsgi",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--backlog", "2048", "--timeout", "60",
            "--log-level", "warning",
        ]  # fmt: skip
        log = open(ROOT / "var" / f"gunicorn-{self.port}.log", "ab")  # noqa: SIM115 (kept open by the child)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}; see var/gunicorn-{self.port}.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        sys.exit("gunicorn did not start within a minute")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def kill9(self) -> None:
        """kill -9 the master and all its workers at once (their process group is the master's pid)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


# --- CPU by process, from /proc (Linux) ----------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """user + system CPU time so far of a process and of its children that have ended (0 for a
    process that is gone): PostgreSQL's server ends a connection's process when the connection
    closes, and its time then shows up in the parent's."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


def _command(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_by_process(server: "Server") -> dict[str, float]:
    """CPU seconds so far of the server's workers (its process group), of PostgreSQL's and Redis's
    server processes on this machine, and of this process (the load client)."""
    totals = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            group = os.getpgid(pid)
        except OSError:
            continue
        if server.process is not None and group == server.process.pid:
            totals["gunicorn"] += _cpu_seconds(pid)
        else:
            command = _command(entry)
            if command.startswith("postgres") or "/postgres" in command.split(" ", 1)[0]:
                totals["postgres"] += _cpu_seconds(pid)
            elif command.startswith(("redis-server", "/usr/bin/redis-server")):
                totals["redis"] += _cpu_seconds(pid)
    own = os.times()
    totals["client"] = own.user + own.system
    return totals


def settled(server: "Server", seconds: float = 1.0, timeout: float = 60) -> None:
    """Wait until every worker has started and loaded the application (its CPU time stops
    growing), so that start-up is not counted against the requests."""
    deadline = time.monotonic() + timeout
    before = -1.0
    while time.monotonic() < deadline:
        now = cpu_by_process(server)["gunicorn"]
        if now == before:
            return
        before = now
        time.sleep(seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what the phones send ------------------------------------------------------------------------


def _fixture():
    objects = json.loads(FIXTURE.read_text())
    by_model: dict[str, list[dict]] = {}
    for obj in objects:
        by_model.setdefault(obj["model"], []).append(obj["fields"])
    groups = {g["code"]: g["by_village"] for g in by_model["surveys.group"]}
    invitations = [
        (i["token"], groups[i["group"][0]]) for i in by_model["surveys.invitation"] if i["is_active"]
    ]
    items = [i["code"] for i in by_model["surveys.item"]]
    options = [o["code"] for o in by_model["surveys.option"]]
    bands = [a["code"] for a in by_model["surveys.ageband"]]
    return invitations, items, options, bands


def payloads(
    count: int, retries: int, seed: int = 2020, *, devices: bool = False
) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(response id, request body) in sending order: `count` responses, and `retries` of them sent
    again (same id, same content) somewhere after the first time; and the set of unique ids.
    `devices`: each response carries its own phone's random marker, as the questionnaire page
    sends it (so the one-phone-one-response check runs on every submission)."""
    rng = random.Random(seed)
    invitations, items, options, bands = _fixture()
    bodies = []
    for _ in range(count):
        token, by_village = rng.choice(invitations)
        response_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        body = {
            "response_id": response_id,
            "invitation": token,
            "age_band": rng.choice(bands) if by_village else None,
            "answers": {item: rng.choice(options) for item in items},
            "submitted_at": "2020-11-03T10:15:00+08:00",
        }
        if devices:
            body["device"] = f"{rng.getrandbits(128):032x}"
        bodies.append((response_id, json.dumps(body).encode()))
    order = [(float(n), n) for n in range(count)]
    for n in rng.sample(range(count), retries):
        order.append((rng.uniform(n + 0.5, count + 50), n))  # shortly or long after the first send
    order.sort()
    return [bodies[n] for _, n in order], {rid for rid, _ in bodies}


# --- the client ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # connection refused, reset, timed out
    acknowledged: set[str] = field(default_factory=set)
    seconds: float = 0.0

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, q: float) -> float:
        return (
            statistics.quantiles(self.latencies, n=1000)[int(q * 1000) - 1]
            if len(self.latencies) > 1
            else 0.0
        )

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


async def post(port: int, body: bytes, timeout: float) -> int:
    """One POST over a fresh connection (gunicorn's sync workers close it after each answer)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        writer.write(head + body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    if not answer.startswith(b"HTTP/1."):
        raise ConnectionError("no HTTP answer")
    return int(answer.split(b" ", 2)[1])


async def run(
    port: int,
    jobs: list[tuple[str, bytes]],
    *,
    concurrency: int,
    retry_errors: bool = False,
    deadline_seconds: float = 600,
    timeout: float = 30,
    outcome: Outcome | None = None,
) -> Outcome:
    """Send every job; with retry_errors, a job whose connection failed is sent again (like a
    phone's queue) until it is answered, with a short back-off, within the deadline."""
    outcome = outcome if outcome is not None else Outcome()
    queue = iter(jobs)
    deadline = time.monotonic() + deadline_seconds
    start = time.perf_counter()

    async def worker():
        for response_id, body in queue:
            for attempt in range(10_000):
                if time.monotonic() > deadline:
                    raise TimeoutError("the run went past its deadline")
                sent = time.perf_counter()
                try:
                    status = await post(port, body, timeout)
                except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                    outcome.errors += 1
                    if not retry_errors:
                        break
                    await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
                    continue
                outcome.count(status)
                if status in (200, 201):
                    outcome.latencies.append(time.perf_counter() - sent)
                    outcome.acknowledged.add(response_id)
                    break
                if not retry_errors or status < 500:
                    break
                await asyncio.sleep(0.05)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    outcome.seconds = time.perf_counter() - start
    return outcome
