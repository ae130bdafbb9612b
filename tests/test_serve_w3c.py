"""The W3C SPARQL 1.1 Protocol tests, driven from their manifest, against the app in process.

The manifest and data live in ../shared/w3c/sparql-protocol (not copied here). Query tests load
the test's ``ut:graphData`` files as named graphs and must pass as written. The endpoint refuses
(403) a ``default-graph-uri``/``named-graph-uri`` outside its dataset, as it refuses such a FROM
(docs/serve.md); so every graph a test's requests name is part of the test's dataset — empty when
the suite ships no data for it (``data0.rdf``), as an endpoint that loaded it would see an empty one.
Update tests must be refused (4xx) and must change nothing: this endpoint is read-only.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

from dprk_ld.load import Dataset
from dprk_ld.project import Project, SourceFile
from dprk_ld.serve import create_app

from .conftest import in_ci

SUITE = Path(__file__).resolve().parents[2] / "shared" / "w3c" / "sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

if not (SUITE / "manifest.ttl").is_file():
    if in_ci():
        raise RuntimeError(f"W3C SPARQL protocol tests not found at {SUITE} (CI=true: ../shared must be there)")
    pytest.skip(f"W3C SPARQL protocol tests not found at {SUITE}", allow_module_level=True)

MANIFEST = Graph().parse(SUITE / "manifest.ttl", format="turtle")
ENTRIES = list(Collection(MANIFEST, next(MANIFEST.objects(None, MF.entries))))


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


def _dataset(test: URIRef, tmp_path: Path) -> Dataset:
    store = ox.Store()
    files: dict[str, SourceFile] = {}
    for gd in MANIFEST.objects(test, UT.graphData):
        iri = str(MANIFEST.value(gd, RDFS.label))
        path = Path(str(MANIFEST.value(gd, UT.graph)).removeprefix("file://"))
        data = (SUITE / path.name).read_bytes()
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(iri))
                     for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        files[iri] = SourceFile(SUITE / path.name, "data", path.name)
    for req in _requests(test):
        named = parse_qsl(urlsplit(req["path"]).query) + parse_qsl(req["body"] or "")
        for key, value in named:
            if key in ("default-graph-uri", "named-graph-uri"):
                store.add_graph(ox.NamedNode(value))
    return Dataset(Project(tmp_path, tuple(files.values()), ()), store, files, len(store))


def _requests(test: URIRef) -> list[dict[str, Any]]:
    action = MANIFEST.value(test, MF.action)
    out = []
    for req in Collection(MANIFEST, MANIFEST.value(action, HT.requests)):
        headers = {}
        header_list = MANIFEST.value(req, HT.headers)
        if header_list is not None:
            for h in Collection(MANIFEST, header_list):
                headers[str(MANIFEST.value(h, HT.fieldName))] = str(MANIFEST.value(h, HT.fieldValue))
        body = MANIFEST.value(req, HT.body)
        chars = str(MANIFEST.value(body, CNT.chars)) if body is not None else None
        resp = MANIFEST.value(req, HT.resp)
        out.append({
            "method": str(MANIFEST.value(req, HT.methodName)),
            "path": str(MANIFEST.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
            "headers": headers,
            "body": chars,
            "encoding": str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8") if body is not None else None,
            "status": {str(s).removeprefix(HTS) for s in MANIFEST.objects(resp, MF.expectedStatus)},
            "format": str(MANIFEST.value(resp, MF.expectedFormat) or ""),
            "boolean": MANIFEST.value(resp, MF.expectedBoolean),
        })
    return out


def _send(app: Any, req: dict[str, Any]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://www.example") as client:
            content = None
            if req["body"] is not None:
                # the UTF-16 tests declare a charset the body must then really be in
                charset = req["headers"].get("content-type", "").partition("charset=")[2] or "utf-8"
                content = req["body"].encode(charset)
            return await client.request(req["method"], req["path"], headers=req["headers"], content=content)

    return asyncio.run(go())


def _status_ok(status: int, expected: set[str]) -> bool:
    return f"{str(status)[0]}xx" in expected


QUERY_TESTS = [t for t in ENTRIES if not _name(t).startswith(("update_", "bad_update"))]
UPDATE_TESTS = [t for t in ENTRIES if _name(t).startswith(("update_", "bad_update"))]


@pytest.mark.parametrize("test", QUERY_TESTS, ids=_name)
def test_query(test: URIRef, tmp_path: Path) -> None:
    app = create_app(_dataset(test, tmp_path))
    for req in _requests(test):
        r = _send(app, req)
        assert _status_ok(r.status_code, req["status"]), (r.status_code, r.text)
        media = r.headers.get("content-type", "").split(";")[0]
        if req["format"] == "boolean":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        elif req["format"] == "tabular":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml",
                             "text/csv", "text/tab-separated-values")
        elif req["format"] == "RDF":
            assert media in ("application/rdf+xml", "text/turtle", "application/n-triples")
        if req["boolean"] is not None:
            assert json.loads(r.text)["boolean"] is bool(req["boolean"].toPython())


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=_name)
def test_update_refused(test: URIRef, tmp_path: Path) -> None:
    dataset = _dataset(test, tmp_path)
    before = sorted(str(q) for q in dataset.store)
    app = create_app(dataset)
    first = _requests(test)[0]
    r = _send(app, first)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert sorted(str(q) for q in dataset.store) == before
