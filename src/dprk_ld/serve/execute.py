"""Bounded query execution for the web service (:mod:`dprk_ld.serve`).

Implements the limits of the read-only SPARQL 1.1 Protocol endpoint: a query runs in a bounded pool
of worker threads (``max_concurrent``); waiting for a slot counts against ``timeout_s``. When the
deadline passes the client gets 503 at once and the worker stops at the next solution (or the next
8 KiB of output) it produces; pyoxigraph cannot cancel a query inside one step (a big sort or
aggregate before the first row), so such a query runs on in its thread and keeps its slot until it
ends — runaway queries cannot pile up beyond ``max_concurrent``.

Two shortcuts keep small queries cheap (``benchmarks/serve.py`` measures them):

* **serialised by pyoxigraph**: ASK answers, and SELECT answers whose outer ``LIMIT`` is within the
  result cap, are written by pyoxigraph straight into the negotiated SPARQL results format (JSON,
  XML, CSV, TSV) — no Python object per row. Other answers are read row by row and cut at the cap.
* **known-fast work runs inline**: the store never changes while the server runs, so the same work
  (query text, dataset, format, cap) costs about the same every time. Work that took under
  ``inline_under_s`` in a worker thread runs on the event loop next time, saving the thread hop;
  if an inline run ever takes five times that it goes back to the threads. The event loop is thus
  never blocked for more than a few milliseconds by a query.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, RequestError
from ..formats import BY_NAME, Format
from ..namespaces import PREFIXES
from ..query import Results, syntax_error
from ..query.render import json_term, render
from .negotiation import candidates, choose_format, media_type
from .pages import results_page

DEFAULT_INLINE_UNDER_S = 0.002


class DaemonPool(Executor):
    """A fixed pool of daemon worker threads (the ``concurrent.futures.Executor`` interface).

    ``ThreadPoolExecutor`` joins its workers at interpreter exit, and pyoxigraph cannot cancel a
    query inside one evaluation step (a big aggregate or sort): a runaway query would keep the
    server from stopping until it ends. Daemon workers let the process exit at once.
    """

    def __init__(self, max_workers: int, thread_name_prefix: str = "pool") -> None:
        self._max_workers = max_workers
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"{thread_name_prefix}_{i}", daemon=True)
                         for i in range(max_workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        self._queue.put((future, fn, args, kwargs))
        return future

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            pending = []
            while True:
                try:
                    pending.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            for item in pending:
                if item is not None:
                    item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


class Cancelled(Exception):
    """The deadline passed while a worker was producing results; nobody waits for them any more."""


class Runner:
    """Runs blocking query work in at most ``max_concurrent`` threads under a deadline, or inline
    when the same work (``key``) is known to be fast."""

    def __init__(self, timeout_s: float, max_concurrent: int,
                 inline_under_s: float = DEFAULT_INLINE_UNDER_S, memory: int = 4096) -> None:
        self.timeout_s = timeout_s
        self.max_concurrent = max_concurrent
        self.inline_under_s = inline_under_s
        self.memory = memory
        self.fast: dict[Hashable, None] = {}
        self.executor = DaemonPool(max_concurrent, thread_name_prefix="dprk-sparql")
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.max_concurrent))
        return self._slots[1]

    def _timed(self, key: Hashable | None, work: Callable[[float, threading.Event], Any], deadline: float,
               cancelled: threading.Event) -> Any:
        start = time.perf_counter()
        result = work(deadline, cancelled)
        if key is not None and time.perf_counter() - start < self.inline_under_s:
            if len(self.fast) >= self.memory:
                self.fast.clear()
            self.fast[key] = None
        return result

    async def run(self, work: Callable[[float, threading.Event], Any], key: Hashable | None = None) -> Any:
        """``work(deadline, cancelled)``: inline when ``key`` is known to be fast, else in a worker
        thread; 503 when no slot frees or time runs out."""
        if key is not None and key in self.fast:
            start = time.perf_counter()
            try:
                return work(time.monotonic() + self.timeout_s, threading.Event())
            finally:
                if time.perf_counter() - start > 5 * self.inline_under_s:
                    self.fast.pop(key, None)
        slots = self._semaphore()
        deadline = time.monotonic() + self.timeout_s
        try:
            await asyncio.wait_for(slots.acquire(), self.timeout_s)
        except asyncio.TimeoutError:
            raise RequestError(f"the server is busy: all {self.max_concurrent} query slots stayed taken for "
                               f"{self.timeout_s:g} s", 503, hint="retry later") from None
        cancelled = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(self.executor, self._timed, key, work, deadline,
                                                            cancelled)

        def done(fut: asyncio.Future[Any]) -> None:
            slots.release()
            if not fut.cancelled():
                fut.exception()  # retrieved, so an abandoned failure is not logged as unhandled

        future.add_done_callback(done)
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(deadline - time.monotonic(), 0.001))
        except asyncio.TimeoutError:
            cancelled.set()
            raise RequestError(f"the query ran longer than the time limit of {self.timeout_s:g} s", 503,
                               hint="make it more selective (a LIMIT, fewer OPTIONALs) or run it on a "
                                    "store of your own (`dprk-ld load`)") from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Job:
    """One query to answer, as plain data (so it can cross a process boundary).

    ``graphs``: None = the union default graph (or the query's own FROM), else the protocol dataset
    (``default``, ``named`` IRIs); ``fmt``: the negotiated format name, or None when the query form
    decides it (``accept`` and ``requested`` then choose); ``page``: title and query text of an HTML page.
    """

    text: str
    cap: int
    fmt: str | None = None
    accept: str | None = None
    requested: str | None = None
    base_iri: str | None = None
    union: bool = True
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    bounded: bool = False
    where: str = "query"
    page: tuple[tuple[str, str], ...] = ()

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"prefixes": PREFIXES}
        if self.base_iri:
            options["base_iri"] = self.base_iri
        if self.default_graph is not None or self.named_graphs is not None:
            try:
                options["default_graph"] = [ox.NamedNode(u) for u in self.default_graph or ()]
                options["named_graphs"] = [ox.NamedNode(u) for u in self.named_graphs or ()]
            except ValueError as exc:
                raise RequestError(f"invalid graph IRI: {exc}", 400) from exc
        elif self.union:
            options["use_default_graph_as_union"] = True
        return options


@dataclass(frozen=True)
class Rendered:
    """A query's answer, serialised: the body, its media type and whether the result cap cut it."""

    kind: str  # select | ask | graph
    media_type: str
    body: bytes
    truncated: bool = False


def run_job(store: ox.Store, job: Job, deadline: float, cancelled: threading.Event) -> Rendered:
    """Run a job and serialise its answer in the negotiated format (pyoxigraph's writers when they fit)."""
    fmt = BY_NAME[job.fmt] if job.fmt else None
    answer = execute(store, job.text, job.options(), job.cap, deadline, cancelled, fmt=fmt, bounded=job.bounded,
                     where=job.where)
    if fmt is None:
        fmt = choose_format(job.accept, candidates(answer.kind), job.requested)
    if answer.body is not None and fmt.oxigraph is not None:
        return Rendered(answer.kind, media_type(fmt), answer.body, answer.truncated)
    assert answer.results is not None
    page = dict(job.page)
    return Rendered(answer.kind, media_type(fmt), _payload(answer.results, fmt, answer.truncated, job.cap, page),
                    answer.truncated)


def _payload(results: Results, fmt: Format, truncated: bool, cap: int, page: dict[str, str]) -> bytes:
    if fmt.name == "html":
        return results_page(results, query=page.get("query"), truncated=truncated, limit=cap,
                            title=page.get("title") or "Query results").encode("utf-8")
    if results.kind == "select" and fmt.name == "json":  # render's indented JSON is 3x slower
        bindings = [{v: json_term(t) for v, t in row.items() if t is not None} for row in results.rows]
        return json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = render(results, fmt.name)
    return body if isinstance(body, bytes) else body.encode("utf-8")


@dataclass
class Answer:
    """What a query produced: a body already serialised by pyoxigraph, or :class:`Results` to render
    in Python (HTML, graphs, answers cut at the cap)."""

    kind: str  # select | ask | graph
    body: bytes | None = None
    results: Results | None = None
    truncated: bool = False


class _Sink:
    """A binary writer for pyoxigraph's serialisers that stops them once the deadline passes."""

    def __init__(self, deadline: float, cancelled: threading.Event) -> None:
        self.parts: list[bytes] = []
        self.deadline = deadline
        self.cancelled = cancelled

    def write(self, data: bytes) -> int:
        if self.cancelled.is_set() or time.monotonic() > self.deadline:
            raise Cancelled()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def execute(store: ox.Store, text: str, options: dict[str, Any], cap: int, deadline: float,
            cancelled: threading.Event, fmt: Format | None = None, bounded: bool = False,
            where: str = "query") -> Answer:
    """Run a query, reading at most ``cap`` rows/triples and stopping when the deadline passes.

    ``fmt`` is the negotiated response format (None: not known yet); ``bounded`` says the query's
    outer LIMIT is within ``cap``, so its SELECT answer may be serialised by pyoxigraph whole.
    """
    result: Any = None
    item: Any = None
    oxfmt = fmt.oxigraph if fmt is not None and isinstance(fmt.oxigraph, ox.QueryResultsFormat) else None
    try:
        result = store.query(text, **options)
        if isinstance(result, ox.QueryBoolean):
            if oxfmt is not None:
                return Answer("ask", body=result.serialize(format=oxfmt))
            return Answer("ask", results=Results("ask", boolean=bool(result)))
        is_graph = isinstance(result, ox.QueryTriples)
        if not is_graph and bounded and oxfmt is not None:
            sink = _Sink(deadline, cancelled)
            result.serialize(sink, format=oxfmt)
            return Answer("select", body=b"".join(sink.parts))
        items: list[Any] = []
        truncated = False
        variables = [] if is_graph else [v.value for v in result.variables]
        for item in result:
            if cancelled.is_set() or time.monotonic() > deadline:
                raise Cancelled()
            if len(items) >= cap:
                truncated = True
                break
            items.append(item if is_graph else dict(zip(variables, item, strict=False)))
    except SyntaxError as exc:
        raise syntax_error(exc, where) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc.__cause__ or exc.__context__, Cancelled):
            raise Cancelled() from None
        raise QueryError(f"the query failed: {exc}", where) from exc
    finally:
        # pyoxigraph's result iterators are bound to this thread: drop them here, not wherever a
        # traceback holding this frame ends up
        result = item = None
    if is_graph:
        return Answer("graph", results=Results("graph", triples=items), truncated=truncated)
    return Answer("select", results=Results("select", variables, items), truncated=truncated)
