"""`make bench`: Intake's import against the limit, a bare `psql \\copy` of the same file.

Starts its own stack (gunicorn + one Celery worker, as backend/Procfile does) on its own port,
database and Redis database, measures, prints a table, writes docs/benchmarks.md, and stops
everything it started however it ends.

Environment:
  ROWS=100000,1000000   file sizes (ROWS=10000000 for the large run)
  RUNS=3                repeats per measurement (median reported)
  BENCH_QUICK=1         100 000 rows, one run, no pollers: a quick look while profiling
  BENCH_PORT=8790  BENCH_DB=intake_bench  BENCH_REDIS=redis://127.0.0.1:6379/10
  BENCH_PG=postgres://postgres@127.0.0.1:5432  BENCH_POLLERS=20  BENCH_POLL_INTERVAL=0.2
  BENCH_NO_DOCS=1       do not rewrite docs/benchmarks.md
  BENCH_S3_PORT=8791    the local S3 server (moto) of the S3 run; BENCH_NO_S3=1 skips that run
  BENCH_ONLY=clean,errors  only these imports (clean, update, half, changed, errors, pickup; the
                        clean import always runs): the 10M run in reasonable time

After the filesystem runs, the same stack runs again with IMPORT_STORAGE=s3 against an S3 API on
localhost (moto's server, from the dev requirements), and imports the clean file of every size:
the S3 row sits beside the filesystem one in the table.
"""

from __future__ import annotations

import atexit
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import files_ensure

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "output"
DATA = ROOT / "bench" / "data"

QUICK = os.environ.get("BENCH_QUICK") == "1"
SCENARIOS = ("clean", "update", "half", "changed", "errors", "pickup")
ONLY = {"clean", *filter(None, os.environ.get("BENCH_ONLY", ",".join(SCENARIOS)).split(","))}
if ONLY - set(SCENARIOS):
    raise SystemExit(f"BENCH_ONLY: unknown {sorted(ONLY - set(SCENARIOS))}; choose from {SCENARIOS}")
SIZES = [
    int(s)
    for s in os.environ.get("ROWS", "100000" if QUICK else "100000,1000000").split(",")
    if s.strip()
]
RUNS = int(os.environ.get("RUNS", "1" if QUICK else "3"))
PORT = int(os.environ.get("BENCH_PORT", "8790"))
DB = os.environ.get("BENCH_DB", "intake_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/10")
POLLERS = int(os.environ.get("BENCH_POLLERS", "0" if QUICK else "20"))
POLL_INTERVAL = float(os.environ.get("BENCH_POLL_INTERVAL", "0.2"))
WORKSPACE = "bench"

STACK_ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG}/{DB}",
    "CELERY_BROKER_URL": REDIS,
    "DJANGO_SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
    "DJANGO_DEBUG": "false",
    "DJANGO_HTTPS": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
    "INTAKE_VAR_DIR": str(OUT / "var"),
    "INTAKE_UPLOAD_DIR": str(OUT / "var" / "uploads"),
    # Every bad row of the error-heavy file is stored, so the bench can check each one.
    "IMPORT_MAX_STORED_ERRORS": "100000000",
    # The status pollers of one API key read far more often than a person would.
    "THROTTLE_READ_RATE": "",
    "PORT": str(PORT),
}

S3_PORT = int(os.environ.get("BENCH_S3_PORT", "8791"))
S3_ENV = {
    **STACK_ENV,
    "IMPORT_STORAGE": "s3",
    "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
    "S3_REGION": "us-east-1",
    "S3_BUCKET": "intake-bench",
    "S3_QUARANTINE_BUCKET": "intake-bench-quarantine",
    "S3_ACCESS_KEY_ID": "bench",
    "S3_SECRET_ACCESS_KEY": "bench-secret",
}
NO_S3 = os.environ.get("BENCH_NO_S3") == "1"
S3_LABEL = "Intake, empty table, files in S3 (moto's server on localhost)"

_started: list[subprocess.Popen[bytes]] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes -------------------------------------------------------------------------------


