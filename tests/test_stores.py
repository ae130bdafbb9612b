"""`dprk-ld load` leaves a real Oxigraph server so that canned queries work on it as it was started — the
ordinary way (`oxigraph serve --location DIR`) or with `--union-default-graph` — and `query --endpoint`
refuses (exit 2, with the setting to change) to answer from a store whose default graph lacks the dataset."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import dprk_ld
from dprk_ld.cli import main
from dprk_ld.errors import EndpointError
from dprk_ld.load import load_project
from dprk_ld.query import load_catalog, run_canned, run_canned_remote, run_remote

from .conftest import ROOT
from .servers import oxigraph_server


def ordered(results) -> list[tuple[str, ...]]:
    return [tuple("" if r.get(v) is None else str(r[v]) for v in results.variables) for r in results.rows]


def same_answers(endpoint: str, dataset) -> int:
    catalog = load_catalog(ROOT)
    compared = 0
    for name, query in catalog.items():
        if query.is_violation:
            continue
        local, remote = run_canned(dataset, name, {}), run_canned_remote(endpoint, catalog, name, {})
        assert remote.sorted_rows() == local.sorted_rows(), name
        assert ordered(remote) == ordered(local), f"{name}: same rows, another order (ORDER BY not total?)"
        compared += 1
    return compared


@pytest.fixture(scope="module")
def dataset():
    return load_project(ROOT)


def load(base: str, *extra: str):
    result = CliRunner().invoke(main, ["load", "--project", str(ROOT), "--endpoint", base + "/query", *extra])
    assert result.exit_code == 0, result.output
    return result


def test_ordinary_server_auto_layout_writes_the_default_graph(tmp_path, dataset):
    with oxigraph_server(tmp_path, union_default_graph=False, persistent=True) as base:
        result = load(base)
        assert "default graph written" in result.stdout
        assert same_answers(base + "/query", dataset) >= 15
        stats = CliRunner().invoke(main, ["query", "statistics", "--project", str(ROOT), "--endpoint",
                                          base + "/query", "--format", "csv"])
        assert stats.exit_code == 0, stats.output
        assert "source articles,5" in stats.stdout
        assert f"triples,{dataset.triples}" in stats.stdout and f"quads,{dataset.quads}" in stats.stdout


def test_union_server_auto_layout_leaves_the_default_graph(tmp_path, dataset):
    with oxigraph_server(tmp_path, union_default_graph=True) as base:
        result = load(base)
        assert "default graph not written: the store's default graph already is the union" in result.stdout
        assert same_answers(base + "/query", dataset) >= 15
        graphs = run_remote(base + "/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert len(graphs.rows) == len(dataset.files)  # the probe graph is gone


def test_named_layout_on_an_ordinary_server_is_refused_at_query_time(tmp_path):
    with oxigraph_server(tmp_path, union_default_graph=False) as base:
        load(base, "--layout", "named")
        result = CliRunner().invoke(main, ["query", "sources", "--project", str(ROOT), "--endpoint", base + "/query"])
        assert result.exit_code == 2
        assert "default graph" in result.stderr and "0 rows" in result.stderr
        assert "--union-default-graph" in result.stderr and "--layout union" in result.stderr
        assert "Traceback" not in result.output
        with pytest.raises(EndpointError, match="does not show them"):  # the Python API checks too
            dprk_ld.canned("sources", project=ROOT, endpoint=base + "/query")
        load(base, "--layout", "union")  # the fix the hint names
        again = CliRunner().invoke(main, ["query", "sources", "--project", str(ROOT), "--endpoint", base + "/query",
                                          "--format", "csv"])
        assert again.exit_code == 0 and len(again.stdout.splitlines()) == 6


def test_an_endpoint_without_the_dataset_is_refused(tmp_path):
    with oxigraph_server(tmp_path) as base:
        result = CliRunner().invoke(main, ["query", "sources", "--project", str(ROOT), "--endpoint", base + "/query"])
        assert result.exit_code == 2
        assert "does not hold this project's dataset" in result.stderr and "dprk-ld load" in result.stderr
