"""The endpoint serves the Wikidata-style view as its own named graph (issue 5 + docs/wikidata.md).

Runs the WDQS-style example queries of docs/wikidata-queries/ through ``/sparql`` on the bundled
dataset, checks the view graph is part of the served dataset (union default graph, FROM, service
description) and that canned queries still see the project's files only. Also the fast paths of
:mod:`dprk_ld.serve.execute` (pyoxigraph serialisation, inline runs) against the row-by-row path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from dprk_ld.load import load_project
from dprk_ld.namespaces import PREFIXES
from dprk_ld.query import run_canned
from dprk_ld.serve import create_app
from dprk_ld.wikidata.view import VIEW_GRAPH

from .test_serve import call

ROOT = Path(__file__).resolve().parent.parent
WDQS = sorted((ROOT / "docs" / "wikidata-queries").glob("*.rq"))
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def served() -> Any:
    dataset = load_project(ROOT)
    return dataset, create_app(dataset, wikidata_view=True)


def rows(body: dict[str, Any]) -> list[tuple[str, ...]]:
    names = body["head"]["vars"]
    return sorted(tuple(json.dumps(b.get(v), sort_keys=True) for v in names) for b in body["results"]["bindings"])


def local_rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    results = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    body = json.loads(results.serialize(format=ox.QueryResultsFormat.JSON))
    return rows(body)


@pytest.mark.parametrize("path", WDQS, ids=[p.stem for p in WDQS])
def test_wdqs_query_through_the_endpoint(served: Any, path: Path) -> None:
    dataset, app = served
    text = path.read_text(encoding="utf-8")
    r = call(app, "POST", "/sparql", content=text, headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 200, r.text
    got = rows(r.json())
    assert got == local_rows(dataset.store, text)


def test_truthy_relations_are_answered(served: Any) -> None:
    _, app = served
    text = (ROOT / "docs" / "wikidata-queries" / "truthy-partners-with-qids.rq").read_text(encoding="utf-8")
    r = call(app, "GET", "/sparql", params={"query": text}, headers=JSON)
    assert r.status_code == 200 and r.json()["results"]["bindings"], r.text


def test_view_graph_is_part_of_the_dataset(served: Any) -> None:
    _, app = served
    q = f"SELECT (COUNT(*) AS ?n) FROM <{VIEW_GRAPH}> WHERE {{ ?s ?p ?o }}"
    r = call(app, "GET", "/sparql", params={"query": q}, headers=JSON)
    assert r.status_code == 200, r.text
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0
    r = call(app, "GET", "/sparql", headers={"Accept": "text/turtle"})
    assert VIEW_GRAPH in r.text  # named in the service description
    r = call(app, "GET", "/")
    assert "wikidata-view" in r.text


def test_canned_queries_see_the_project_files_only(served: Any) -> None:
    _, app = served
    fresh = load_project(ROOT)  # no view in this store
    expected = run_canned(fresh, "statistics").values()
    r = call(app, "GET", "/queries/statistics.json")
    assert r.status_code == 200, r.text
    got = {b["measure"]["value"]: int(b["count"]["value"]) for b in r.json()["results"]["bindings"]}
    assert got == {row["measure"]: row["count"] for row in expected}


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_fast_and_row_by_row_paths_agree(served: Any, accept: str) -> None:
    """A bounded SELECT (serialised by pyoxigraph, then inline) answers as the unbounded one (row by row)."""
    _, app = served
    body = "SELECT ?s ?label WHERE { ?s a dprk:State ; rdfs:label ?label } ORDER BY ?s ?label"
    answers = set()
    for text in (body, body + " LIMIT 100000", body + " LIMIT 100000"):
        r = call(app, "GET", "/sparql", params={"query": text}, headers={"Accept": accept})
        assert r.status_code == 200, r.text
        answers.add(json.dumps(rows(r.json()), sort_keys=True) if "json" in accept else
                    r.text.replace("\r\n", "\n").strip() if "csv" in accept else _canon(r.text, accept))
    assert len(answers) == 1


def _canon(text: str, accept: str) -> str:
    fmt = ox.QueryResultsFormat.XML if "xml" in accept else ox.QueryResultsFormat.TSV
    parsed = ox.parse_query_results(text.encode("utf-8"), format=fmt)
    return repr(sorted(tuple(str(t) for t in solution) for solution in parsed))
