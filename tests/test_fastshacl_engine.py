"""``dprk-ld validate --engine fast`` and ``--engine pyshacl`` report identical SHACL findings.

Compared as sorted :class:`dprk_ld.validate.report.Finding` lists (focus, path, component, value, shape,
severity, message, file:line) on the mini fixture, on a synthesised project with injected
violations of every kind (benchmarks/synth.py), and on the real dataset, through the CLI's JSON.
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
from dprk_ld.validate import shacl

from .conftest import benchmark_module

SH = "http://www.w3.org/ns/shacl#"

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"


def _findings(project: Path | None, engine: str) -> list[str]:
    return _masked([asdict(f) for f in shacl.check_data(load_project(project), engine)])


def _masked(findings: list[dict]) -> list[str]:
    """Blank-node labels differ from one parse of the shapes to the next (pyshacl vs pyshacl too)."""
    return sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", json.dumps(f, sort_keys=True)) for f in findings)


@pytest.fixture(scope="module")
def synth_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    benchmark_module("synth").synth(out, claims=60, violations=2, seed=3)
    return out


def test_mini_same_findings() -> None:
    assert _findings(MINI, "fast") == _findings(MINI, "pyshacl")


def test_synth_same_findings(synth_project: Path) -> None:
    fast = _findings(synth_project, "fast")
    assert fast == _findings(synth_project, "pyshacl")
    assert len(fast) >= 12  # 2 of each injected kind at least


def test_real_dataset_same_findings_via_cli() -> None:
    runner = CliRunner()
    out = {}
    for engine in ("fast", "pyshacl"):
        res = runner.invoke(main, ["validate", "--project", str(REPO), "--engine", engine, "--check", "shacl",
                                   "--format", "json"])
        assert res.exit_code in (0, 1), res.output
        out[engine] = _masked(json.loads(res.stdout)["findings"])
    assert out["fast"] == out["pyshacl"]


def test_store_left_as_found(synth_project: Path) -> None:
    """The temporary graphs (validated copy, node sets) are gone afterwards."""
    ds = load_project(synth_project)
    before = (sorted(g.value for g in ds.store.named_graphs()), len(ds.store))
    shacl.check_data(ds, "fast")
    assert (sorted(g.value for g in ds.store.named_graphs()), len(ds.store)) == before


def test_hashed_joins_give_the_same_findings(synth_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashed-join queries used for large focus sets (>= HASH_MIN nodes) agree with pyshacl too."""
    from dprk_ld.shacl import engine

    monkeypatch.setattr(engine, "HASH_MIN", 0)
    assert _findings(synth_project, "fast") == _findings(synth_project, "pyshacl")
    assert _findings(REPO, "fast") == _findings(REPO, "pyshacl")


def test_ill_typed_literal_reported_as_written(mini_copy) -> None:  # type: ignore[no-untyped-def]
    """An ill-typed literal (SHACL §4.2.2: not a datatype match) is reported as written by both engines:
    rdflib's parser rewrote ``"none"^^xsd:boolean`` as ``"false"``, so pyshacl reported another value."""
    shape = ("shape:Lexical a sh:NodeShape ; sh:targetNode <https://w3id.org/dprk-ld/id/citation/tractors-c1> ;\n"
             "    sh:property [ sh:path <http://www.w3.org/2000/01/rdf-schema#comment> ; sh:datatype xsd:boolean ] .\n")
    project = mini_copy({
        "shapes/mini-shapes.ttl": [("shape:Claim a", shape + "\nshape:Claim a")],
        "data/claims.ttl": [("citation:tractors-c1 a dprk:Citation ;",
                             'citation:tractors-c1 a dprk:Citation ; rdfs:comment "none"^^xsd:boolean ;')],
    })
    ds = load_project(project)
    for engine in ("fast", "pyshacl"):
        found = [(f.component, f.value) for f in shacl.check_data(ds, engine) if "tractors-c1" in (f.focus or "")]
        assert found == [(SH + "DatatypeConstraintComponent", "none")], engine
