"""The SHACL check on the data files merged into a store of their own, loaded beside the per-file store
(``load_project(data="both")``) or instead of their file graphs (``data="merged"``, ``validate --check shacl``):
the same findings as validating a copy of the data graphs, field by field, and the same counts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dprk_ld.errors import LoadError
from dprk_ld.load import load_project
from dprk_ld.project import bundled_root
from dprk_ld.validate.report import Finding
from dprk_ld.validate.shacl_fast import validate_dataset

from .conftest import MINI, benchmark_module

shapegen = benchmark_module("shapegen")


def _key(f: Finding) -> tuple:
    """Every field, a blank node's label aside (labels are per store): its anchor file:line stays."""
    blank = (f.focus or "").startswith("_:")
    return (None if blank else f.focus, f.severity, f.check, f.message, f.file, f.line, f.path, f.component,
            None if (f.value or "").startswith("_:") else f.value, f.shape if not blank else None, f.hint)


def _both(project: Path) -> tuple[list[tuple], list[tuple]]:
    """The copy path's findings, and the merged paths' (which must agree with each other)."""
    copied = validate_dataset(load_project(project), fallback=False)[0]
    beside = validate_dataset(load_project(project, data="both"), fallback=False)[0]
    only = validate_dataset(load_project(project, data="merged"), fallback=False)[0]
    assert sorted(map(_key, beside), key=repr) == sorted(map(_key, only), key=repr)
    return sorted(map(_key, copied), key=repr), sorted(map(_key, beside), key=repr)


def _generated(tmp_path: Path, seed: int) -> Path:
    shapegen.write_project(tmp_path / f"gen{seed}", seed, 3000, files=3)
    return tmp_path / f"gen{seed}"


def test_the_merged_store_is_the_union_of_the_data_files(tmp_path):
    project = _generated(tmp_path, 1)
    extra = project / "data" / "part00.ttl"
    extra.write_text(extra.read_text(encoding="utf-8") + (project / "data" / "part01.ttl").read_text(encoding="utf-8"),
                     encoding="utf-8")  # a file repeating another's triples: the union counts them once
    ds = load_project(project, data="both")
    data = " ".join(f"<{g}>" for g in ds.graphs_of("data"))
    rows = list(ds.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                               f"VALUES ?g {{ {data} }} GRAPH ?g {{ ?s ?p ?o }} }} }}"))
    merged = ds.take_merged()
    assert merged is not None and len(merged) == int(rows[0]["n"].value) > 1000
    assert ds.take_merged() is None  # handed over once
    only = load_project(project, data="merged")
    assert (only.triples, only.quads) == (ds.triples, None)  # distinct triples counted at load time
    assert only.merged is not None and len(only.merged) == len(merged)
    with pytest.raises(LoadError, match="merged into one graph only"):
        only.graphs_of("ontology", "data")  # refused, not an empty answer
    assert only.graphs_of("ontology")


def test_counts_when_data_repeats_the_ontology(mini_copy):
    """A triple in a data file and in the ontology counts once, as in the file graphs."""
    repeated = "dprk:State a <http://www.w3.org/2002/07/owl#Class> .\nstate:RUR a dprk:State"
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State", repeated)]})
    assert load_project(project, data="merged").triples == load_project(project).triples

def test_the_same_findings_on_the_bundled_dataset():
    copied, merged = _both(bundled_root())
    assert copied == merged


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_findings_on_generated_shape_sets(tmp_path, seed):
    copied, merged = _both(_generated(tmp_path, seed))
    assert copied and copied == merged


def test_a_syntax_error_is_reported_as_without_merging(mini_copy):
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State ;", "state:RUR a dprk:State ;;;,")]})
    with pytest.raises(LoadError) as plain:
        load_project(project)
    for data in ("both", "merged"):
        with pytest.raises(LoadError) as merged:
            load_project(project, data=data)
        assert (merged.value.message, merged.value.location) == (plain.value.message, plain.value.location)
    assert not [t for t in threading.enumerate() if t.name == "dprk-ld-merge-load"]  # the loader has finished


def test_the_cli_reports_the_same_with_shacl_alone(mini_copy):
    """``validate --check shacl`` (data loaded merged only) and with another check (both): the same SHACL
    findings and triples; quads only where the data files' graphs were counted."""
    import json

    from click.testing import CliRunner

    from dprk_ld.cli import main

    project = mini_copy({"data/claims.ttl": [("    dprk:supplier state:RUR ;\n", "")]})
    runs = {}
    for checks in (["shacl"], ["shacl", "vocabulary"]):
        args = ["validate", "--project", str(project), "--format", "json"]
        result = CliRunner().invoke(main, args + [a for c in checks for a in ("--check", c)])
        assert result.exit_code == 1, result.output
        runs[len(checks)] = json.loads(result.output)
    shacl = [[f for f in runs[n]["findings"] if f["check"] == "shacl"] for n in (1, 2)]
    assert shacl[0] == shacl[1] and shacl[0]
    assert runs[1]["summary"]["triples"] == runs[2]["summary"]["triples"]
    assert "quads" not in runs[1]["summary"] and runs[2]["summary"]["quads"] >= runs[2]["summary"]["triples"]


def test_the_dataset_store_is_left_as_found():
    ds = load_project(MINI, data="both")
    before = sorted(map(str, ds.store))
    validate_dataset(ds)
    assert sorted(map(str, ds.store)) == before


@pytest.mark.parametrize("data", ["both", "merged"])
def test_an_unexpected_failure_while_loading_is_raised_as_is(monkeypatch, data):
    """An error on the loading thread is the one raised, and the merge thread is not left waiting."""
    import dprk_ld.load

    def broken(text: str, relpath: str) -> list:
        raise RuntimeError("broken scan")

    monkeypatch.setattr(dprk_ld.load, "find_lossy", broken)
    with pytest.raises(RuntimeError, match="broken scan"):
        load_project(MINI, data=data)
    assert not [t for t in threading.enumerate() if t.name == "dprk-ld-merge-load"]
