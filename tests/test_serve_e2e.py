"""End to end: `dprk-ld serve` as a process on a free loopback port, queried with SPARQLWrapper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from .servers import dprk_serve

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
PREFIX = "PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SELECT = PREFIX + "SELECT ?s ?label WHERE { ?s a dprk:State ; rdfs:label ?label FILTER(lang(?label)='id') }"
CONSTRUCT = PREFIX + "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s a dprk:State ; rdfs:label ?label }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dprk_serve(FIXTURE, tmp_path_factory.mktemp("serve")) as base:
        yield base + "/sparql"


def client(endpoint: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json(endpoint: str, method: str) -> None:
    result = client(endpoint, SELECT, JSON, method).queryAndConvert()
    assert sorted(b["label"]["value"] for b in result["results"]["bindings"]) == [
        "Amerika Serikat", "Korea Utara", "Rusia", "Tiongkok"]


def test_select_xml(endpoint: str) -> None:
    doc = client(endpoint, SELECT, XML).queryAndConvert()
    assert len(doc.getElementsByTagName("result")) == 4


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_select_csv_tsv(endpoint: str, fmt: str) -> None:
    text = client(endpoint, SELECT, fmt).queryAndConvert().decode()
    assert "Rusia" in text and len(text.strip().splitlines()) == 5


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint: str, fmt: str) -> None:
    result = client(endpoint, PREFIX + "ASK { ?s a dprk:State }", fmt).queryAndConvert()
    if fmt == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_construct(endpoint: str, fmt: str) -> None:
    graph = client(endpoint, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(graph, bytes):  # SPARQLWrapper hands back raw bytes for Turtle
        from rdflib import Graph

        graph = Graph().parse(data=graph, format="turtle")
    assert len(graph) == 8


def test_update_refused(endpoint: str) -> None:
    from SPARQLWrapper import POST
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises((SPARQLWrapperException, Exception)) as info:
        sparql.query()
    assert "403" in str(info.value) or "Forbidden" in str(info.value) or "not accepted" in str(info.value)


def test_several_workers_answer(tmp_path) -> None:
    """`dprk-ld serve --workers 2`: uvicorn worker processes, each with the dataset, all answering."""
    with dprk_serve(FIXTURE, tmp_path, 60, "--workers", "2") as base:
        answers = {httpx.get(base + "/sparql", params={"query": "ASK { ?s a ?t }"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=10).json()["boolean"]
                   for _ in range(20)}
        assert answers == {True}
    assert "2 worker(s)" in (tmp_path / "serve.log").read_text()
