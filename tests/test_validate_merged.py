"""The SHACL check on the data files merged into a store of their own, loaded beside the per-file store
(``load_project(merged=True)``): the same findings as validating a copy of the data graphs, field by field."""

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
    copied = validate_dataset(load_project(project), fallback=False)[0]
    merged = validate_dataset(load_project(project, merged=True), fallback=False)[0]
    return sorted(map(_key, copied), key=repr), sorted(map(_key, merged), key=repr)


def _generated(tmp_path: Path, seed: int) -> Path:
    shapegen.write_project(tmp_path / f"gen{seed}", seed, 3000, files=3)
    return tmp_path / f"gen{seed}"


def test_the_merged_store_is_the_union_of_the_data_files(tmp_path):
    project = _generated(tmp_path, 1)
    extra = project / "data" / "part00.ttl"
    extra.write_text(extra.read_text(encoding="utf-8") + (project / "data" / "part01.ttl").read_text(encoding="utf-8"),
                     encoding="utf-8")  # a file repeating another's triples: the union counts them once
    ds = load_project(project, merged=True)
    data = " ".join(f"<{g}>" for g in ds.graphs_of("data"))
    rows = list(ds.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                               f"VALUES ?g {{ {data} }} GRAPH ?g {{ ?s ?p ?o }} }} }}"))
    merged = ds.take_merged()
    assert merged is not None and len(merged) == int(rows[0]["n"].value) > 1000
    assert ds.take_merged() is None  # handed over once


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
    with pytest.raises(LoadError) as merged:
        load_project(project, merged=True)
    assert (merged.value.message, merged.value.location) == (plain.value.message, plain.value.location)
    assert not [t for t in threading.enumerate() if t.name == "dprk-ld-merge-load"]  # the loader has finished


def test_the_dataset_store_is_left_as_found():
    ds = load_project(MINI, merged=True)
    before = sorted(map(str, ds.store))
    validate_dataset(ds)
    assert sorted(map(str, ds.store)) == before
