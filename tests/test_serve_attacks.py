"""Each attack of issue 11, tried on the app: afterwards the server is alive, a never-seen query
answers, the worker that ran the attack is gone (so its CPU is free), and memory stays bounded.

No timed assertions: "gone" is checked on the process table (a SIGKILLed worker no longer exists),
and ordering (a cheap request finishing while a runaway query still runs) rather than durations.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from dprk_ld.load import load_project
from dprk_ld.query.guard import Bounds
from dprk_ld.serve import create_app
from dprk_ld.serve.cache import ByteLRU
from dprk_ld.serve.execute import Job
from dprk_ld.serve.pool import rss_bytes

from .test_guard import Canary
from .test_serve import call

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GROWING = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i LIMIT 5"
#: a query worker's resident memory on the fixture stays well under this (measured: about 60 MB)
WORKER_RSS_BOUND = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def dataset() -> Any:
    return load_project(FIXTURE)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z" if Path(f"/proc/{pid}").exists() else False


def never_seen(app: Any) -> None:
    """A query this app has not answered before answers now."""
    nonce = os.urandom(6).hex()
    r = call(app, "GET", "/sparql", params={"query": f"SELECT ('{nonce}' AS ?x) {{}}"})
    assert r.status_code == 200 and nonce in r.text
    assert call(app, "GET", "/").status_code == 200


def workers(app: Any) -> list[int]:
    return [w.proc.pid for w in app.state.pool.workers]


def test_crashing_queries_are_400_before_the_engine(dataset: Any) -> None:
    app = create_app(dataset)
    try:
        for query in ("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
                      "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
                      "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 7000) + " }"):
            r = call(app, "POST", "/sparql", data={"query": query})
            assert r.status_code == 400 and "too complex" in r.text
        assert app.state.pool.spawned == 0  # refused before any worker was needed
        never_seen(app)
    finally:
        app.state.service.close()


def test_a_worker_that_dies_is_replaced_and_the_client_told(dataset: Any) -> None:
    loose = create_app(dataset, bounds=Bounds(max_depth=100_000, max_tokens=1_000_000, max_chars=10**7))
    try:
        never_seen(loose)
        (first,) = workers(loose)
        r = call(loose, "POST", "/sparql", data={"query": "SELECT * WHERE " + "{" * 20000 + "?s ?p ?o" + "}" * 20000})
        assert r.status_code == 500 and "crashed" in r.text and "killed by SIG" in r.text, r.text
        assert not alive(first)
        never_seen(loose)
        assert workers(loose) and workers(loose) != [first]
    finally:
        loose.state.service.close()


def test_runaway_queries_are_killed_and_free_their_workers(dataset: Any) -> None:
    app = create_app(dataset, timeout_s=1.0, max_concurrent=2, queue=8)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:
            return list(await asyncio.gather(*(client.get("/sparql", params={"query": PRODUCT + f" # {i}"})
                                               for i in range(4))))

    try:
        never_seen(app)
        before = set(workers(app))
        responses = asyncio.run(go())
        assert [r.status_code for r in responses] == [503] * 4
        assert all(r.headers.get("retry-after") for r in responses)
        assert any("time limit" in r.text for r in responses)
        assert not any(alive(pid) for pid in before)  # killed: no CPU left to them
        killed = app.state.pool.spawned
        never_seen(app)
        assert all(rss_bytes(pid) < WORKER_RSS_BOUND for pid in workers(app))
        assert app.state.pool.spawned >= killed
    finally:
        app.state.service.close()


def test_a_full_queue_answers_503_with_retry_after(dataset: Any) -> None:
    app = create_app(dataset, timeout_s=3, max_concurrent=1, queue=0)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:
            runaway = asyncio.ensure_future(client.get("/sparql", params={"query": PRODUCT}))
            while not app.state.pool.workers or app.state.pool.idle:  # until the runaway holds the worker
                await asyncio.sleep(0.05)
            busy = await client.get("/sparql", params={"query": "ASK {}"})
            return [busy, await runaway]

    try:
        busy, runaway = asyncio.run(go())
        assert busy.status_code == 503 and "busy" in busy.text and int(busy.headers["retry-after"]) >= 1
        assert runaway.status_code == 503 and "time limit" in runaway.text
        never_seen(app)
    finally:
        app.state.service.close()


def test_a_query_past_the_memory_cap_is_stopped(dataset: Any) -> None:
    app = create_app(dataset, timeout_s=120, max_concurrent=1, memory_mb=200)
    try:
        r = call(app, "GET", "/sparql", params={"query": GROWING})
        assert r.status_code == 503 and "query too large" in r.text
        never_seen(app)
        assert all(rss_bytes(pid) < WORKER_RSS_BOUND for pid in workers(app))
    finally:
        app.state.service.close()


def test_the_event_loop_answers_while_a_runaway_runs(dataset: Any) -> None:
    """The old shortcut ran 'known fast' queries on the event loop; NOW() made one slow later. Nothing
    runs there now: while a cartesian product with NOW() runs, every route answers."""
    app = create_app(dataset, timeout_s=15, max_concurrent=2)
    slow = ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . "
            "?g ?h ?i . ?j ?k ?l FILTER(NOW() > '2000-01-01T00:00:00Z'^^xsd:dateTime) }")
    order: list[str] = []

    async def go() -> None:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:
            async def fetch(name: str, url: str, **params: str) -> None:
                r = await client.get(url, params=params)
                order.append(f"{name}:{'ok' if r.status_code < 400 else r.status_code}")

            runaway = asyncio.ensure_future(fetch("runaway", "/sparql", query=slow))
            await asyncio.sleep(0.5)
            await fetch("index", "/")
            await fetch("query", "/sparql", query="ASK { ?s ?p ?o }")
            await fetch("page", "/id/state/RUS")
            await runaway

    try:
        asyncio.run(go())
        assert order == ["index:ok", "query:ok", "page:ok", "runaway:503"]
    finally:
        app.state.service.close()


def test_now_is_never_answered_from_a_cache(dataset: Any) -> None:
    app = create_app(dataset)
    try:
        query = "SELECT (STR(NOW()) AS ?t) (STRUUID() AS ?u) {}"
        answers = {call(app, "GET", "/sparql", params={"query": query}).text for _ in range(3)}
        assert len(answers) == 3
    finally:
        app.state.service.close()


def test_workers_have_no_network(dataset: Any) -> None:
    """Defence in depth: a SERVICE the guard never sees (sent straight to a worker) cannot connect."""
    app = create_app(dataset)
    canary = Canary()
    try:
        never_seen(app)
        assert all(w.sandbox == "seccomp" for w in app.state.pool.workers)
        job = Job(f"SELECT * {{ SERVICE <http://127.0.0.1:{canary.port}/sparql> {{ ?s ?p ?o }} }}", 10)
        with pytest.raises(Exception, match="Operation not permitted|failed|error"):
            asyncio.run(app.state.pool.run(job))
        assert canary.hits == 0
    finally:
        canary.close()
        app.state.service.close()


def test_service_through_the_endpoint_never_connects(dataset: Any) -> None:
    app = create_app(dataset)
    canary = Canary()
    try:
        for text in (f"SELECT * {{ ?s ?p trueSERVICE<http://127.0.0.1:{canary.port}/x>{{?x ?y ?z}} }}",
                     f"PREFIX : <http://127.0.0.1:{canary.port}/>\nSELECT * {{ SERVICE:x{{?x ?y ?z}} }}",
                     f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{canary.port}/> {{}} }}"):
            assert call(app, "GET", "/sparql", params={"query": text}).status_code == 403
        assert canary.hits == 0
    finally:
        canary.close()
        app.state.service.close()


def test_a_huge_accept_header_is_not_echoed(dataset: Any) -> None:
    app = create_app(dataset)
    try:
        r = call(app, "GET", "/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png," + "x" * 8000})
        assert r.status_code == 406 and len(r.content) < 1000
        r = call(app, "GET", "/", headers={"X-Big": "y" * 40_000})
        assert r.status_code == 431 and len(r.content) < 1000
    finally:
        app.state.service.close()


def test_the_check_cache_is_bounded_in_bytes(dataset: Any) -> None:
    app = create_app(dataset)
    service = app.state.service
    try:
        for i in range(40):
            text = f"SELECT * {{ ?s ?p ?o }} # {i} " + "x" * 200_000
            assert call(app, "POST", "/sparql", data={"query": text}).status_code == 200
        assert service.checks.used <= service.limits.cache_bytes
    finally:
        service.close()
    lru: ByteLRU[int] = ByteLRU(10_000)
    for i in range(1000):
        lru.put(f"key {i}", i, 100)
    assert lru.used <= 10_000 and lru.get("key 999") == 999 and lru.get("key 0") is None


# ---------------------------------------------------------------- pages

def test_only_http_iris_become_links(dataset: Any) -> None:
    app = create_app(dataset)
    try:
        q = "SELECT ?x { VALUES ?x { <javascript:alert(1)> <data:text/html,x> <https://example.org/ok> } }"
        page = call(app, "GET", "/sparql", params={"query": q}, headers={"Accept": "text/html"}).text
        assert 'href="https://example.org/ok"' in page
        assert not re.search(r'<a [^>]*href="\s*(javascript|data):', page, re.IGNORECASE)
        assert "javascript:alert(1)" in page  # shown as text
    finally:
        app.state.service.close()


@pytest.mark.parametrize("path", ["/", "/sparql", "/queries", "/id/state/RUS", "/ontology", "/nowhere",
                                  "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201"])
def test_html_pages_send_security_headers(dataset: Any, path: str) -> None:
    import base64
    import hashlib

    app = create_app(dataset)
    try:
        r = call(app, "GET", path, headers={"Accept": "text/html"})
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"]
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        # scripts: none, or the site's own files when the page loads one (a result table's table.js)
        expected = "script-src 'self'" if re.search(r'<script src="/', r.text) else "script-src 'none'"
        assert expected in csp
        for style in re.findall(r"<style>(.*?)</style>", r.text, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp
    finally:
        app.state.service.close()


# ---------------------------------------------------------------- the command line

@pytest.mark.parametrize("query", ["SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
                                   "SELECT * { ?s ?p trueSERVICE<http://127.0.0.1:9/x>{?x ?y ?z} }"])
def test_the_cli_refuses_instead_of_crashing(query: str) -> None:
    run = subprocess.run([sys.executable, "-m", "dprk_ld", "sparql", "--project", str(FIXTURE), "-f", "-"],
                         input=query, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, (run.returncode, run.stderr[-300:])
    assert "Traceback" not in run.stderr and ("too complex" in run.stderr or "SERVICE" in run.stderr)


# ---------------------------------------------------------------- at the socket (uvicorn)

def _read_until_closed(sock: Any) -> bytes:
    sock.settimeout(60)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_oversized_and_slow_request_heads(tmp_path: Path) -> None:
    import select
    import socket
    from urllib.parse import urlsplit

    from .servers import dprk_serve

    with dprk_serve(FIXTURE, tmp_path, 60, "--header-timeout", "1") as base:
        address = (urlsplit(base).hostname, urlsplit(base).port)
        # a 100 MiB Accept header: refused with 431 after the first few reads, never read whole
        big = socket.create_connection(address)
        big.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: ")
        sent, answer = 0, b""
        try:
            while sent < 100 * 1024 * 1024:
                big.sendall(b"a" * 65536)
                sent += 65536
                if select.select([big], [], [], 0)[0]:
                    answer = _read_until_closed(big)
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = answer or _read_until_closed(big)
        big.close()
        assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
        assert sent < 10 * 1024 * 1024 and b"aaaa" not in answer
        # a client that never finishes its request head is cut off (408), not kept forever
        slow = socket.create_connection(address)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert _read_until_closed(slow).startswith(b"HTTP/1.1 408")
        slow.close()
        # a kept-alive connection idle longer than the head timeout (but within keep-alive) is not sent a 408
        with httpx.Client(base_url=base, timeout=60) as client:
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
            time.sleep(2)  # > --header-timeout 1, < the 5 s keep-alive
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        r = httpx.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("body", ["SELECT ?focus WHERE " + "{" * 3000 + "?focus ?p ?o" + "}" * 3000,
                                  "SELECT ?focus WHERE { ?focus ?p trueSERVICE<http://127.0.0.1:9/x>{?x ?y ?z} }"])
def test_validate_refuses_a_hostile_violation_query(tmp_path: Path, body: str) -> None:
    import shutil

    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "queries" / "hostile-violation.rq").write_text(
        f"# title: Hostile\n# description: a violation query the engine must never run.\n# columns: focus\n{body}\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "dprk_ld", "validate", "--project", str(project)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, (run.returncode, run.stderr[-300:])
    assert "hostile-violation.rq" in run.stderr and "Traceback" not in run.stderr
