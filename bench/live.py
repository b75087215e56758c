"""`make bench-live`: how fast a batch commit reaches pages over the live stream.

Starts its own stack (the Procfile's web line: gunicorn with uvicorn workers, and one Celery
worker) on its own port, database and Redis database; opens CLIENTS Server-Sent Events streams
(each with its own one-use ticket), imports a file, and measures for every event each client
receives the time from the batch commit to its arrival. The worker stamps each event
(``published_at``) right after the commit, once it has read the job's counters back by key, so
the figure is commit -> read -> PUBLISH -> web process -> client. Then the same import runs with
live updates off and with nobody listening, to show what publishing costs the import.

Environment:
  CLIENTS=50  ROWS=200000  BATCH=2000  RATE_ROWS=1000000  RATE_RUNS=3
  BENCH_PORT=8792  BENCH_DB=intake_bench_live  BENCH_REDIS=redis://127.0.0.1:6379/8
  BENCH_PG=postgres://postgres@127.0.0.1:5432  BENCH_NO_DOCS=1 (do not rewrite docs/benchmarks.md)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import clean_write

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "output"
DATA = ROOT / "bench" / "data"
DOCS = ROOT / "docs" / "benchmarks.md"

CLIENTS = int(os.environ.get("CLIENTS", "50"))
ROWS = int(os.environ.get("ROWS", "200000"))
BATCH = int(os.environ.get("BATCH", "2000"))
RATE_ROWS = int(os.environ.get("RATE_ROWS", "1000000"))
RATE_RUNS = int(os.environ.get("RATE_RUNS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8792"))
DB = os.environ.get("BENCH_DB", "intake_bench_live")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/8")
BASE = f"http://127.0.0.1:{PORT}"


def stack_env(live: bool) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "CELERY_BROKER_URL": REDIS,
        "LIVE_REDIS_URL": "" if live else "off",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "INTAKE_VAR_DIR": str(OUT / "live-var"),
        "INTAKE_UPLOAD_DIR": str(OUT / "live-var" / "uploads"),
        "IMPORT_BATCH_SIZE": str(BATCH),
        "THROTTLE_READ_RATE": "",
        "THROTTLE_UPLOAD_RATE": "",
        "PORT": str(PORT),
    }


def log(message: str) -> None:
    print(f"[bench-live {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Stack:
    def __init__(self, live: bool) -> None:
        self.env = stack_env(live)
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        procfile = dict(
            line.split(": ", 1)
            for line in (BACKEND / "Procfile").read_text().splitlines()
            if ": " in line
        )
        OUT.mkdir(parents=True, exist_ok=True)
        for name, command in (
            ("web", procfile["web"].replace("$PORT", str(PORT))),
            (
                "worker",
                f"{BIN}/celery -A config worker -Q imports --concurrency 1 --prefetch-multiplier 1 -n bench-live@%h",
            ),
        ):
            logfile = open(OUT / f"live-{name}.log", "ab")  # noqa: SIM115
            proc = subprocess.Popen(
                command.replace("../.venv/bin/", f"{BIN}/").split(),
                cwd=BACKEND,
                env=self.env,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{BASE}/api/health/", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the web process never answered")
        time.sleep(3)  # the worker's start

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def call(
    method: str,
    path: str,
    key: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    request = urllib.request.Request(
        f"{BASE}{path}",
        data=data,
        method=method,
        headers={"X-API-KEY": key, **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read() or b"null")


def upload(key: str, path: Path) -> str:
    boundary = "benchlive0123456789"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\nbooks\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    job = call(
        "POST",
        "/api/imports/",
        key,
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    return str(job["id"])


def wait_final(key: str, job_id: str) -> dict[str, Any]:
    while True:
        job = call("GET", f"/api/imports/{job_id}/", key)
        if job["status"] in ("completed", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.2)


async def sse_client(
    url: str,
    latencies: list[float],
    done: asyncio.Event,
    ready: asyncio.Event,
    counts: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(
        f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    name = ""
    received = 0
    try:
        while not done.is_set():
            line = await asyncio.wait_for(reader.readline(), timeout=120)
            if not line:
                break
            text = line.decode().strip()
            if text.startswith("event:"):
                name = text[6:].strip()
            elif text.startswith("data:") and name == "ready":
                ready.set()
                counts[0] += 1
            elif text.startswith("data:") and name == "job":
                arrived = time.time()
                job = json.loads(text[5:])["job"]
                latencies.append(arrived - job["published_at"])
                received += 1
                if job["status"] in ("completed", "failed", "cancelled"):
                    break
    finally:
        counts[1] += received
        writer.close()


async def measure(
    key: str, path: Path, clients: int
) -> tuple[list[float], int, dict[str, Any]]:
    latencies: list[float] = []
    done = asyncio.Event()
    counts = [0, 0]
    readies = []
    tasks = []
    for _ in range(clients):
        ticket = await asyncio.to_thread(call, "POST", "/api/live/ticket/", key)
        ready = asyncio.Event()
        readies.append(ready)
        tasks.append(
            asyncio.create_task(
                sse_client(ticket["url"], latencies, done, ready, counts)
            )
        )
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=30)
    log(f"{counts[0]} streams open; importing {path.name} in batches of {BATCH}")
    job_id = await asyncio.to_thread(upload, key, path)
    job = await asyncio.to_thread(wait_final, key, job_id)
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
    done.set()
    return latencies, counts[1], job


def rate(job: dict[str, Any]) -> float:
    started = dt.datetime.fromisoformat(job["started_at"])
    finished = dt.datetime.fromisoformat(job["finished_at"])
    return job["processed_rows"] / max((finished - started).total_seconds(), 1e-9)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def fresh_database(live: bool) -> str:
    subprocess.run(
        [
            "psql",
            f"{PG}/postgres",
            "-qc",
            f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)',
        ],
        check=True,
    )
    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{DB}"'], check=True
    )
    subprocess.run(
        ["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True
    )
    env = stack_env(live)
    subprocess.run(
        [str(BIN / "python"), "manage.py", "migrate", "-v", "0"],
        cwd=BACKEND,
        env=env,
        check=True,
    )
    made = subprocess.run(
        [
            str(BIN / "python"),
            "manage.py",
            "create_api_key",
            "--workspace",
            "bench",
            "--name",
            "bench-live",
        ],
        cwd=BACKEND,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip().splitlines()[-1]


CPU: dict[str, list[float]] = {}
CPU_MEDIANS: dict[str, dict[str, float]] = {}


def _cpu_seconds(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            for one in [proc, *proc.children(recursive=True)]:
                times = one.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def run_once(
    live: bool, clients: int, path: Path
) -> tuple[list[float], int, dict[str, Any]]:
    """One import on a fresh stack; records the CPU seconds of web, worker and clients meanwhile."""
    key = fresh_database(live)
    stack = Stack(live)
    stack.start()
    web, worker = (psutil.Process(p.pid) for p in stack.procs)
    me = psutil.Process()
    before = (_cpu_seconds([web]), _cpu_seconds([worker]), _cpu_seconds([me]))
    try:
        if clients:
            result = asyncio.run(measure(key, path, clients))
        else:
            result = [], 0, wait_final(key, upload(key, path))
        after = (_cpu_seconds([web]), _cpu_seconds([worker]), _cpu_seconds([me]))
        label = f"{'on' if live else 'off'}/{clients}"
        for name, b, a in zip(("web", "worker", "clients"), before, after, strict=True):
            CPU.setdefault(f"{label}/{name}", []).append(a - b)
        return result
    finally:
        stack.stop()


def data_file(rows: int) -> Path:
    path = DATA / f"books_live_{rows}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        clean_write(path, rows)
    return path


def main() -> int:
    latencies, received, _ = run_once(live=True, clients=CLIENTS, path=data_file(ROWS))
    batches = -(-ROWS // BATCH)
    # When a worker takes the job, after each batch, and at its end.
    expected = CLIENTS * (batches + 2)
    p50, p95 = percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000
    log(
        f"{received} of {expected} events; p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    big = data_file(RATE_ROWS)
    modes = {
        "live off": (False, 0),
        "live on, nobody watching": (True, 0),
        f"live on, {CLIENTS} clients": (True, CLIENTS),
    }
    rates: dict[str, float] = {}
    for label, (live, clients) in modes.items():
        runs = [
            rate(run_once(live=live, clients=clients, path=big)[2])
            for _ in range(RATE_RUNS)
        ]
        rates[label] = statistics.median(runs)
        key = f"{'on' if live else 'off'}/{clients}"
        cpu = {
            name: statistics.median(CPU[f"{key}/{name}"])
            for name in ("web", "worker", "clients")
        }
        CPU_MEDIANS[label] = cpu
        log(
            f"import rate, {label}: median {rates[label]:,.0f} rows/s of {', '.join(f'{r:,.0f}' for r in runs)}; "
            f"CPU s: web {cpu['web']:.1f}, worker {cpu['worker']:.1f}, clients {cpu['clients']:.1f}"
        )
    if os.environ.get("BENCH_NO_DOCS") != "1":
        docs_write(latencies, received, expected, rates)
    return 0


def docs_write(
    latencies: list[float], received: int, expected: int, rates: dict[str, float]
) -> None:
    ms = [v * 1000 for v in latencies]
    rows = "\n".join(
        f"| {label} | {rates[label]:,.0f} | {cpu['web']:.1f} | {cpu['worker']:.1f} | {cpu['clients']:.1f} |"
        for label, cpu in CPU_MEDIANS.items()
    )
    section = f"""## Live updates: batch commit to page

