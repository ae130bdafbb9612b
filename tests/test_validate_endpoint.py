"""``dprk-ld validate --endpoint``: the gate against a real Oxigraph server finds what the embedded run finds.

A project with injected violations (the mini fixture broken by hand; a synthesised project with every
kind of benchmarks/synth.py) is loaded into an Oxigraph server on loopback, one named graph per file,
and validated through the SPARQL 1.1 Protocol: same findings (file:line with the project, the focus
IRI without), whatever the page size, and the store is left exactly as it was (no temporary graph).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.load import load_project
from dprk_ld.project import find_project
from dprk_ld.remote import open_remote
from dprk_ld.validate import validate
from dprk_ld.validate.remote import validate_endpoint, validate_url

from .conftest import MINI_SOURCES, benchmark_module
from .servers import load_dataset, oxigraph_server

REPO = Path(__file__).resolve().parents[1]
CLAIMS = "data/claims.ttl"
CHECKS = ("shacl", "shapes", "vocabulary", "ontology", "citations", "queries")
BROKEN = {
    CLAIMS: [
        ("dprk:supplier state:RUR ;", "dprk:supplier state:RUR ; dprk:suplier state:FRE ;"),  # undeclared term
        ("dprk:startOffset 78 ;", "dprk:startOffset 79 ;"),  # quote no longer at its offsets
        ("dprk:endOffset 43 ;", 'dprk:endOffset "x" ;'),  # wrong datatype
        ("dprk:citation citation:tractors-c1 , citation:tractors-c2 .",
         "dprk:citation citation:tractors-c1 , citation:tractors-c2 .\n"
         'claim:uncited a dprk:Transfer ; rdfs:label "an uncited claim"@en .'),
    ],
}


def masked(findings: list) -> list[str]:
    """Findings as sorted JSON; blank-node labels masked (each parse of the shapes relabels them)."""
    return sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", json.dumps(asdict(f), sort_keys=True)) for f in findings)


def without_location(findings: list) -> list[str]:
    return sorted(x.replace(re.search(r'"file": [^,]*, ', x).group(0), "")  # type: ignore[union-attr]
                  .replace(re.search(r'"line": [^,]*, ', x).group(0), "") for x in masked(findings))


@pytest.fixture(scope="module")
def synth_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    benchmark_module("synth").synth(out, claims=60, violations=2, seed=3)
    return out


def _store_state(base: str) -> list:
    from dprk_ld.query import run_remote

    return run_remote(base + "/query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
                      ).sorted_rows()


def test_injected_violations_same_as_embedded(mini_copy, tmp_path: Path) -> None:
    project = mini_copy(BROKEN)
    dataset = load_project(project)
    embedded = validate(dataset, sources=MINI_SOURCES, checks=CHECKS)
    kinds = {f.check for f in embedded.findings}
    assert {"shacl", "vocabulary", "citations"} <= kinds, embedded.findings
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, dataset)
        before = _store_state(base)
        remote = validate_url(base + "/query", (), find_project(project), sources=MINI_SOURCES, checks=CHECKS)
        assert masked(remote.findings) == masked(embedded.findings)
        assert all(f.file for f in remote.findings if f.focus and f.focus.startswith("http"))
        # without the project's files: shapes and ontology come from the store, findings name the focus only
        bare = validate_endpoint(open_remote(base + "/query"), sources=MINI_SOURCES, checks=CHECKS)
        assert without_location(bare.findings) == without_location(embedded.findings)
        assert _store_state(base) == before  # nothing written, no temporary graph left
    assert {c.name: c.status for c in remote.checks} == dict.fromkeys(CHECKS, "ran")
    assert remote.stats["claims"] == embedded.stats["claims"]
    assert remote.stats["citations"] == embedded.stats["citations"]
    assert remote.stats["quotes_checked"] == embedded.stats["quotes_checked"]


@pytest.mark.parametrize("page_size", [0, 5])
def test_synth_every_kind_same_as_embedded(synth_project: Path, tmp_path: Path, page_size: int) -> None:
    dataset = load_project(synth_project)
    embedded = validate(dataset, checks=CHECKS)
    assert len([f for f in embedded.findings if f.check == "shacl"]) >= 12  # 2 of each injected kind at least
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, dataset)
        ds = open_remote(base + "/query", (), find_project(synth_project), page_size=page_size)
        remote = validate_endpoint(ds, checks=CHECKS)
        if page_size:
            assert ds.endpoint.stats.pages > 20  # the answers did span pages
    assert masked(remote.findings) == masked(embedded.findings)


def test_graph_option_validates_those_graphs_only(synth_project: Path, tmp_path: Path) -> None:
    dataset = load_project(synth_project)
    one = next(g for g in dataset.graphs_of("data") if g.endswith("part07.ttl"))
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, dataset)
        report = validate_url(base + "/query", (one,), find_project(synth_project), checks=("shacl",))
    assert report.findings
    assert {f.file for f in report.findings} <= {"data/part07.ttl", None}


def test_cli_json_and_exit_code(mini_copy, tmp_path: Path) -> None:
    project = mini_copy(BROKEN)
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, load_project(project))
        result = CliRunner().invoke(main, ["validate", "--endpoint", base + "/query", "--project", str(project),
                                           "--format", "json", "--check", "shacl", "--check", "citations"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert any(f["check"] == "citations" and f["file"] == CLAIMS for f in report["findings"])


def test_unreachable_endpoint_is_exit_2() -> None:
    result = CliRunner().invoke(main, ["validate", "--endpoint", "http://127.0.0.1:9/query", "--timeout", "2"])
    assert result.exit_code == 2
    assert "cannot reach the endpoint" in result.output and "Traceback" not in result.output


def test_empty_store_is_exit_2(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as base:
        result = CliRunner().invoke(main, ["validate", "--endpoint", base + "/query"])
    assert result.exit_code == 2
    assert "holds no data" in result.output and "Traceback" not in result.output


def test_project_under_its_own_base(mini_copy, tmp_path: Path) -> None:
    """A project whose dataset.toml names another base has its file graphs under ``<base>graph/``: the store's
    layout is found there, with the project's files and without them (then from the one graph prefix)."""
    project = mini_copy({**BROKEN, "dataset.toml": [("", 'title = "Mini"\nbase = "https://example.org/mydata/"\n')]})
    dataset = load_project(project)
    assert all(g.startswith("https://example.org/mydata/graph/") for g in dataset.files)
    embedded = validate(dataset, sources=MINI_SOURCES, checks=CHECKS)
    with oxigraph_server(tmp_path) as base:
        load_dataset(base, dataset)
        remote = validate_url(base + "/query", (), find_project(project), sources=MINI_SOURCES, checks=CHECKS)
        assert masked(remote.findings) == masked(embedded.findings)
        bare = open_remote(base + "/query")
        data = sorted(g for g, f in dataset.files.items() if f.kind == "data")
        assert bare.base == "https://example.org/mydata/" and bare.data_graphs == data
        assert without_location(validate_endpoint(bare, sources=MINI_SOURCES, checks=CHECKS).findings) == \
            without_location(embedded.findings)
