"""Examining returned files in worker processes with bounded time and memory.

A hostile or pathological file (a parser pathology, an XML part that inflates to a huge
tree) must not stall or crash a collection. Each file is examined in a small pool of
worker processes, reused for the whole run: each worker runs with an address-space limit
(RLIMIT_AS), and a file that takes longer than the timeout has its worker killed and
replaced. Either way the file is refused with a Swedish reason and the collection goes on.

Configuration (environment): REMISS_PARSE_WORKERS (default: CPU count, at most 4; 0 examines
in this process without limits), REMISS_PARSE_TIMEOUT_S (default 30), REMISS_PARSE_MEMORY_MB
(default 1024).
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from remiss.errors import ConfigError, RejectedFile
from remiss.services.context import RoundContext
from remiss.services.intake.examine import Examined, examine

K = TypeVar("K")
STARTUP_TIMEOUT_S = 120.0  # a worker that has not finished its imports by then is taken as dead
Outcome = Examined | RejectedFile


@dataclass(frozen=True)
class IntakeLimits:
    workers: int = 2
    timeout_s: float = 30.0
    memory_mb: int = 1024

    @classmethod
    def from_env(cls) -> IntakeLimits:
        return cls(
            workers=int(_env("REMISS_PARSE_WORKERS", min(os.cpu_count() or 1, 4))),
            timeout_s=_env("REMISS_PARSE_TIMEOUT_S", 30.0),
            memory_mb=int(_env("REMISS_PARSE_MEMORY_MB", 1024)),
        )


def _env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ConfigError(f"{name}={raw!r} är inget giltigt värde (ange ett tal, t.ex. {default:g}).")
    return value


# --- the worker process ------------------------------------------------------------------


def _worker_main(conn: Connection, memory_bytes: int) -> None:
    """Receive (context | file) messages, answer each file with ("ok"|"rejected"|"memory", …)."""
    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # The imported modules are never garbage: leave them out of every collection from now on.
    gc.freeze()
    contexts: dict[str, RoundContext] = {}
    try:
        conn.send(("ready",))  # imports done: the parent starts the clock of a file only from here
    except OSError:
        return  # the pool was closed while this worker started
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return  # the collector is gone
        if message[0] == "context":
            contexts[message[1]] = pickle.loads(message[2])
            continue
        _op, job, key, data, name = message
        try:
            reply: tuple[Any, ...] = ("ok", examine(data, name, contexts[key]))
        except RejectedFile as refusal:
            reply = ("rejected", refusal.reason, refusal.code)
        except MemoryError:
            reply = ("memory",)
        except Exception as exc:  # untrusted input: a library failing on it refuses the file
            reply = ("failed", type(exc).__name__)
        del data
        try:
            conn.send(("answer", job, *reply))
        except MemoryError:
            conn.send(("answer", job, "memory"))
        except (OSError, KeyboardInterrupt):
            return


# --- the pool ----------------------------------------------------------------------------


class _Worker:
    def __init__(self, mp: Any, memory_bytes: int) -> None:
        self.conn, child = mp.Pipe()
        self.process = mp.Process(target=_worker_main, args=(child, memory_bytes), daemon=True)
        self.process.start()
        child.close()
        self.contexts: set[str] = set()
        self.ready = False

    def send(self, ctx_key: str, blob: bytes, job: Any, data: bytes, name: str) -> bool:
        """False when the worker is gone (it died while idle): the caller starts another."""
        try:
            if ctx_key not in self.contexts:
                self.conn.send(("context", ctx_key, blob))
                self.contexts.add(ctx_key)
            self.conn.send(("file", job, ctx_key, data, name))
        except OSError:
            return False
        return True

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


@dataclass
class _Job:
    key: Any
    name: str
    sent: float
    started: float | None  # None while the worker is still starting (its imports are not timed)

    def deadline(self, timeout: float) -> float:
        return self.sent + STARTUP_TIMEOUT_S if self.started is None else self.started + timeout


class IntakePool:
    """A few worker processes that examine files, shared by every collecting thread of a process.

    A caller borrows an idle worker per file and gives it back with the answer; a worker
    that timed out, ran out of memory or died is replaced by a fresh one.
    """

    def __init__(self, limits: IntakeLimits | None = None) -> None:
        self.limits = limits or IntakeLimits.from_env()
        self._mp = _process_context()
        self._idle: list[_Worker] = []
        self._started = 0
        self._closed = False
        self._free = threading.Condition()

    def start(self) -> None:
        """Start the workers now without waiting for them (they import while the caller works)."""
        with self._free:
            self._closed = False
            while self._started < self.limits.workers:
                self._idle.append(self._spawn())
                self._started += 1

    def examine_all(
        self, ctx: RoundContext, items: Iterable[tuple[K, bytes, str]]
    ) -> Iterator[tuple[K, Outcome]]:
        """(key, Examined or RejectedFile) for each (key, data, name), in completion order."""
        if self.limits.workers <= 0:
            for key, data, name in items:
                yield key, _examine_here(data, name, ctx)
            return
        self.start()
        blob = pickle.dumps(ctx)
        ctx_key = hashlib.sha1(blob).hexdigest()
        source = iter(items)
        busy: dict[_Worker, _Job] = {}
        exhausted = False
        try:
            while True:
                while not exhausted:
                    worker = self._borrow(block=not busy)
                    if worker is None:
                        break
                    item = next(source, None)
                    if item is None:
                        exhausted = True
                        self._give_back(worker)
                        break
                    key, data, name = item
                    if not worker.send(ctx_key, blob, key, data, name):
                        worker = self._renewed(worker)  # a dead worker only shows on its next file
                        worker.send(ctx_key, blob, key, data, name)  # a fresh one's failure shows as EOF
                    now = time.monotonic()
                    busy[worker] = _Job(key, name, now, now if worker.ready else None)
                if not busy:
                    return
                for worker, outcome in self._answers(busy):
                    job = busy.pop(worker)
                    yield job.key, outcome
        finally:
            for worker in busy:  # abandoned mid-run: no late answer may reach another caller
                self._give_back(self._renewed(worker))

    def close(self) -> None:
        with self._free:
            self._closed = True
            idle, self._idle = self._idle, []
            self._started = 0
        for worker in idle:
            worker.stop()

    def _borrow(self, block: bool) -> _Worker | None:
        with self._free:
            while not self._idle:
                if not block:
                    return None
                self._free.wait()
            return self._idle.pop()

    def _give_back(self, worker: _Worker) -> None:
        with self._free:
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._free.notify()

    def _answers(self, busy: dict[_Worker, _Job]) -> list[tuple[_Worker, Outcome]]:
        """Wait for at least one answer or timeout, give the workers back; answers before timeouts."""
        timeout = self.limits.timeout_s
        remaining = min(job.deadline(timeout) for job in busy.values()) - time.monotonic()
        by_conn = {worker.conn: worker for worker in busy}
        ready = wait(list(by_conn), timeout=max(remaining, 0))
        done: list[tuple[_Worker, Outcome]] = []
        for conn in ready:
            worker = by_conn[conn]  # type: ignore[index]
            name = busy[worker].name
            try:
                message = conn.recv()  # type: ignore[union-attr]
            except (EOFError, OSError):
                self._give_back(self._renewed(worker))
                done.append((worker, _crashed(name)))
                continue
            if message[0] == "ready":
                worker.ready = True
                busy[worker].started = time.monotonic()
                continue
            _answer, _job, status, *rest = message
            if status == "ok":
                self._give_back(worker)
                done.append((worker, rest[0]))
            elif status == "rejected":
                self._give_back(worker)
                done.append((worker, RejectedFile(rest[0], code=rest[1])))
            else:  # after a MemoryError or a library failure, start clean
                self._give_back(self._renewed(worker))
                memory = status == "memory"
                done.append(
                    (
                        worker,
                        _out_of_memory(name, self.limits.memory_mb) if memory else _failed(name, rest[0]),
                    )
                )
        answered = {worker for worker, _ in done}
        now = time.monotonic()
        for worker, job in busy.items():
            if worker not in answered and now >= job.deadline(timeout):
                self._give_back(self._renewed(worker))
                done.append((worker, _timed_out(job.name, timeout) if job.started else _crashed(job.name)))
        return done

    def _spawn(self) -> _Worker:
        return _Worker(self._mp, self.limits.memory_mb * 1024 * 1024)

    def _renewed(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        return self._spawn()


def _process_context() -> Any:
    """Workers fork from a fork server that has imported the parsers once.

    A spawned worker would pay the imports (over a second of CPU) itself, every time one is
    started or replaced; forking the collector directly is unsafe, as it runs threads.
    """
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(["remiss.services.intake.quiet_exit", "remiss.services.intake.examine"])
    return mp


def _examine_here(data: bytes, name: str, ctx: RoundContext) -> Outcome:
    try:
        return examine(data, name, ctx)
    except RejectedFile as refusal:
        return refusal
    except MemoryError:
        return _out_of_memory(name, 0)
    except Exception as exc:
        return _failed(name, type(exc).__name__)


def _timed_out(name: str, seconds: float) -> RejectedFile:
    return RejectedFile(
        f"{name} tog längre tid än {seconds:g} sekunder att läsa och avbröts. Filen är ovanligt stor "
        "eller felaktigt uppbyggd; spara den på nytt som .docx/.xlsx och skicka den igen.",
        code="parse-timeout",
    )


def _out_of_memory(name: str, megabytes: int) -> RejectedFile:
    limit = f" (gränsen är {megabytes} MB)" if megabytes else ""
    return RejectedFile(
        f"{name} krävde för mycket minne för att läsas{limit} och avbröts. Filen är ovanligt stor "
        "eller felaktigt uppbyggd; spara den på nytt som .docx/.xlsx och skicka den igen.",
        code="parse-memory",
    )


def _crashed(name: str) -> RejectedFile:
    return RejectedFile(
        f"Läsningen av {name} avbröts oväntat (läsprocessen avslutades). Filen tas inte emot; spara "
        "den på nytt som .docx/.xlsx och skicka den igen.",
        code="parse-crash",
    )


def _failed(name: str, error: str) -> RejectedFile:
    return RejectedFile(
        f"{name} kunde inte läsas ({error}). Öppna filen, spara den på nytt som .docx/.xlsx och "
        "skicka den igen.",
        code="unreadable",
    )


_SHARED: IntakePool | None = None


def shared_pool() -> IntakePool:
    """The process's pool, started on first use and stopped at exit (reused across batches)."""
    global _SHARED
    if _SHARED is None or _SHARED.limits != IntakeLimits.from_env():
        if _SHARED is not None:
            _SHARED.close()
        _SHARED = IntakePool()
    return _SHARED


@atexit.register
def _close_shared() -> None:
    if _SHARED is not None:
        _SHARED.close()
