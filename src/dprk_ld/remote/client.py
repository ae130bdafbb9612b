"""A read-only SPARQL 1.1 Protocol client for large stores: streamed, paged and polite.

Implements the query operation of SPARQL 1.1 Protocol (W3C Recommendation, 2013) §2.1: POST with
``application/sparql-query`` and the protocol dataset (``default-graph-uri``, ``named-graph-uri``)
as URL parameters. What a front end to a large store needs on top:

- **streaming**: SELECT answers are parsed by pyoxigraph as they arrive (JSON, XML or TSV), so a
  page is never held as text;
- **paging** (:meth:`Endpoint.select_paged`): ``LIMIT/OFFSET`` over a total ``ORDER BY`` of every
  projected variable, so that stores which cut answers silently (Virtuoso's ``ResultSetMaxRows``)
  still give every row, and the client holds one page at a time;
- **polite retries**: 429 and 503 (and 502/504, dropped connections) are retried with exponential
  backoff, honouring ``Retry-After`` (seconds or an HTTP date), up to ``retries`` times;
- **no writes**: only queries are ever sent; an update is refused before it leaves the machine.

Failures raise :class:`~dprk_ld.errors.EndpointError` with the endpoint as location.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyoxigraph as ox

from ..errors import EndpointError

SELECT_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                 "text/tab-separated-values;q=0.8")
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RETRY_STATUS = frozenset({429, 502, 503, 504})
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-quads": ox.RdfFormat.N_QUADS,
}
_PROLOGUE = re.compile(r"^(\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*|#[^\n]*\n))*", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def split_prologue(text: str) -> tuple[str, str]:
    """(PREFIX/BASE declarations, the rest): a query's body can then be nested as a subquery."""
    m = _PROLOGUE.match(text)
    end = m.end() if m else 0
    return text[:end], text[end:]


def projection(text: str) -> list[str]:
    """The variables a SELECT projects, in order (``?x`` and ``(expr AS ?y)``); [] for ``SELECT *``."""
    _, body = split_prologue(text)
    m = re.match(r"\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?", body, re.IGNORECASE)
    if not m:
        raise EndpointError("not a SELECT query, cannot page it")
    out, depth, i = [], 0, m.end()
    while i < len(body):
        ch = body[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch == "*":
            return []
        elif depth == 0 and body[i:i + 5].upper() in ("WHERE", "FROM ") or (depth == 0 and ch == "{"):
            break
        if ch in "?$" and depth <= 1:
            name = re.match(r"[?$](\w+)", body[i:])
            if name:
                if depth == 0 or re.match(r"\s*\)", body[i + len(name.group(0)):]):
                    out.append(name.group(1))
                i += len(name.group(0))
                continue
        i += 1
    return out


class _Stream:
    """A file-like view of an httpx response's body, for pyoxigraph's streaming parsers."""

    def __init__(self, response: httpx.Response) -> None:
        self.chunks = response.iter_bytes()
        self.buf = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self.buf) < n:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buf += chunk
        if n < 0:
            out, self.buf = self.buf, b""
        else:
            out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def readable(self) -> bool:
        return True


@dataclass
class Stats:
    """What the client did: requests sent, retries, rows read (for reports and benchmarks)."""

    requests: int = 0
    retries: int = 0
    rows: int = 0
    pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for k, v in counts.items():
                setattr(self, k, getattr(self, k) + v)