`make bench-live` (bench/live.py), measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on the machine above
(Python {platform.python_version()}): {CLIENTS} Server-Sent Events clients on one stack (the Procfile's web line,
gunicorn with 2 uvicorn workers, and one Celery worker), each with its own ticket, while {ROWS:,} rows are
imported in batches of {BATCH:,} into an empty table. Time from the worker's stamp right after each batch
commit (and the read of the job's counters) to the event's arrival at each client:

| clients | events received | p50 | p95 | max |
|---:|---:|---:|---:|---:|
| {CLIENTS} | {received:,} of {expected:,} | {percentile(ms, 50):.1f} ms | {percentile(ms, 95):.1f} ms | {max(ms):.1f} ms |

What publishing costs the import: {RATE_ROWS:,} rows into an empty table, the median of {RATE_RUNS} runs each
(worker time, `started_at` to `finished_at`), with the CPU seconds the web processes, the worker (with its
reader process) and the bench's own clients used meanwhile:

| live updates | rows/s | web CPU s | worker CPU s | clients CPU s |
|---|---:|---:|---:|---:|
{rows}

The 2 cores also run the clients here; in use they are browsers on other machines. Load average when it
ended: {" / ".join(f"{x:.1f}" for x in os.getloadavg())} on {os.cpu_count()} cores (other work ran on the machine, so runs spread).
"""
    text = DOCS.read_text()
    marker = "## Live updates: batch commit to page"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[end:] if end != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    DOCS.write_text(text)
    log(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