def stop_all() -> None:
    while _started:
        proc = _started.pop()
        if proc.poll() is not None:
            continue
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _on_signal(signum: int, _frame: Any) -> None:
    stop_all()
    sys.exit(128 + signum)


def start(name: str, argv: list[str], env: dict[str, str] = STACK_ENV) -> subprocess.Popen[bytes]:
    logfile = open(OUT / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
    proc = subprocess.Popen(
        argv,
        cwd=BACKEND,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _started.append(proc)
    return proc


def manage(*args: str, env: dict[str, str] = STACK_ENV) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def psql(sql: str, db: str = DB) -> str:
    result = subprocess.run(
        ["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def _pss(pid: int) -> int:
    """Proportional set size: each shared page counted once across the processes sharing it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> tuple[int, int, int]:
    """(largest single process RSS, whole tree RSS, whole tree PSS) in bytes.

    The worker's pool process and the reader child are forks: their RSS counts again the pages
    they share with their parent, so the RSS sum overstates what the tree holds; the PSS sum
    does not."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, 0
    sizes, shares = [], []
    for p in procs:
        try:
            sizes.append(p.memory_info().rss)
            shares.append(_pss(p.pid))
        except psutil.NoSuchProcess:
            pass
    return (max(sizes), sum(sizes), sum(shares)) if sizes else (0, 0, 0)


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_single = self.peak_tree = self.peak_tree_pss = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            single, tree, tree_pss = tree_rss(self.pid)
            self.peak_single, self.peak_tree, self.peak_tree_pss = (
                max(self.peak_single, single),
                max(self.peak_tree, tree),
                max(self.peak_tree_pss, tree_pss),
            )
            self._halt.wait(self.interval)

    def stop(self) -> RssSampler:
        self._halt.set()
        self.join()
        return self


# --- HTTP ------------------------------------------------------------------------------------


def get_json(
    path: str, key: str, conn: http.client.HTTPConnection | None = None
) -> Any:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request("GET", path, headers={"X-API-KEY": key})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return json.loads(body)
    finally:
        if own:
            conn.close()


def wait_healthy(key: str | None = None, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/api/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"the bench stack did not answer on port {PORT}; see {OUT}/web.log"
    )


def _epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


class Pollers:
    """N clients polling the job's status endpoint, each on its own keep-alive connection."""

    def __init__(self, count: int, key: str) -> None:
        self.count, self.key = count, key
        self.latencies: list[float] = []
        self.path = ""
        self._halt = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, path: str) -> None:
        self.path = path
        for _ in range(self.count):
            thread = threading.Thread(target=self._poll, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _poll(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while not self._halt.is_set():
            began = time.perf_counter()
            try:
                get_json(self.path, self.key, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            took = time.perf_counter() - began
            with self._lock:
                self.latencies.append(took)
            self._halt.wait(max(POLL_INTERVAL - took, 0))
        conn.close()

    def stop(self) -> None:
        self._halt.set()
        for thread in self._threads:
            thread.join()


@dataclass
class ImportRun:
    wall: float
    job_seconds: float
    to_201: float
    worker_rss: int
    worker_tree_rss: int
    worker_tree_pss: int
    web_rss: int
    job: dict[str, Any] = field(repr=False)
    # The columnar path's share: (rows read in regular blocks, rows its checks accepted) / rows.
    fast: tuple[float, float] | None = None


def intake_import(
    path: Path,
    key: str,
    web_pid: int,
    worker_pid: int,
    on_conflict: str = "error",
    pollers: Pollers | None = None,
    dataset: str = "books",
) -> ImportRun:
    worker_sampler = RssSampler(worker_pid)
    worker_sampler.start()
    web_sampler = RssSampler(web_pid)
    web_sampler.start()
    began = time.time()
    result = subprocess.run(
        [
            "curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{time_total}",
            "-H", f"X-API-KEY: {key}", "-H", "Expect:",
            "-F", f"file=@{path};type=text/csv", "-F", f"dataset={dataset}", "-F", f"on_conflict={on_conflict}",
            f"http://127.0.0.1:{PORT}/api/imports/",
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    web_sampler.stop()
    body, _, status_line = result.stdout.rpartition("\n")
    code, to_201 = status_line.split()
    if code != "201":
        raise RuntimeError(f"upload answered {code}: {body[:500]}")
    job_id = json.loads(body)["id"]
    status_path = f"/api/imports/{job_id}/"
    if pollers is not None:
        pollers.start(status_path)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    while True:
        job = get_json(status_path, key, conn)
        if job["status"] in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.1)
    conn.close()
    if pollers is not None:
        pollers.stop()
    worker_sampler.stop()
    if job["status"] != "completed":
        raise RuntimeError(
            f"job {job_id} ended {job['status']}: {job.get('error_message')}"
        )
    wall = _epoch(job["finished_at"]) - began
    fast = columnar_share(job_id)
    return ImportRun(
        wall=wall,
        job_seconds=_epoch(job["finished_at"]) - _epoch(job["started_at"]),
        to_201=float(to_201),
        worker_rss=worker_sampler.peak_single,
        worker_tree_rss=worker_sampler.peak_tree,
        worker_tree_pss=worker_sampler.peak_tree_pss,
        web_rss=web_sampler.peak_single,
        job=job,
        fast=fast,
    )


_COLUMNAR_LINE = re.compile(r"columnar path: (\d+) of (\d+) rows read in regular blocks, (\d+) accepted")


def columnar_share(job_id: str) -> tuple[float, float] | None:
    """What the worker logged of the job's columnar path (None: the job did not take it)."""
    for line in (OUT / "worker.log").read_text(errors="replace").splitlines():
        if f"import job {job_id}: columnar path" in line:
            found = _COLUMNAR_LINE.search(line)
            if found:
                blocks, rows, accepted = (int(g) for g in found.groups())
                return blocks / max(rows, 1), accepted / max(rows, 1)
    return None


def expect(job: dict[str, Any], **counts: int) -> None:
    wrong = {k: (job[k], v) for k, v in counts.items() if job[k] != v}
    if wrong:
        raise RuntimeError(f"job {job['id']} counters (got, expected): {wrong}")


# --- measurements ----------------------------------------------------------------------------


def bare_copy(path: Path, table: str = "bench_copy") -> float:
    psql(f"TRUNCATE {table}")
    began = time.perf_counter()
    psql(
        f"\\copy {table} (title, author, isbn, publication_year) FROM '{path}' WITH (FORMAT csv, HEADER true)"
    )
    return time.perf_counter() - began


def disk_write(path: Path) -> float:
    target = OUT / "var" / "write-once.csv"
    began = time.perf_counter()
    with open(path, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
        dst.flush()
        os.fsync(dst.fileno())
    took = time.perf_counter() - began
    target.unlink()
    return took


def die_import(path: Path, workspace_id: int) -> dict[str, Any]:
    psql("TRUNCATE catalog_book")
    result = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "die_import.py"), str(path), str(workspace_id)],
        cwd=BACKEND, env=STACK_ENV, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    size: int
    method: str
    seconds: float
    rows: int
    ratio: float | None = None
    worker_mb: str = ""
    web_mb: str = ""
    to_201: str = ""
    note: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def mb(value: float) -> str:
    return f"{value / 2**20:.0f}"


def fast_note(runs: list[ImportRun]) -> str:
    shares = [r.fast for r in runs if r.fast is not None]
    if not shares:
        return "; csv path"
    blocks, accepted = min(s[0] for s in shares), min(s[1] for s in shares)
    return f"; columnar path: {blocks:.0%} of rows in regular blocks, {accepted:.0%} accepted by its checks"


def measure_size(
    rows: int, key: str, workspace_id: int, web_pid: int, worker_pid: int
) -> tuple[list[Row], dict[str, Any]]:
    files = files_ensure(DATA, rows, kinds=ONLY)
    expected_errors = (
        json.loads(files["errors_expected"].read_text()) if "errors" in ONLY else {"bad": 0, "good": 0, "bad_rows": []}
    )
    size_mb = files["clean"].stat().st_size / 2**20
    log(f"{rows:,} rows ({size_mb:.0f} MB): bare \\copy x{RUNS}")
    copies = [bare_copy(files["clean"]) for _ in range(RUNS)]
    copy_s = median(copies)
    copy_fk_s = median(
        [bare_copy(files["clean"], "bench_copy_fk") for _ in range(RUNS)]
    )
    writes = [disk_write(files["clean"]) for _ in range(RUNS)]
    write_s = median(writes)
    runs: dict[str, list[ImportRun]] = {
        "clean": [],
        "update": [],
        "half": [],
        "changed": [],
        "errors": [],
        "pickup": [],
    }
    half_new = rows - rows // 2
    for attempt in range(RUNS):
        log(f"{rows:,} rows: Intake imports, run {attempt + 1}/{RUNS}")
        psql("TRUNCATE catalog_book")
        run = intake_import(files["clean"], key, web_pid, worker_pid)
        expect(run.job, total_rows=rows, created_rows=rows, failed_rows=0)
        runs["clean"].append(run)
        if "update" in ONLY:
            run = intake_import(files["clean"], key, web_pid, worker_pid, on_conflict="update")
            # The same values: nothing is written, every row is unchanged.
            expect(run.job, total_rows=rows, updated_rows=0, unchanged_rows=rows, created_rows=0, failed_rows=0)
            runs["update"].append(run)
        if "half" in ONLY or "changed" in ONLY:
            run = intake_import(files["half"], key, web_pid, worker_pid, on_conflict="update")
            expect(
                run.job,
                total_rows=rows,
                created_rows=half_new,
                updated_rows=0,
                unchanged_rows=rows - half_new,
                failed_rows=0,
            )
            runs["half"].append(run)
        if "changed" in ONLY:
            run = intake_import(files["changed"], key, web_pid, worker_pid, on_conflict="update")
            expect(
                run.job,
                total_rows=rows,
                created_rows=half_new,
                updated_rows=rows - half_new,
                unchanged_rows=0,
                failed_rows=0,
            )
            runs["changed"].append(run)
        if "errors" in ONLY:
            psql("TRUNCATE catalog_book")
            run = intake_import(files["errors"], key, web_pid, worker_pid)
            expect(
                run.job,
                total_rows=rows,
                created_rows=expected_errors["good"],
                failed_rows=expected_errors["bad"],
                stored_errors=expected_errors["bad"],
            )
            stored = psql(
                f"SELECT row_number FROM imports_importrowerror WHERE job_id = '{run.job['id']}' "
                f"AND errors::text <> '{{}}' ORDER BY row_number"
            ).split()
            if [int(n) for n in stored] != expected_errors["bad_rows"]:
                raise RuntimeError("the stored row errors are not exactly the bad rows of the error-heavy file")
            runs["errors"].append(run)
        if "pickup" in ONLY:
            psql("TRUNCATE cards_cardevent, cards_cardstatus")
            run = intake_import(
                files["pickup"], key, web_pid, worker_pid, on_conflict="skip", dataset="card_pickup"
            )
            expect(run.job, total_rows=rows, created_rows=rows, failed_rows=0)
            runs["pickup"].append(run)

    out: list[Row] = [
        Row(rows, "bare `\\copy` (the limit)", copy_s, rows, 1.0),
        Row(
            rows,
            "bare `\\copy`, plus the workspace foreign key `catalog_book` had until catalog 0002",
            copy_fk_s,
            rows,
            copy_s / copy_fk_s,
            note="reference only",
        ),
    ]
    labels = {
        "clean": "Intake, empty table",
        "update": "Intake, `on_conflict=update`, same rows (all unchanged)",
        "half": "Intake, `update`, half new / half stored unchanged",
        "changed": "Intake, `update`, half new / half changed",
        "errors": f"Intake, error-heavy ({expected_errors['bad'] * 100 // rows} % bad, all stored)",
        "pickup": "Intake, card pickup feed (a status per card; ratio is to the books `\\copy`)",
    }
    for name, label in labels.items():
        rs = runs[name]
        if not rs:
            continue
        seconds = median([r.wall for r in rs])
        out.append(
            Row(
                rows,
                label,
                seconds,
                rows,
                (rows / seconds) / (rows / copy_s),
                worker_mb=(
                    f"{mb(max(r.worker_rss for r in rs))} ({mb(max(r.worker_tree_rss for r in rs))}; "
                    f"PSS {mb(max(r.worker_tree_pss for r in rs))})"
                ),
                web_mb=mb(max(r.web_rss for r in rs)),
                to_201=f"{median([r.to_201 for r in rs]):.2f} s",
                note=f"worker {median([r.job_seconds for r in rs]):.2f} s"
                + "".join(
                    f"; {rs[0].job[f'{k}_rows']:,} {k}"
                    for k in ("created", "updated", "unchanged")
                    if name in ("update", "half", "changed")
                )
                + fast_note(rs),
            )
        )
    if runs["pickup"]:
        books_rate = rows / median([r.wall for r in runs["clean"]])
        pickup_rate = rows / median([r.wall for r in runs["pickup"]])
        out[-1].note += f"; {pickup_rate / books_rate:.2f}x the books import's rows/s"
    extra: dict[str, Any] = {
        "size_mb": size_mb,
        "write_s": write_s,
        "to_201_s": median([r.to_201 for r in runs["clean"]]),
    }
    return out, extra


def poll_latency(rows: int, key: str, web_pid: int, worker_pid: int) -> dict[str, Any]:
    files = files_ensure(DATA, rows, kinds=ONLY)
    psql("TRUNCATE catalog_book")
    pollers = Pollers(POLLERS, key)
    log(
        f"{rows:,} rows: import with {POLLERS} clients polling the status every {POLL_INTERVAL} s"
    )
    run = intake_import(files["clean"], key, web_pid, worker_pid, pollers=pollers)
    lat = sorted(pollers.latencies)
    if not lat:
        return {}
    return {
        "rows": rows,
        "requests": len(lat),
        "p50_ms": lat[len(lat) // 2] * 1000,
        "p95_ms": lat[int(len(lat) * 0.95)] * 1000,
        "max_ms": lat[-1] * 1000,
        "import_rate": rows / run.wall,
    }


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    django_version = subprocess.run(
        [str(BIN / "python"), "-c", "import django, celery, psycopg2; print(django.get_version(), celery.__version__, psycopg2.__version__.split()[0])"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": psql("SHOW server_version", "postgres"),
        "django": django_version[0],
        "celery": django_version[1],
        "psycopg2": django_version[2],
    }


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| rows | method | seconds | rows/s | × bare `\\copy` | worker peak RSS MB (tree RSS; tree PSS) | web RSS MB during upload | time to 201 | note |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        lines.append(
            f"| {r.size:,} | {r.method} | {r.seconds:.2f} | {r.rate:,.0f} | {ratio} | {r.worker_mb} | {r.web_mb} | {r.to_201} | {r.note} |"
        )
    return lines


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "var").mkdir(exist_ok=True)
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    command = " ".join(
        [
            f"{k}={os.environ[k]}"
            for k in ("ROWS", "RUNS", "BENCH_QUICK")
            if k in os.environ
        ]
        + ["make bench  # or: bash scripts/bench.sh"]
    )
    log(f"sizes {SIZES}, {RUNS} run(s) each; generating files under {DATA}")
    for rows in SIZES:
        files_ensure(DATA, rows, kinds=ONLY)

    log(f"database {DB}: drop, create, migrate")
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")
    redis_flush()
    shutil.rmtree(OUT / "var" / "uploads", ignore_errors=True)
    manage("migrate", "--noinput")
    key = (
        manage("create_api_key", "--workspace", WORKSPACE, "--name", "bench")
        .strip()
        .splitlines()[-1]
        .strip()
    )
    workspace_id = int(
        psql(f"SELECT id FROM accounts_workspace WHERE slug = '{WORKSPACE}'")
    )
    psql(
        "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE catalog_book INCLUDING ALL); "
        f"ALTER TABLE bench_copy ALTER workspace_id SET DEFAULT {workspace_id}, "
        "ALTER created_at SET DEFAULT now(), ALTER updated_at SET DEFAULT now(); "
        # The same table with the foreign key Django gave catalog_book until catalog 0002 dropped
        # it (checked at commit): what that key cost.
        "DROP TABLE IF EXISTS bench_copy_fk; CREATE TABLE bench_copy_fk (LIKE bench_copy INCLUDING ALL); "
        "ALTER TABLE bench_copy_fk ADD FOREIGN KEY (workspace_id) REFERENCES accounts_workspace (id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )

    procfile = dict(
        line.split(": ", 1)
        for line in (BACKEND / "Procfile").read_text().splitlines()
        if ": " in line
    )
    web = start("web", procfile["web"].replace("$PORT", str(PORT)).split())
    worker = start(
        "worker",
        # INFO: the worker logs each job's columnar path share, which the table reports.
        procfile["worker"].split(),
    )
    wait_healthy()
    time.sleep(2)  # let the worker connect to the broker
    log(f"stack up: web pid {web.pid}, worker pid {worker.pid}, port {PORT}")

    results: list[Row] = []
    extras: dict[int, dict[str, Any]] = {}
    for rows in SIZES:
        measured, extra = measure_size(rows, key, workspace_id, web.pid, worker.pid)
        results += measured
        extras[rows] = extra
        if rows <= 100_000 and not os.environ.get("BENCH_NO_DIE"):
            log(f"{rows:,} rows: django-import-export x{RUNS}")
            die = [
                die_import(files_ensure(DATA, rows, kinds=ONLY)["clean"], workspace_id)
                for _ in range(RUNS)
            ]
            seconds = median([d["seconds"] for d in die])
            copy_s = next(r.seconds for r in measured if r.ratio == 1.0)
            results.append(
                Row(
                    rows,
                    "django-import-export, fastest options",
                    seconds,
                    rows,
                    (rows / seconds) / (rows / copy_s),
                    worker_mb=mb(max(d["peak_rss_mb"] for d in die) * 2**20),
                    note=f"stored {die[0]['stored']:,}, one process",
                )
            )
    poll_size = max([s for s in SIZES if s <= 1_000_000] or SIZES)
    polling = poll_latency(poll_size, key, web.pid, worker.pid) if POLLERS else {}
    stop_all()
    if not NO_S3:
        results = s3_runs(results, key, procfile)

    lines = table(results)
    print("\n".join(lines))
    for rows, extra in extras.items():
        print(
            f"{rows:,} rows: upload to 201 {extra['to_201_s']:.2f} s vs writing the file once "
            f"{extra['write_s']:.2f} s ({extra['to_201_s'] / extra['write_s']:.2f}x)"
        )
    if polling:
        print(
            f"status endpoint with {POLLERS} pollers: p50 {polling['p50_ms']:.1f} ms, p95 {polling['p95_ms']:.1f} ms"
        )
    if not os.environ.get("BENCH_NO_DOCS") and not QUICK:
        docs_write(lines, extras, polling, machine(), command)
    return 0


def s3_runs(results: list[Row], key: str, procfile: dict[str, str]) -> list[Row]:
    """The same stack with its files in S3: the clean import of every size, placed beside the
    filesystem's row of that size."""
    start("s3", [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)])
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", S3_PORT, timeout=2).request("GET", "/")
            break
        except OSError:
            time.sleep(0.3)
    log(manage("storage_setup", env=S3_ENV).strip().replace("\n", "; "))
    web = start("web-s3", procfile["web"].replace("$PORT", str(PORT)).split(), env=S3_ENV)
    worker = start(
        "worker-s3", procfile["worker"].replace("--loglevel INFO", "--loglevel WARNING").split(), env=S3_ENV
    )
    wait_healthy()
    time.sleep(2)
    log(f"S3 stack up: web pid {web.pid}, worker pid {worker.pid}, S3 on port {S3_PORT}")
    ordered: list[Row] = []
    for row in results:
        ordered.append(row)
        if row.method != "Intake, empty table":
            continue
        rows = row.size
        copy_s = next(r.seconds for r in results if r.size == rows and r.ratio == 1.0)
        path = files_ensure(DATA, rows, kinds=ONLY)["clean"]
        runs = []
        for attempt in range(RUNS):
            log(f"{rows:,} rows: Intake imports with files in S3, run {attempt + 1}/{RUNS}")
            psql("TRUNCATE catalog_book")
            run = intake_import(path, key, web.pid, worker.pid)
            expect(run.job, total_rows=rows, created_rows=rows, failed_rows=0)
            runs.append(run)
        seconds = median([r.wall for r in runs])
        ordered.append(
            Row(
                rows,
                S3_LABEL,
                seconds,
                rows,
                (rows / seconds) / (rows / copy_s),
                worker_mb=(
                    f"{mb(max(r.worker_rss for r in runs))} ({mb(max(r.worker_tree_rss for r in runs))}; "
                    f"PSS {mb(max(r.worker_tree_pss for r in runs))})"
                ),
                web_mb=mb(max(r.web_rss for r in runs)),
                to_201=f"{median([r.to_201 for r in runs]):.2f} s",
                note=f"worker {median([r.job_seconds for r in runs]):.2f} s, {seconds / row.seconds:.2f}x the filesystem's time",
            )
        )
    stop_all()
    return ordered


def docs_write(
    lines: list[str],
    extras: dict[int, dict[str, Any]],
    polling: dict[str, Any],
    info: dict[str, str],
    command: str,
) -> None:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = [
        "# Benchmarks",
        "",
        f"Latest figures of `make bench`, measured {today}. Command, from the repository root:",
        "",
        "```",
        command,
        "```",
        "",
        (
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}. "
            f"Python {info['python']}, PostgreSQL {info['postgresql']}, Django {info['django']}, "
            f"Celery {info['celery']}, psycopg2 {info['psycopg2']}."
        ),
        "",
        (
            f"Each figure is the median of {RUNS} runs. Intake's seconds run from the start of the HTTP upload "
            "to the job's `finished_at` (upload, both passes, counters and row errors included); "
            "the note gives the worker's own time (`started_at` → `finished_at`). "
            "Worker RSS is the peak of the process that runs the import (the whole worker tree, "
            "Celery's parent process included, in brackets: the sum of the processes' RSS, then the sum of "
            "their PSS, which counts the pages a fork shares with its parent once), sampled every 50 ms. "
            "Bare `\\copy` loads the same file into an empty table made `LIKE catalog_book INCLUDING ALL` "
            "(same columns, same unique index on workspace and isbn)."
        ),
        "",
        *lines,
        "",
    ]
    for rows, extra in extras.items():
        text.append(
            f"- {rows:,} rows ({extra['size_mb']:.0f} MB): upload answered `201` in {extra['to_201_s']:.2f} s; "
            f"writing the file once to disk (with fsync) takes {extra['write_s']:.2f} s "
            f"({extra['to_201_s'] / extra['write_s']:.2f}×)."
        )
    if polling:
        text.append(
            f"- Status endpoint, {POLLERS} clients each polling every {POLL_INTERVAL} s during a "
            f"{polling['rows']:,}-row import: {polling['requests']:,} requests, p50 {polling['p50_ms']:.1f} ms, "
            f"p95 {polling['p95_ms']:.1f} ms, max {polling['max_ms']:.1f} ms; the import ran at "
            f"{polling['import_rate']:,.0f} rows/s meanwhile."
        )
    text += [
        "",
        (
            "The error-heavy file has every kind of row the books schema rejects (bad ISBN check digits, "
            "wrong lengths, letters, scientific notation, missing title or author, a title too long, a year "
            "out of range or not a number, ragged rows) and duplicates of earlier rows; the bench checks that "
            "the stored row errors are exactly its bad rows. Files are generated deterministically under "
            "`bench/data/`; logs of the stack go to `bench/output/`."
        ),
        "",
    ]
    findings = ROOT / "bench" / "findings.md"
    if findings.exists():
        text += [findings.read_text()]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(text))
    log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    sys.exit(main())
