"""The SPARQL 1.1 Protocol client of remote runs: polite retries, paging over a total order, no writes."""

from __future__ import annotations

import json
import threading
import time

import pytest

from dprk_ld.errors import EndpointError
from dprk_ld.remote.client import Endpoint, projection, split_prologue

from .servers import QuietHandler, quiet_http_server

EMPTY = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()
ANSWER = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
    {"s": {"type": "uri", "value": "http://example.org/a"}}]}}).encode()


def scripted(statuses: list[tuple[int, dict[str, str]]], seen: list[tuple[float, str]]) -> type:
    """A handler answering the scripted statuses in turn (then 200 with one row), recording each request."""
    lock = threading.Lock()

    class Handler(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            with lock:
                seen.append((time.monotonic(), self.path + " " + body))
                status, headers = statuses.pop(0) if statuses else (200, {})
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            payload = (EMPTY if "OFFSET 2" in body else ANSWER) if status == 200 else b"busy"
            self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def test_retries_429_and_503_honouring_retry_after() -> None:
    seen: list[tuple[float, str]] = []
    handler = scripted([(503, {"Retry-After": "1"}), (429, {"Retry-After": "0"}), (502, {})], seen)
    with quiet_http_server(handler) as base:
        ep = Endpoint(base + "/sparql", max_backoff=2)
        rows = list(ep.select("SELECT ?s WHERE { ?s ?p ?o }", ["http://example.org/g"]))
    assert [r[0].value for r in rows] == ["http://example.org/a"]
    assert len(seen) == 4 and ep.stats.retries == 3
    assert seen[1][0] - seen[0][0] >= 0.9  # waited as told by Retry-After
    assert "default-graph-uri=http%3A%2F%2Fexample.org%2Fg" in seen[0][1]


def test_gives_up_after_retries_and_does_not_retry_a_bad_query() -> None:
    seen: list[tuple[float, str]] = []
    with quiet_http_server(scripted([(503, {"Retry-After": "0"})] * 5, seen)) as base:
        with pytest.raises(EndpointError, match="HTTP 503"):
            list(Endpoint(base + "/q", retries=2).select("SELECT ?s WHERE { ?s ?p ?o }"))
    assert len(seen) == 3
    seen.clear()
    with quiet_http_server(scripted([(400, {})], seen)) as base:
        with pytest.raises(EndpointError, match="HTTP 400"):
            list(Endpoint(base + "/q").select("SELECT ?s WHERE { ?s ?p ?o }"))
    assert len(seen) == 1


def test_pages_are_ordered_on_every_projected_variable() -> None:
    seen: list[tuple[float, str]] = []
    with quiet_http_server(scripted([], seen)) as base:
        ep = Endpoint(base + "/q", page_size=1)
        rows = list(ep.select_paged("PREFIX ex: <http://example.org/>\nSELECT DISTINCT ?s (COUNT(?o) AS ?n) "
                                    "WHERE { ?s ex:p ?o } GROUP BY ?s"))
    assert len(rows) == 2 and len(seen) == 3  # two full pages, then an empty one
    assert "ORDER BY ?s ?n LIMIT 1 OFFSET 0" in seen[0][1] and "OFFSET 1" in seen[1][1]
    assert seen[0][1].split(" ", 1)[1].startswith("PREFIX ex:")


def test_projection_and_prologue() -> None:
    assert projection("SELECT ?f ?v ?__b0 WHERE { ?f ?p ?v }") == ["f", "v", "__b0"]
    assert projection("SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE { }") == ["f", "n"]
    assert projection("PREFIX a: <x:>\nSELECT DISTINCT ?x (true AS ?__c0) { ?x a:p 1 }") == ["x", "__c0"]
    assert projection("SELECT * WHERE { ?s ?p ?o }") == []
    assert split_prologue("PREFIX a: <x:>\n# note\nSELECT ?s {}") == ("PREFIX a: <x:>\n# note\n", "SELECT ?s {}")


def test_never_sends_an_update() -> None:
    seen: list[tuple[float, str]] = []
    with quiet_http_server(scripted([], seen)) as base:
        with pytest.raises(EndpointError, match="refusing to send a SPARQL Update"):
            list(Endpoint(base + "/q").select("PREFIX a: <x:>\nINSERT DATA { a:s a:p a:o }"))
    assert seen == []



