"""Running one query and serialising its answer: the work a query worker does (:mod:`.worker`).

Implements the result side of the SPARQL 1.1 Protocol (§2.1.6 result formats; SPARQL 1.1 Query
Results JSON/XML/CSV/TSV, RDF syntaxes for graphs) for one :class:`Job`, under a cap on rows (or
triples): answers beyond it are cut and say so. Where pyoxigraph can write the negotiated format
itself — ASK answers, and SELECT answers whose outer ``LIMIT`` is within the cap — it does, with
no Python object per row; other answers are read row by row and rendered here (HTML tables too).
This module runs no thread and keeps no clock of its own: isolation, deadlines and memory caps are
the pool's (:mod:`dprk_ld.serve.pool`), which kills a worker rather than asking a query to stop.
"""

from __future__ import annotations

import json
import threading
import time
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


class Cancelled(Exception):
    """The deadline passed while results were produced (only when a caller gives a finite deadline)."""


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
                            title=page.get("title") or "Query results", base=page.get("base")).encode("utf-8")
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
