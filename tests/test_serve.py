"""The web app in process (httpx + ASGI transport): every route and every error of issue 5."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from dprk_ld.load import load_project
from dprk_ld.project import find_project
from dprk_ld.serve import create_app
from dprk_ld.serve.store import store_dataset

from .servers import load_dataset, oxigraph_server

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
SELECT = "SELECT ?s ?label WHERE { ?s a dprk:State ; rdfs:label ?label FILTER(lang(?label) = 'en') } ORDER BY ?s"


@pytest.fixture(scope="module")
def dataset() -> Any:
    return load_project(FIXTURE)


@pytest.fixture(scope="module", params=["embedded", "store"])
def app(request: pytest.FixtureRequest, dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The service on the embedded store, and on the same data in an Oxigraph server (``serve --store``)."""
    if request.param == "embedded":
        yield create_app(dataset)
        return
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        load_dataset(base, dataset)
        yield create_app(store_dataset(base + "/query", find_project(FIXTURE)))


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     follow_redirects=True) as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


# ---------------------------------------------------------------- SPARQL protocol

@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_three_ways(app: Any, how: str) -> None:
    if how == "get":
        r = call(app, "GET", "/sparql", params={"query": SELECT})
    elif how == "form":
        r = call(app, "POST", "/sparql", data={"query": SELECT})
    else:
        r = call(app, "POST", "/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows = r.json()["results"]["bindings"]
    assert [b["label"]["value"] for b in rows] == ["China", "North Korea", "Russia", "United States"]


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html", "text/html"),
    ("application/json;q=0.5, text/csv", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_negotiation(app: Any, accept: str, media: str) -> None:
    r = call(app, "GET", "/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert "Russia" in r.text


@pytest.mark.parametrize(("accept", "media"), [
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
])
def test_construct_negotiation(app: Any, accept: str, media: str) -> None:
    q = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a dprk:State ; rdfs:label ?l }"
    r = call(app, "GET", "/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert "Rusia" in r.text


def test_describe_and_ask(app: Any) -> None:
    r = call(app, "GET", "/sparql", params={"query": "DESCRIBE state:RUS"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "Rusia" in r.text
    r = call(app, "GET", "/sparql", params={"query": "ASK { state:RUS ?p ?o }"})
    assert r.json()["boolean"] is True


def test_format_parameter_and_html_table(app: Any) -> None:
    r = call(app, "GET", "/sparql", params={"query": SELECT, "format": "html"})
    assert r.status_code == 200 and "<table class=\"results-table\">" in r.text and 'href="/id/state/RUS"' in r.text
    assert re.findall(r"<script[^>]*>", r.text) == ['<script src="/table.js">']  # ours only: columns, pages
    r = call(app, "GET", "/sparql", params={"query": SELECT, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")


def test_not_acceptable(app: Any) -> None:
    r = call(app, "GET", "/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    r = call(app, "GET", "/sparql", params={"query": "ASK {}", "format": "turtle"})  # does not fit: Accept decides
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    r = call(app, "GET", "/sparql", params={"query": "ASK {}", "format": "turtle"}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_dataset_parameters(app: Any) -> None:
    a000 = "https://w3id.org/dprk-ld/graph/data/a000.ttl"
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c a dprk:Treaty }"
    everywhere = call(app, "GET", "/sparql", params={"query": q}).json()
    only = call(app, "GET", "/sparql", params={"query": q, "default-graph-uri": a000}).json()
    assert everywhere["results"]["bindings"][0]["n"]["value"] == "1"
    assert only["results"]["bindings"][0]["n"]["value"] == "0"
    named = call(app, "GET", "/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                                                "named-graph-uri": a000}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [a000]
    # outside the dataset: refused as FROM is (403), never an empty 200
    for name in ("default-graph-uri", "named-graph-uri"):
        for iri in ("not an iri", "http://elsewhere.example/data.ttl"):
            r = call(app, "GET", "/sparql", params={"query": "ASK {}", name: iri})
            assert r.status_code == 403, r.text


def test_from_inside_dataset(app: Any) -> None:
    q = ("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/dprk-ld/graph/data/a001.ttl> "
         "WHERE { ?c a dprk:Visit }")
    r = call(app, "GET", "/sparql", params={"query": q})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_service_description(app: Any) -> None:
    r = call(app, "GET", "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "sparql-service-description#Service" in r.text
    assert "http://testserver/sparql" in r.text and "graph/data/a000.ttl" in r.text
    r = call(app, "GET", "/sparql", headers={"Accept": "text/html"})
    assert "<form" in r.text and 'action="/sparql"' in r.text


# ---------------------------------------------------------------- read-only and bounded

@pytest.mark.parametrize(("method", "kwargs"), [
    ("GET", {"params": {"update": "CLEAR ALL"}}),
    ("POST", {"data": {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"}}),
    ("POST", {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}),
    ("POST", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-query"}}),
    ("GET", {"params": {"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}),
    ("GET", {"params": {"query": "SELECT * FROM <http://example.org/data.ttl> { ?s ?p ?o }"}}),
    ("GET", {"params": {"query": "LOAD <http://example.org/data.ttl>"}}),
])
def test_refused_and_not_run(app: Any, dataset: Any, method: str, kwargs: dict[str, Any]) -> None:
    before = len(dataset.store)
    r = call(app, method, "/sparql", **kwargs)
    assert r.status_code == 403, r.text
    assert len(dataset.store) == before


def test_malformed_query_gives_parser_message(app: Any) -> None:
    r = call(app, "GET", "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"},
             headers={"Accept": "application/json"})
    assert r.status_code == 400
    body = r.json()
    assert "syntax error" in body["error"] and body["location"].startswith("query:1:")


def test_errors_as_text_and_html(app: Any) -> None:
    r = call(app, "GET", "/sparql", params={"query": "ASK {"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    r = call(app, "GET", "/sparql", params={"query": "ASK {"}, headers={"Accept": "text/html"})
    assert r.status_code == 400 and "<html" in r.text


def test_method_and_media_type_errors(app: Any) -> None:
    assert call(app, "PUT", "/sparql", params={"query": "ASK {}"}).status_code == 405
    assert call(app, "POST", "/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert call(app, "GET", "/nowhere").status_code == 404


def test_body_too_large(dataset: Any) -> None:
    small = create_app(dataset, max_body=64)
    r = call(small, "POST", "/sparql", content="ASK {}" + " " * 100,
             headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_result_cap(dataset: Any) -> None:
    capped = create_app(dataset, max_results=3)
    r = call(capped, "GET", "/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["X-Result-Truncated"] == "true" and r.headers["X-Result-Limit"] == "3"
    assert len(r.json()["results"]["bindings"]) == 3
    r = call(capped, "GET", "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
             headers={"Accept": "application/n-triples"})
    assert r.headers["X-Result-Truncated"] == "true" and len(r.text.strip().splitlines()) == 3
    r = call(capped, "GET", "/sparql", params={"query": "SELECT * { ?s a dprk:State } LIMIT 2"})
    assert "X-Result-Truncated" not in r.headers


# seconds on the fixture: well past the test's 0.3 s limit
HEAVY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
         "FILTER(STRLEN(CONCAT(STR(?b), STR(?d), STR(?f))) > 3) }")


def test_timeout_kills_the_worker(dataset: Any) -> None:
    """Past the deadline the worker is killed (its CPU free at once) and replaced: the next query answers."""
    quick = create_app(dataset, timeout_s=0.3, max_concurrent=1)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=quick, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = await client.get("/sparql", params={"query": HEAVY})
            second = await client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            return [first, second]

    first, second = asyncio.run(go())
    assert first.status_code == 503 and "time limit" in first.text and first.headers["retry-after"]
    assert second.status_code == 200 and second.json()["boolean"] is True
    pool = quick.state.pool
    assert pool.spawned == 2 and len(pool.workers) == 1
    quick.state.service.close()


def test_cors(app: Any) -> None:
    r = call(app, "OPTIONS", "/sparql",
             headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    r = call(app, "GET", "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_internal_error_is_500(dataset: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dprk_ld.serve import routes

    broken = create_app(dataset)
    monkeypatch.setattr(routes, "limited", lambda *a, **k: 1 / 0)
    r = call(broken, "GET", "/sparql", params={"query": "ASK {}"})
    assert r.status_code == 500 and "bug in dprk-ld" in r.text


# ---------------------------------------------------------------- pages, canned queries, linked data

def test_index(app: Any) -> None:
    r = call(app, "GET", "/")
    assert r.status_code == 200
    for text in ("dprk-ld fixture ontology", "triples", '/queries/states"', 'href="/sparql"', "Claims involving"):
        assert text in r.text


def test_queries_list(app: Any) -> None:
    assert "transfers-from" in call(app, "GET", "/queries").text
    listing = call(app, "GET", "/queries", headers={"Accept": "application/json"}).json()
    assert {q["name"] for q in listing} == {"claims-by-state", "states", "transfers-from"}


def test_canned_form_and_run(app: Any) -> None:
    r = call(app, "GET", "/queries/transfers-from")
    assert r.status_code == 200 and 'name="supplier"' in r.text and "<table class=\"results-table\">" not in r.text
    r = call(app, "GET", "/queries/transfers-from", params={"supplier": "state:PRK"})
    assert r.status_code == 200 and "<table class=\"results-table\">" in r.text and "shells" in r.text
    r = call(app, "GET", "/queries/states")  # no required parameter: runs at once
    assert "<table class=\"results-table\">" in r.text and "Russia" in r.text
    r = call(app, "GET", "/queries/states", params={"lang": "id"})
    assert "Rusia" in r.text


def test_canned_variants(app: Any) -> None:
    r = call(app, "GET", "/queries/states.csv", params={"lang": "id"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "Rusia" in r.text
    data = call(app, "GET", "/queries/states.json").json()
    assert len(data["results"]["bindings"]) == 4
    r = call(app, "GET", "/queries/transfers-from.json", params={"supplier": "state:PRK"})
    assert r.headers["content-type"].startswith("application/ld+json") and json.loads(r.text)
    assert call(app, "GET", "/queries/states.png").status_code == 404


def test_canned_errors(app: Any) -> None:
    assert call(app, "GET", "/queries/nope").status_code == 404
    r = call(app, "GET", "/queries/transfers-from.json")
    assert r.status_code == 400 and "supplier" in r.text
    r = call(app, "GET", "/queries/transfers-from", params={"supplier": "not an iri"})
    assert r.status_code == 400 and "expects" in r.text and "<form" in r.text
    r = call(app, "GET", "/queries/states.json", params={"bogus": "1"})
    assert r.status_code == 400


@pytest.mark.parametrize(("path", "accept", "media", "needle"), [
    ("/id/state/RUS", "text/turtle", "text/turtle", "Rusia"),
    ("/id/state/RUS", "application/ld+json", "application/ld+json", "Rusia"),
    ("/id/state/RUS", "text/html", "text/html", "Russia"),
    ("/id/state/RUS.ttl", "text/html", "text/turtle", "Rusia"),
    ("/id/state/RUS.jsonld", None, "application/ld+json", "Rusia"),
    ("/id/state/RUS.nt", None, "application/n-triples", "Rusia"),
    ("/id/state/RUS.rdf", None, "application/rdf+xml", "Rusia"),
])
def test_resource_representations(app: Any, path: str, accept: str | None, media: str, needle: str) -> None:
    r = call(app, "GET", path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert needle in r.text


def test_resource_page_has_claims_and_quotes(app: Any) -> None:
    page = call(app, "GET", "/id/state/RUS").text
    assert "Claims naming it" in page and 'href="/id/claim/a000-shells-to-russia"' in page
    claim = call(app, "GET", "/id/claim/a000-shells-to-russia").text
    assert "Citations" in claim and "jutaan peluru" in claim and 'href="/id/source/000_aaaa"' in claim
    assert "Rusia dan Korea Utara &lt;Sekutu&gt; &amp; &#34;kawan&#34;" in claim  # escaped title


def test_unknown_resource_404(app: Any) -> None:
    assert call(app, "GET", "/id/state/XXX").status_code == 404
    assert call(app, "GET", "/id/state/XXX.ttl").status_code == 404
    assert call(app, "GET", "/id/state/RUS", headers={"Accept": "image/png"}).status_code == 406


def test_ontology(app: Any) -> None:
    page = call(app, "GET", "/ontology").text
    assert 'id="Transfer"' in page and 'id="supplier"' in page and 'id="classes"' in page
    ttl = call(app, "GET", "/ontology", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle") and "owl:Ontology" in ttl.text
    assert "Rusia" not in ttl.text
    assert call(app, "GET", "/ontology.ttl").text == ttl.text
    assert call(app, "GET", "/ontology.png").status_code == 404


def test_canned_form_submission_runs(app: Any) -> None:
    """The HTML form sends its hidden run=1 marker along with the parameters: not a query parameter."""
    r = call(app, "GET", "/queries/states", params={"lang": "en", "run": "1"})
    assert r.status_code == 200, r.text
    assert "<table" in r.text and 'class="error"' not in r.text
