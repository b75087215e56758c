"""Reading and validating in a forked child process, so that Python work overlaps the database's.

A thread cannot do this: parsing, validating and formatting hold the GIL nearly all the time.
The child reads the file, validates and formats each batch, and writes it, pickled, into a
pipe; the parent loads and commits. The pipe holds at most 1 MiB, so the child is
never more than about one batch ahead and memory stays flat whatever the file's size.

``os.fork`` and not ``multiprocessing``: a Celery prefork worker's pool processes are daemonic
and may not start multiprocessing children, and the child must not run any after-fork hooks
(Celery's close broker connections, which the parent still uses). It never touches the
database, and it leaves with ``os._exit`` whatever happens, so nothing of the parent's state
(the database connection above all) is closed or flushed from the child.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import pickle
import signal
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")

_ITEM, _END, _FAILED = 0, 1, 2
# A pipe of 1 MiB instead of Linux's 64 KiB lets the child finish writing a batch and start
# the next one while the parent still loads the previous one; memory stays bounded by it.
PIPE_BYTES = 1 << 20
READER_NICENESS = 5


class ReaderProcessFailure(Exception):
    """Reading the file raised an error in the child: the same file would fail the same way."""


class ReaderProcessDied(ReaderProcessFailure):
    """The child is gone (killed, out of memory) or its message was cut: worth another try."""


class ChildReader(Generic[T]):
    """Iterate what ``produce()`` yields, running it in a forked child process.

    The child starts on ``with``, so the parent can do other work (count the file) meanwhile.
    An error in the child is raised here as ``ReaderProcessFailure``, and so is the child's
    death (the pipe ends without the end marker), so the parent never waits for a child that is
    gone. Leaving the ``with`` early (cancel, failure) kills and reaps the child.
    """

    def __init__(self, produce: Callable[[], Iterator[T]]) -> None:
        self._produce = produce
        self._pid = 0
        self._reader: Connection | None = None
        self._ended = self._reaped = False

    def __enter__(self) -> ChildReader[T]:
        read_fd, write_fd = os.pipe()
        with contextlib.suppress(OSError):  # over the system's pipe-max-size: keep the default
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read_fd)
                code = _child_run(self._produce, Connection(write_fd, readable=False))
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid, self._reader = pid, Connection(read_fd, writable=False)
        return self

    def __iter__(self) -> Iterator[T]:
        assert self._reader is not None, "use ChildReader in a with statement"
        while not self._ended:
            try:
                message = self._reader.recv_bytes()
            except (EOFError, OSError):
                # EOF: the child is gone. OSError: the pipe ended inside a message (the child died
                # while writing it).
                self._kill()
                status = self._reap()
                raise ReaderProcessDied(
                    f"The process reading the file stopped unexpectedly ({_status_text(status)})."
                ) from None
            kind, payload = pickle.loads(message)
            if kind == _END:
                self._ended = True
            elif kind == _FAILED:
                raise ReaderProcessFailure(f"Reading the file failed: {payload}")
            else:
                yield payload

    def __exit__(self, *exc_info: object) -> None:
        if self._reader is not None:
            self._reader.close()
        if not self._reaped:
            if not self._ended:
                self._kill()
            self._reap()

    def _kill(self) -> None:
        # Until it is reaped the pid cannot belong to another process, so this kill is safe.
        if not self._reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)

    def _reap(self) -> int | None:
        self._reaped = True
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:  # already reaped elsewhere
            return None
        return status


def _child_run(produce: Callable[[], Iterator[T]], writer: Connection) -> int:
    # The worker's handlers (Celery's warm shutdown, for one) are the parent's business.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # The child keeps a core busy for the whole import; the API's requests (status polls above
    # all) should not queue behind it for the CPU.
    with contextlib.suppress(OSError):
        os.nice(READER_NICENESS)
    # Every batch allocates thousands of lists and tuples, which set off the cyclic collector
    # again and again, and it walked the worker's whole heap inherited at fork (touching pages
    # that were shared). Frozen, the inherited objects are left alone; batches are freed by
    # reference counting, so the collector can run far less often. About 8 % faster on 1M rows.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        for item in produce():
            writer.send_bytes(pickle.dumps((_ITEM, item), protocol=pickle.HIGHEST_PROTOCOL))
        writer.send_bytes(pickle.dumps((_END, None)))
    except BrokenPipeError:
        return 1  # the parent stopped reading: it has stopped the job
    except BaseException as exc:
        with contextlib.suppress(OSError):
            writer.send_bytes(pickle.dumps((_FAILED, f"{type(exc).__name__}: {exc}")))
        return 1
    return 0


def _status_text(status: int | None) -> str:
    if status is None:
        return "its exit status is unknown"
    if os.WIFSIGNALED(status):
        return f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.WEXITSTATUS(status)}"
