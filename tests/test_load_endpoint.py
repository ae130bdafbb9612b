"""`dprk-ld load` into a real Oxigraph server (Graph Store Protocol PUT); remote answers equal local ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.gsp import graph_store_for
from dprk_ld.load import load_project
from dprk_ld.query import run_remote, run_sparql

from .servers import oxigraph_server

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\nASK { ?c a dprk:Transfer }",
    "PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\n"
    "CONSTRUCT { ?c dprk:citation ?x } WHERE { ?c dprk:citation ?x }",
]


def test_load_then_same_answers(tmp_path: Path) -> None:
    dataset = load_project(FIXTURE)
    with oxigraph_server(tmp_path) as base:
        result = CliRunner().invoke(main, ["load", "--project", str(FIXTURE), "--endpoint", base + "/query"])
        assert result.exit_code == 0, result.output
        assert f"loaded {len(dataset.files)} named graphs" in result.output
        for query in QUERIES:
            assert run_remote(base + "/query", query).sorted_rows() == run_sparql(dataset, query).sorted_rows()
        # loading again replaces the graphs: nothing is doubled
        again = CliRunner().invoke(main, ["load", "--project", str(FIXTURE), "--endpoint", base + "/query",
                                          "--graph-store", base + "/store"])
        assert again.exit_code == 0
        assert run_remote(base + "/query", QUERIES[1]).sorted_rows() == run_sparql(dataset, QUERIES[1]).sorted_rows()


def test_refused_put_fails_clearly(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as base:
        result = CliRunner().invoke(main, ["load", "--project", str(FIXTURE), "--endpoint", base + "/query",
                                           "--graph-store", base + "/nowhere"])
    assert result.exit_code != 0
    assert "HTTP 404" in result.output and "NOT written" in result.output and "written (0 of" in result.output
    assert "loaded" not in result.output


def test_partial_load_names_written_graphs(tmp_path: Path) -> None:
    import httpx

    from dprk_ld import gsp
    from dprk_ld.errors import EndpointError

    dataset = load_project(FIXTURE)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params["graph"])
        if len(seen) == 3:
            return httpx.Response(507, text="disk full\nsecond line")
        return httpx.Response(204)

    with pytest.raises(EndpointError) as info:
        gsp.push(dataset, "http://store.example/data", client=httpx.Client(transport=httpx.MockTransport(handler)))
    text = str(info.value)
    assert "HTTP 507" in text and "disk full" in text and "written (2 of" in text
    assert all(g in text for g in seen)


def test_unreachable_store() -> None:
    result = CliRunner().invoke(main, ["load", "--project", str(FIXTURE), "--endpoint", "http://127.0.0.1:9/query",
                                       "--timeout", "2"])
    assert result.exit_code != 0 and "cannot reach" in result.output


@pytest.mark.parametrize(("endpoint", "store"), [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/store"),
    ("http://localhost:3030/ds/sparql", "http://localhost:3030/ds/data"),
    ("http://localhost:3030/ds/query", "http://localhost:3030/ds/data"),
])
def test_graph_store_guess(endpoint: str, store: str) -> None:
    assert graph_store_for(endpoint) == store


def test_graph_store_unguessable() -> None:
    result = CliRunner().invoke(main, ["load", "--project", str(FIXTURE), "--endpoint", "http://example.org/ep"])
    assert result.exit_code != 0 and "--graph-store" in result.output
