"""Query worker processes: the only place where a client's query runs.

A :class:`WorkerPool` keeps up to ``size`` worker processes (:mod:`dprk_ld.serve.worker`), each
with its own in-memory copy of the dataset loaded from an N-Quads dump, no network, and one job at
a time. The server's event loop only sends a job and waits on a socket, so no query can block it:

* **deadline**: past ``timeout_s`` the worker is killed (SIGKILL: its CPU is free at once), the
  client gets 503, and a fresh worker takes its place;
* **memory**: the worker's resident size is sampled every 0.1 s while it works; past
  ``memory_mb`` it is killed and the client gets 503 "query too large";
* **death**: a worker that dies (a stack overflow in the engine, an abort) is replaced and the
  client gets 500 with what happened — never a dropped connection;
* **queue**: when every worker is busy, at most ``queue_limit`` requests wait, each at most
  ``queue_timeout_s``; beyond that 503 with ``Retry-After``;
* **cancelled**: if the request's task is cancelled (server shutdown, a client the server saw hang up),
  its worker is killed too; otherwise a query whose client left runs at most to its deadline.

Workers start lazily (or all at once with :meth:`WorkerPool.start`) and die with the server
(``PR_SET_PDEATHSIG``, plus a finalizer). The pool works from any event loop, one at a time.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RequestError, Unavailable
from .execute import Job, Rendered
from .wire import HEAD, decode_head, encode, job_header

log = logging.getLogger("dprk_ld.serve")
START_TIMEOUT_S = 120.0
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class MemoryExceeded(Exception):
    """A worker grew past its memory cap."""


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen[bytes]
    sock: socket.socket
    log: Path
    sandbox: str = ""
    jobs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (Linux ``/proc/PID/statm``), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


async def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    loop = asyncio.get_running_loop()
    parts, left = [], size
    while left:
        chunk = await loop.sock_recv(sock, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


async def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    import json

    header_len, body_len = decode_head(await _recv_exactly(sock, HEAD.size))
    header = json.loads(await _recv_exactly(sock, header_len))
    return header, await _recv_exactly(sock, body_len)


def _kill_all(procs: set[subprocess.Popen[bytes]], tmp: list[str]) -> None:
    for proc in list(procs):
        if proc.poll() is None:
            proc.kill()
    for proc in list(procs):
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    for path in tmp:
        shutil.rmtree(path, ignore_errors=True)


class WorkerPool:
    """Runs :class:`Job` s in worker processes under a deadline, a memory cap and a bounded queue."""

    def __init__(self, write_dump: Callable[[Path], object], size: int = 4, timeout_s: float = 10.0,
                 memory_mb: int = 1024, queue_limit: int = 32, queue_timeout_s: float | None = None) -> None:
        self.write_dump = write_dump
        self.size = size
        self.timeout_s = timeout_s
        self.memory_bytes = memory_mb * 1024 * 1024
        self.queue_limit = queue_limit
        self.queue_timeout_s = timeout_s if queue_timeout_s is None else queue_timeout_s
        self.idle: list[Worker] = []
        self.workers: set[Worker] = set()
        self.starting = 0
        self.waiters: collections.deque[asyncio.Future[Worker]] = collections.deque()
        self.procs: set[subprocess.Popen[bytes]] = set()
        self._tmp: list[str] = []
        self.dump: Path | None = None
        self.spawned = 0
        self._finalizer = weakref.finalize(self, _kill_all, self.procs, self._tmp)

    # ------------------------------------------------------------ workers
    def _dump_path(self) -> Path:
        if self.dump is None:
            tmp = tempfile.mkdtemp(prefix="dprk-ld-serve-")
            self._tmp.append(tmp)
            dump = Path(tmp) / "dataset.nq"
            self.write_dump(dump)
            self.dump = dump
        return self.dump

    async def _spawn(self) -> Worker:
        dump = self._dump_path()
        parent, child = socket.socketpair()
        self.spawned += 1
        log_path = dump.parent / f"worker-{self.spawned}.log"
        with open(log_path, "wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "dprk_ld.serve.worker", str(child.fileno()), str(dump)],
                                    pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, close_fds=True)
        child.close()
        parent.setblocking(False)
        self.procs.add(proc)
        worker = Worker(proc, parent, log_path)
        try:
            header, _ = await asyncio.wait_for(recv_frame(parent), START_TIMEOUT_S)
        except (asyncio.TimeoutError, EOFError, OSError, ValueError) as exc:
            words = self._last_words(worker)
            self._discard(worker)
            raise RequestError(f"a query worker failed to start ({type(exc).__name__}): {words}", 500) from exc
        worker.sandbox = header.get("sandbox", "")
        if worker.sandbox != "seccomp":
            log.warning("query worker %d runs WITH network access: %s", proc.pid, worker.sandbox)
        self.workers.add(worker)
        return worker

    async def start(self) -> None:
        """Start every worker now (the server does this before it takes requests)."""
        missing = self.size - len(self.workers) - self.starting
        self.starting += missing
        try:
            started = await asyncio.gather(*(self._spawn() for _ in range(missing)))
        finally:
            self.starting -= missing
        for worker in started:
            self._release(worker)

    def _discard(self, worker: Worker) -> None:
        """Kill a worker and forget it; a replacement starts if requests are waiting."""
        self.workers.discard(worker)
        if worker.proc.poll() is None:
            worker.proc.kill()
        worker.sock.close()
        worker.log.unlink(missing_ok=True)
        # reaped by poll() later: a SIGKILLed process is gone in milliseconds, but never block the loop on it
        for proc in [p for p in self.procs if p.poll() is not None]:
            self.procs.discard(proc)
        if self.waiters:
            asyncio.ensure_future(self._replace())

    async def _replace(self) -> None:
        self.starting += 1
        try:
            worker = await self._spawn()
        except RequestError:
            return
        finally:
            self.starting -= 1
        self._release(worker)

    def _release(self, worker: Worker) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_result(worker)
                return
        self.idle.append(worker)

    async def _acquire(self) -> Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.proc.poll() is None:
                return worker
            self._discard(worker)
        if len(self.workers) + self.starting < self.size:
            self.starting += 1
            try:
                return await self._spawn()
            finally:
                self.starting -= 1
        if len(self.waiters) >= self.queue_limit:
            raise Unavailable(f"the server is busy: all {self.size} query workers are working and "
                              f"{len(self.waiters)} queries wait", retry_after=max(1, int(self.timeout_s)))
        waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), self.queue_timeout_s)
        except (asyncio.TimeoutError, asyncio.CancelledError) as exc:
            if waiter in self.waiters:
                self.waiters.remove(waiter)
            if waiter.done() and not waiter.cancelled():  # handed a worker in the same instant
                if isinstance(exc, asyncio.TimeoutError):
                    return waiter.result()
                self._release(waiter.result())
            waiter.cancel()
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Unavailable(f"the server is busy: no query worker freed within {self.queue_timeout_s:g} s",
                              retry_after=max(1, int(self.timeout_s))) from None

    def _last_words(self, worker: Worker) -> str:
        try:
            tail = worker.log.read_bytes()[-2000:].decode("utf-8", "replace").strip()
        except OSError:
            tail = ""
        code = worker.proc.poll()
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else
               f"exit status {code}" if code is not None else "no answer")
        return f"{how}{': ' + tail.splitlines()[-1][:300] if tail else ''}"

    # ------------------------------------------------------------ jobs
    async def _answer(self, worker: Worker) -> tuple[dict[str, Any], bytes]:
        """The worker's answer frame, checking its memory every 0.1 s meanwhile."""
        receiving = asyncio.ensure_future(recv_frame(worker.sock))
        try:
            while True:
                done, _ = await asyncio.wait({receiving}, timeout=0.1)
                if done:
                    return receiving.result()
                if rss_bytes(worker.proc.pid) > self.memory_bytes:
                    raise MemoryExceeded
        finally:
            if not receiving.done():
                receiving.cancel()

    async def run(self, job: Job) -> Rendered:
        """Answer a job in a worker; raises the worker's error, or 503/500 as the module docstring says."""
        worker = await self._acquire()
        healthy = False
        try:
            await asyncio.get_running_loop().sock_sendall(worker.sock, encode(job_header(job)))
            header, body = await asyncio.wait_for(self._answer(worker), self.timeout_s)
            healthy = True
        except asyncio.TimeoutError:
            raise Unavailable(f"the query ran longer than the time limit of {self.timeout_s:g} s and was stopped",
                              retry_after=1, hint="make it more selective (a LIMIT, fewer OPTIONALs) or run it "
                                                  "on a store of your own (`dprk-ld load`)") from None
        except MemoryExceeded:
            raise Unavailable(f"query too large: it needed more than {self.memory_bytes >> 20} MiB and was stopped",
                              retry_after=1, hint="make it more selective, or run it on a store of your own "
                                                  "(`dprk-ld load`)") from None
        except (EOFError, OSError, ValueError) as exc:
            try:  # the socket closed: the process is exiting (its status names the signal)
                worker.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            raise RequestError(f"the query engine crashed on this query ({self._last_words(worker)}); "
                               f"the server is fine and has started a new worker", 500,
                               hint="simplify the query (less nesting, fewer UNIONs)") from exc
        finally:
            if healthy:
                worker.jobs += 1
                self._release(worker)
            else:
                self._discard(worker)
        if header.get("what") == "error":
            raise RequestError(header["message"], int(header["status"]), header.get("location"),
                               header.get("hint"))
        return Rendered(header["kind"], header["media_type"], body, bool(header.get("truncated")))

    def close(self) -> None:
        for waiter in self.waiters:
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.cancel()
        self.idle.clear()
        self.workers.clear()
        self._finalizer()
