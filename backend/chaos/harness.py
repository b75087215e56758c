"""What the fault-injection suite breaks: a PostgreSQL proxy it can cut or close, a Redis it
can kill and start empty, and Celery worker and beat processes it can kill whole.

Everything listens on 127.0.0.1 only and is stopped when the test ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

BACKEND = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DatabaseProxy:
    """A TCP proxy in front of PostgreSQL: ``cut()`` drops every open connection, and while
    ``refusing`` it closes new ones at once (a database that refuses connections)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.refusing = False
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = (client, server)
            with self._lock:
                self._pairs.add(pair)
            for source, target in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(source, target, pair), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, pair: tuple[socket.socket, socket.socket]) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(pair)

    def _drop(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            self._pairs.discard(pair)
        for end in pair:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def cut(self) -> int:
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            self._drop(pair)
        return len(pairs)

    def close(self) -> None:
        self._closed = True
        self._server.close()
        self.cut()


class ThrowawayRedis:
    """A Redis of our own that keeps nothing on disk: killed, it comes back empty."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError("the throwaway Redis did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class CeleryProcesses:
    """A worker (prefork, one slot, as in production) and beat, each in its own process group so
    a kill takes the whole tree: worker, pool process and reader child."""

    def __init__(self, *, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.worker: subprocess.Popen[bytes] | None = None
        self.beat: subprocess.Popen[bytes] | None = None
        self.started = 0

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.logs / f"{name}-{self.started}.log").open("wb")
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *argv],
            cwd=BACKEND, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def start_worker(self) -> None:
        self.worker = self._start(
            "worker",
            ["worker", "-Q", "imports", "--concurrency", "1", "--prefetch-multiplier", "1", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"chaos-{self.started}@%h", "--loglevel", "INFO"],
        )  # fmt: skip

    def start_beat(self) -> None:
        schedule = self.logs / "beat-schedule"
        self.beat = self._start("beat", ["beat", "--schedule", str(schedule), "--loglevel", "INFO"])

    def kill_worker(self) -> None:
        """SIGKILL to the worker's whole process group: nothing gets to clean up."""
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            self.worker = None

    def reader_children(self) -> list[psutil.Process]:
        """The processes a worker's pool process forked: the readers of running imports."""
        if self.worker is None:
            return []
        try:
            pool = psutil.Process(self.worker.pid).children()
        except psutil.NoSuchProcess:
            return []
        readers = []
        for process in pool:
            with contextlib.suppress(psutil.NoSuchProcess):
                readers += [c for c in process.children() if c.status() != psutil.STATUS_ZOMBIE]
        return readers

    def stop(self) -> None:
        self.kill_worker()
        if self.beat is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.beat.pid, signal.SIGKILL)
            self.beat.wait()
            self.beat = None