class Endpoint:
    """One SPARQL 1.1 query endpoint, used read-only (thread-safe: one pooled HTTP client)."""

    def __init__(self, url: str, *, timeout: float = 300.0, retries: int = 6, page_size: int = 10_000,
                 max_backoff: float = 60.0, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.page_size = page_size
        self.max_backoff = max_backoff
        self.stats = Stats()
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 30.0)),
                                   headers={"User-Agent": "dprk-ld (read-only validator)", **(headers or {})},
                                   limits=httpx.Limits(max_connections=16))

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------------ requests
    def _params(self, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
                ) -> list[tuple[str, str | int | float | bool | None]]:
        out: list[tuple[str, str | int | float | bool | None]] = []
        return out + ([("default-graph-uri", g) for g in default_graph or ()]
                + [("named-graph-uri", g) for g in named_graphs or ()])

    def _wait(self, response: httpx.Response | None, attempt: int) -> float:
        """Seconds to wait before retry ``attempt``: the server's Retry-After, else exponential backoff."""
        after = response.headers.get("retry-after") if response is not None else None
        if after:
            if after.strip().isdigit():
                return min(float(after), self.max_backoff)
            when = email.utils.parsedate_to_datetime(after) if after else None
            if when is not None:
                return max(0.0, min(when.timestamp() - time.time(), self.max_backoff))
        return float(min(self.max_backoff, 0.5 * 2 ** attempt) * (0.5 + random.random() / 2))

    def _open(self, text: str, accept: str, default_graph: Sequence[str] | None,
              named_graphs: Sequence[str] | None) -> Any:
        """An open streamed response (a context manager) with status 200, after polite retries."""
        if _UPDATE.match(split_prologue(text)[1]):
            raise EndpointError("refusing to send a SPARQL Update: dprk-ld only reads from stores", self.url)
        params = self._params(default_graph, named_graphs)
        for attempt in range(self.retries + 1):
            self.stats.add(requests=1)
            response = None
            try:
                ctx = self.client.stream("POST", self.url, params=params, content=text.encode("utf-8"),
                                         headers={"Content-Type": "application/sparql-query; charset=utf-8",
                                                  "Accept": accept})
                response = ctx.__enter__()
            except httpx.TimeoutException as exc:
                raise EndpointError(f"no answer within {self.timeout:g} s", self.url,
                                    "the store is slow: raise --timeout, or the store's own query timeout") from exc
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise EndpointError(f"cannot reach the endpoint: {exc}", self.url,
                                        "check the URL (e.g. http://localhost:7878/query) and that it is up") from exc
            else:
                if response.status_code == 200:
                    return ctx, response
                body = response.read()[:400].decode("utf-8", "replace")
                ctx.__exit__(None, None, None)
                if response.status_code not in RETRY_STATUS or attempt == self.retries:
                    detail = " ".join(body.split())[:300]
                    raise EndpointError(f"the endpoint answered HTTP {response.status_code}: {detail}", self.url,
                                        _hint(response.status_code))
            self.stats.add(retries=1)
            time.sleep(self._wait(response, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ query forms
    def select(self, text: str, default_graph: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None) -> Iterator[ox.QuerySolution]:
        """The solutions of a SELECT, streamed (parsed as they arrive)."""
        ctx, response = self._open(text, SELECT_ACCEPT, default_graph, named_graphs)
        try:
            fmt = _results_format(response, self.url)
            try:
                # [arg-type]: the stub asks for IO[bytes]; pyoxigraph only calls read() on it, which _Stream has
                solutions = ox.parse_query_results(_Stream(response), fmt)  # type: ignore[arg-type]
                if isinstance(solutions, ox.QueryBoolean):
                    raise EndpointError("the endpoint answered a boolean to a SELECT", self.url)
                n = 0
                for row in solutions:
                    n += 1
                    yield row
                self.stats.add(rows=n)
            except SyntaxError as exc:
                raise EndpointError(f"the endpoint's answer is not valid SPARQL results: {exc}", self.url) from exc
            except httpx.HTTPError as exc:
                raise EndpointError(f"the answer broke off: {exc}", self.url) from exc
        finally:
            ctx.__exit__(None, None, None)

    def select_paged(self, text: str, default_graph: Sequence[str] | None = None,
                     named_graphs: Sequence[str] | None = None) -> Iterator[ox.QuerySolution]:
        """The solutions of a SELECT, one page of ``page_size`` at a time (``0``: no paging).

        Each page is ``SELECT vars { { query } } ORDER BY vars LIMIT n OFFSET k`` and is read whole
        before it is handed on, so a page that breaks off is asked again, not half-counted."""
        if not self.page_size:
            yield from self.select(text, default_graph, named_graphs)
            return
        prologue, body = split_prologue(text)
        names = projection(text)
        if not names:
            raise EndpointError("cannot page a SELECT * query", self.url)
        head = " ".join("?" + n for n in names)
        offset = 0
        while True:
            page_text = (f"{prologue}SELECT {head} WHERE {{ {{ {body} }} }} ORDER BY {head} "
                         f"LIMIT {self.page_size} OFFSET {offset}")
            page = self._page(page_text, default_graph, named_graphs)
            self.stats.add(pages=1)
            yield from page
            if len(page) < self.page_size:
                return
            offset += self.page_size

    def _page(self, text: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
              ) -> list[ox.QuerySolution]:
        for attempt in range(self.retries + 1):
            try:
                return list(self.select(text, default_graph, named_graphs))
            except EndpointError as exc:
                if "broke off" not in exc.message or attempt == self.retries:
                    raise
                self.stats.add(retries=1)
                time.sleep(self._wait(None, attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def ask(self, text: str, default_graph: Sequence[str] | None = None,
            named_graphs: Sequence[str] | None = None) -> bool:
        ctx, response = self._open(text, SELECT_ACCEPT, default_graph, named_graphs)
        try:
            result = ox.parse_query_results(response.read(), _results_format(response, self.url))
        except SyntaxError as exc:
            raise EndpointError(f"the endpoint's answer is not valid SPARQL results: {exc}", self.url) from exc
        finally:
            ctx.__exit__(None, None, None)
        if not isinstance(result, ox.QueryBoolean):
            raise EndpointError("the endpoint answered solutions to an ASK", self.url)
        return bool(result)

    def construct(self, text: str, default_graph: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE (read whole: meant for small graphs)."""
        ctx, response = self._open(text, GRAPH_ACCEPT, default_graph, named_graphs)
        try:
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            fmt = GRAPH_FORMATS.get(media)
            if fmt is None:
                raise EndpointError(f"the endpoint answered {media or 'no content type'}, not RDF", self.url)
            body = response.read()
        finally:
            ctx.__exit__(None, None, None)
        try:
            return [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(body, format=fmt)]
        except SyntaxError as exc:
            raise EndpointError(f"the endpoint's answer is not valid RDF: {exc}", self.url) from exc


def _results_format(response: httpx.Response, url: str) -> ox.QueryResultsFormat:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = RESULT_FORMATS.get(media)
    if fmt is None:
        raise EndpointError(f"the endpoint answered {media or 'no content type'}, not SPARQL results", url,
                            "is it a SPARQL query endpoint? (often …/sparql or …/query)")
    return fmt


def _hint(status: int) -> str:
    return {400: "the store rejected the query: it may not support a SPARQL 1.1 feature the check uses",
            401: "the store wants credentials", 403: "the store refused access",
            404: "check the endpoint URL (Oxigraph: http://HOST:7878/query, Fuseki: …/DATASET/sparql)",
            429: "the store is rate-limiting: retry later or raise its limits",
            503: "the store is overloaded or its query timeout is too short for this check"}.get(
        status, "see the store's log")
