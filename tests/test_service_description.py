"""Issue 14: the service description states exactly what the endpoint serves.

The result formats it lists are exactly those the endpoint negotiates (SELECT/ASK: SPARQL JSON, XML,
CSV, TSV; CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML): each listed format is answered when
asked for, and each format answered is listed. ``void:triples`` of the default graph counts distinct
triples; the predeclared prefixes are listed (``sh:declare``) and are the ones a query may leave out.
Also: CONSTRUCT with ``Accept: application/json`` is answered in JSON-LD, as Oxigraph's server does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from dprk_ld.formats import FORMATS
from dprk_ld.load import load_project
from dprk_ld.namespaces import PREFIXES
from dprk_ld.serve import create_app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
SD = "http://www.w3.org/ns/sparql-service-description#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
#: www.w3.org/ns/formats/ IRI -> (media type, query form it is for)
KNOWN = {"SPARQL_Results_JSON": ("application/sparql-results+json", "select"),
         "SPARQL_Results_XML": ("application/sparql-results+xml", "select"),
         "SPARQL_Results_CSV": ("text/csv", "select"), "SPARQL_Results_TSV": ("text/tab-separated-values", "select"),
         "Turtle": ("text/turtle", "construct"), "N-Triples": ("application/n-triples", "construct"),
         "JSON-LD": ("application/ld+json", "construct"), "RDF_XML": ("application/rdf+xml", "construct"),
         "N-Quads": ("application/n-quads", "construct"), "TriG": ("application/trig", "construct")}
QUERIES = {"select": "SELECT ?s WHERE { ?s a dprk:State } LIMIT 2",
           "construct": "CONSTRUCT { ?s a dprk:State } WHERE { ?s a dprk:State }"}


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(load_project(FIXTURE), wikidata_view=True)


def get(app: Any, path: str, accept: str, **params: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path, params=params, headers={"Accept": accept})

    return asyncio.run(go())


@pytest.fixture(scope="module")
def description(app: Any) -> list[ox.Triple]:
    r = get(app, "/sparql", "text/turtle")
    assert r.status_code == 200
    return list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))


def objects(triples: list[ox.Triple], predicate: str) -> list[Any]:
    return [t.object for t in triples if t.predicate.value == predicate]


def test_listed_result_formats_are_exactly_the_negotiated_ones(app: Any, description: list[ox.Triple]) -> None:
    listed = {o.value[len(FORMATS_NS):] for o in objects(description, SD + "resultFormat")}
    assert listed <= set(KNOWN)
    for name, (media, form) in KNOWN.items():
        r = get(app, "/sparql", media, query=QUERIES[form])
        served = r.status_code == 200 and r.headers["content-type"].startswith(media)
        assert served == (name in listed), (name, r.status_code, r.headers.get("content-type"))
    offered = {f.media_type for f in FORMATS if f.kind in ("rdf", "results")}
    assert {KNOWN[n][0] for n in listed} <= offered


def test_void_triples_counts_distinct_triples(app: Any, description: list[ox.Triple]) -> None:
    (count,) = objects(description, VOID + "triples")
    store = app.state.dataset.store
    distinct = {(q.subject, q.predicate, q.object) for q in store}
    assert int(count.value) == len(distinct) < len(store) + 1


def test_predeclared_prefixes_are_listed(app: Any, description: list[ox.Triple]) -> None:
    declared = {}
    for node in objects(description, SH + "declare"):
        prefix = [t.object.value for t in description if t.subject == node and t.predicate.value == SH + "prefix"]
        ns = [t.object.value for t in description if t.subject == node and t.predicate.value == SH + "namespace"]
        declared[prefix[0]] = ns[0]
    assert declared == PREFIXES
    page = get(app, "/sparql", "text/html").text
    assert all(f"PREFIX {p}: &lt;{ns}&gt;" in page for p, ns in PREFIXES.items())


def test_construct_as_application_json_is_jsonld(app: Any) -> None:
    r = get(app, "/sparql", "application/json", query=QUERIES["construct"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))) == 4
    r = get(app, "/sparql", "application/json", query=QUERIES["select"])
    assert r.headers["content-type"].startswith("application/sparql-results+json")


def test_example_and_canned_queries_run_without_predeclared_prefixes(app: Any) -> None:
    """What the pages show runs on any endpoint: here pyoxigraph with no prefixes given."""
    page = get(app, "/sparql", "text/html").text
    example = page.split('<textarea id="query" name="query">', 1)[1].split("</textarea>", 1)[0]
    store = ox.Store()
    texts = [example.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&quot;", '"')]
    for name in ("states", "claims-by-state", "transfers-from"):
        r = get(app, f"/queries/{name}.rq", "*/*")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-query")
        texts.append(r.text)
    for text in texts:
        assert "PREFIX" in text
        store.query(text)  # raises SyntaxError on an undeclared prefix
