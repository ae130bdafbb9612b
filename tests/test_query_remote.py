"""Remote runs: every canned query gives the same answer from a real Oxigraph server as from the
embedded store, and endpoint failures (HTTP errors, timeouts, non-SPARQL answers) are reported clearly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import QuietHandler, load_dataset, oxigraph_server, quiet_http_server

from dprk_ld.cli import main
from dprk_ld.errors import EndpointError
from dprk_ld.load import load_project
from dprk_ld.query import run_canned, run_canned_remote, run_remote, run_sparql
from dprk_ld.query.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "query"

#: parameters that exercise the VALUES binding on top of each query's defaults
EXTRA_PARAMS: dict[str, list[dict[str, str]]] = {
    "transfers": [{"supplier": "state:PRK"}, {"category": "dprk:DebtRelief"}],
    "claims-by-source": [{"source": "source:002_c7414ed40a088b61"}],
    "diplomatic-relations": [{"as_of": "2000-01-01"}],
    "timeline": [{"actor": "state:RUS"}],
    "speculative-claims": [{"modality": "dprk:Evaluative"}],
}


@pytest.fixture(scope="module")
def real_server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    dataset = load_project(ROOT)
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        assert load_dataset(base, dataset) == dataset.quads
        yield base + "/query", dataset


def test_server_holds_one_named_graph_per_file(real_server):
    endpoint, dataset = real_server
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert run_remote(endpoint, query).sorted_rows() == run_sparql(dataset, query).sorted_rows()
    assert len(run_remote(endpoint, query).rows) == len(dataset.files)


def test_every_canned_query_same_remotely_as_locally(real_server):
    endpoint, dataset = real_server
    catalog = load_catalog(ROOT)
    compared = 0
    for name in catalog:
        for params in [{}, *EXTRA_PARAMS.get(name, [])]:
            local = run_canned(dataset, name, params)
            remote = run_canned_remote(endpoint, catalog, name, params)
            assert remote.variables == local.variables, name
            assert remote.sorted_rows() == local.sorted_rows(), (name, params)
            compared += 1
    assert compared >= len(catalog) + 5


def test_ask_and_graph_queries_remotely(real_server):
    endpoint, dataset = real_server
    for text in ("ASK { state:PRK a dprk:State }", "ASK { state:PRK a dprk:Treaty }",
                 "DESCRIBE state:RUS", "CONSTRUCT { ?s a dprk:State } WHERE { ?s a dprk:State }"):
        assert run_remote(endpoint, text).sorted_rows() == run_sparql(dataset, text).sorted_rows(), text


def test_fixture_canned_kinds_remotely(tmp_path):
    dataset = load_project(FIXTURE)
    catalog = load_catalog(FIXTURE)
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, dataset)
        for name, params in [("pair", {"b": "state:RUS"}), ("typed", {"s": 'x"} #', "opt": "state:PRK"}),
                             ("has-transfers", {}), ("has-transfers", {"supplier": "state:USA"}),
                             ("describe-claim", {})]:
            local = run_canned(dataset, name, params)
            remote = run_canned_remote(base + "/query", catalog, name, params)
            assert remote.kind == local.kind and remote.sorted_rows() == local.sorted_rows(), name


def test_cli_endpoint_option(real_server):
    endpoint, _ = real_server
    runner = CliRunner()
    result = runner.invoke(main, ["query", "sources", "--endpoint", endpoint, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 6
    result = runner.invoke(main, ["sparql", "ASK { state:PRK a dprk:State }", "--endpoint", endpoint])
    assert result.stdout.splitlines()[-1] == "true"
    result = runner.invoke(main, ["sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint])
    assert result.exit_code == 2 and "the endpoint rejected the query" in result.output


# ---------------------------------------------------------------- failing endpoints

class _Handler(QuietHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/boom":
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"down for maintenance")
            return
        body = b"<html><body>Welcome to my homepage</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def fake_server() -> Iterator[str]:
    with quiet_http_server(_Handler) as base:
        yield base


def test_non_sparql_answer(fake_server):
    with pytest.raises(EndpointError, match="answered text/html, not SPARQL results"):
        run_remote(fake_server + "/page", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(EndpointError, match="answered text/html, not RDF"):
        run_remote(fake_server + "/page", "DESCRIBE <http://a>")


def test_timeout(fake_server):
    started = time.monotonic()
    with pytest.raises(EndpointError, match="no answer within 1 s") as info:
        run_remote(fake_server + "/slow", "ASK {}", timeout=1)
    assert time.monotonic() - started < 2.5
    assert info.value.http_status == 502


def test_http_error(fake_server):
    with pytest.raises(EndpointError, match="503") as info:
        run_remote(fake_server + "/boom", "ASK {}")
    assert info.value.location == fake_server + "/boom"


def test_unreachable():
    from servers import free_port

    with pytest.raises(EndpointError, match="cannot reach the endpoint"):
        run_remote(f"http://127.0.0.1:{free_port()}/query", "ASK {}", timeout=2)
