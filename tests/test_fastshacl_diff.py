"""Differential test: the fast SHACL validator and pyshacl find exactly the same results.

A small project is synthesised with benchmarks/synth.py (real shapes and ontology, data
replicated from data/, 2 injected violations of each kind). pyshacl gets data + ontology
as one graph (what ``ont_graph`` would mix in, without its slow cloning); the fast validator
gets the ontology as a separate named graph.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from dprk_ld.shacl import load_file, results_from_pyshacl, validate_store

from .conftest import benchmark_module

REPO = Path(__file__).resolve().parents[1]
ONT = "urn:x-test:ontology"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    benchmark_module("synth").synth(out, claims=120, violations=2, seed=7)
    return out


def test_same_findings_as_pyshacl(project: Path) -> None:
    import pyshacl

    shapes = Graph().parse(project / "shapes" / "dprk-shapes.ttl")
    store = ox.Store()
    for f in sorted((project / "data").iterdir()):
        load_file(store, f, f.as_uri())
    for f in sorted((project / "ontology").iterdir()):
        load_file(store, f, ONT)
    fast = validate_store(store, shapes, None, ONT)

    data = Graph()
    for sub in ("data", "ontology"):
        for f in sorted((project / sub).iterdir()):
            data.parse(f)
    conforms, rg, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    ref = results_from_pyshacl(rg)

    assert fast.fallback_shapes == []
    assert set(fast.results) == set(ref)
    assert fast.conforms == conforms
    components = {r.component.rsplit("#", 1)[1] for r in fast.results}
    for c in ("MinCount", "Datatype", "Pattern", "In", "MaxCount", "Class"):
        assert c + "ConstraintComponent" in components
