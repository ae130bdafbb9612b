"""``dprk-ld serve --store``: the public service in front of a real Oxigraph server, bounded and read-only.

tests/test_serve.py runs every protocol, negotiation, page and linked-data test on both backends;
here: what only the store backend does — the result cap cut while the answer streams, runaway
queries stopped by the deadline (503 + Retry-After) while the service keeps answering, nothing ever
written to the store, a store that goes away (502), and the command end to end.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from dprk_ld.errors import RequestError
from dprk_ld.load import load_project
from dprk_ld.project import find_project
from dprk_ld.query import run_remote
from dprk_ld.serve import create_app
from dprk_ld.serve.store import store_dataset

from .servers import dprk_serve, load_dataset, oxigraph_server

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        load_dataset(base, load_project(FIXTURE))
        yield base


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", follow_redirects=True) as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def test_result_cap_while_streaming(store: str) -> None:
    app = create_app(store_dataset(store + "/query", find_project(FIXTURE)), max_results=3)
    r = call(app, "GET", "/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200 and r.headers["X-Result-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 3
    r = call(app, "GET", "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
             headers={"Accept": "application/n-triples"})
    assert r.headers["X-Result-Truncated"] == "true" and len(r.text.strip().splitlines()) == 3


def test_runaway_queries_time_out_and_the_service_answers_meanwhile(store: str) -> None:
    app = create_app(store_dataset(store + "/query", find_project(FIXTURE)), timeout_s=1.0, max_concurrent=2)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            slow = [client.get("/sparql", params={"query": PRODUCT + f" # {i}"}) for i in range(2)]
            quick = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            return list(await asyncio.gather(*slow, quick))

    try:
        *slow, quick = asyncio.run(go())
        assert [r.status_code for r in slow] == [503, 503]
        assert all(r.headers.get("retry-after") for r in slow) and "time limit" in slow[0].text
        assert quick.status_code in (200, 503)  # the loop answered; a slot may still be taken by the store
    finally:
        app.state.service.close()


@pytest.mark.parametrize("query", ["INSERT DATA { <x:s> <x:p> <x:o> }", "DROP ALL", "LOAD <http://example.org/>",
                                   "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                                   "SELECT * FROM <http://example.org/elsewhere> { ?s ?p ?o }"])
def test_nothing_is_written_nor_fetched(store: str, query: str) -> None:
    before = run_remote(store + "/query", GRAPHS).sorted_rows()
    app = create_app(store_dataset(store + "/query", find_project(FIXTURE)))
    for how in ({"params": {"query": query}}, {"data": {"update": query}}):
        r = call(app, "POST" if "data" in how else "GET", "/sparql", **how)
        assert r.status_code in (400, 403, 415), r.text
    assert run_remote(store + "/query", GRAPHS).sorted_rows() == before


def test_a_store_that_goes_away_is_502(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, load_project(FIXTURE))
        app = create_app(store_dataset(base + "/query", find_project(FIXTURE)))
    r = call(app, "GET", "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1"})
    assert r.status_code == 502 and "cannot reach" in r.text


def test_serve_store_command(store: str, tmp_path: Path) -> None:
    with dprk_serve(FIXTURE, tmp_path, 60, "--store", store + "/query") as base:
        r = httpx.get(base + "/sparql", params={"query": "ASK { ?s a dprk:State }"},
                      headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["boolean"] is True
        page = httpx.get(base + "/", follow_redirects=True)
        assert page.status_code == 200 and "<html" in page.text


#: not /ontology: its owl:unionOf lists are blank nodes, which a store cannot be asked about again
#: (docs/scale.md: a page shows a blank node's triples only when they come with its parent's query)
PAGES = ("/", "/claims", "/entities", "/sources", "/timeline", "/relations", "/search-index.js", "/id/",
         "/id/state/", "/prop/", "/id/state/RUS")


def test_pages_are_the_embedded_ones(store: str) -> None:
    """Under --store the site reads through its own model (no capped scans, claims fetched a thousand per
    request): every page, namespace and list alike, is byte for byte the embedded server's."""
    embedded = create_app(load_project(FIXTURE))
    remote = create_app(store_dataset(store + "/query", find_project(FIXTURE)))
    for path in PAGES:
        a, b = call(embedded, "GET", path), call(remote, "GET", path)
        assert (a.status_code, a.text) == (b.status_code, b.text), path
        assert a.status_code == 200, path


def test_a_page_never_reads_the_whole_store(store: str) -> None:
    ds = store_dataset(store + "/query", find_project(FIXTURE))
    with pytest.raises(RequestError) as err:
        ds.store.quads_for_pattern(None, None, None)
    assert err.value.http_status == 503
