"""The fallback (dprk_ld.shacl.fallback): only the constraints the compiler cannot handle go to pyshacl,
on their focus nodes' neighbourhood, named in the report with their cost; ``--engine fast`` refuses
them before doing any work; the findings are still pyshacl's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph

from dprk_ld.cli import main
from dprk_ld.shacl import results_from_pyshacl, uncompiled, validate_graphs

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
PREFIXES = "@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n" \
           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
# 60 hands of fingers; some other, unrelated data that the fallback must not be handed
DATA = PREFIXES + "".join(
    f"ex:h{i} a ex:Hand ; ex:digit ex:h{i}f1, ex:h{i}f2 ; ex:size {i % 7} .\n"
    f"ex:h{i}f1 a {'ex:Thumb' if i % 3 == 0 else 'ex:Finger'} .\nex:h{i}f2 a ex:Finger .\n" for i in range(60)
) + "".join(f"ex:other{i} ex:p ex:other{i + 1} .\n" for i in range(400))
SHAPES = PREFIXES + """
ex:HandShape a sh:NodeShape ; sh:targetClass ex:Hand ;
  sh:property [ sh:path ex:size ; sh:maxInclusive 4 ] ;
  sh:property [ sh:path ex:digit ; sh:qualifiedValueShape [ sh:class ex:Thumb ] ; sh:qualifiedMinCount 1 ;
                sh:qualifiedValueShapesDisjoint true ] ;
  sh:property [ sh:path ex:digit ; sh:qualifiedValueShape [ sh:class ex:Finger ] ; sh:qualifiedMaxCount 1 ;
                sh:qualifiedValueShapesDisjoint true ] .
"""


def test_only_the_uncompiled_constraints_on_a_neighbourhood() -> None:
    data, shapes = Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")
    report = validate_graphs(data, shapes)
    _, rg, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert sorted(report.results, key=repr) == sorted(results_from_pyshacl(rg), key=repr)
    assert {f.constraint.split(" of ")[0] for f in report.fallbacks} == {"sh:qualifiedValueShape"}
    assert all(f.reason == "sh:qualifiedValueShapesDisjoint" for f in report.fallbacks)
    assert all(f.focus_nodes == 60 and 0 < f.triples < len(data) // 2 for f in report.fallbacks)
    assert {r.component.rsplit("#")[-1] for r in report.results} >= {
        "MaxInclusiveConstraintComponent", "QualifiedMaxCountConstraintComponent"}


def test_uncompiled_lists_each_constraint() -> None:
    missing = uncompiled(Graph().parse(data=SHAPES, format="turtle"))
    assert len(missing) == 2 and all("sh:qualifiedValueShapesDisjoint" in m for m in missing)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    p = tmp_path / "p"
    shutil.copytree(MINI, p)
    (p / "shapes" / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix dprk: <https://w3id.org/dprk-ld/ontology#> .\n"
        "<https://w3id.org/dprk-ld/shapes#Extra> a sh:NodeShape ; sh:targetClass dprk:Claim ;\n"
        "  sh:property [ sh:path dprk:citation ; sh:qualifiedValueShape [ sh:class dprk:Citation ] ;\n"
        "                sh:qualifiedMinCount 3 ; sh:qualifiedValueShapesDisjoint true ] .\n", encoding="utf-8")
    return p


def test_auto_names_the_fallback_in_the_report(project: Path) -> None:
    import json

    res = CliRunner().invoke(main, ["validate", "--project", str(project), "--check", "shacl", "--format", "json"])
    out = json.loads(res.output)
    detail = next(c["detail"] for c in out["checks"] if c["name"] == "shacl")
    assert "pyshacl fallback for 1 constraint" in detail and "sh:qualifiedValueShape" in detail
    assert any(f["component"].endswith("QualifiedMinCountConstraintComponent") for f in out["findings"])


def test_fast_refuses_before_any_work(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dprk_ld.shacl import engine

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("validation ran")

    monkeypatch.setattr(engine, "validate_store", boom)
    res = CliRunner().invoke(main, ["validate", "--project", str(project), "--engine", "fast", "--check", "shacl"])
    assert res.exit_code == 2, res.output
    assert "cannot compile" in res.output and "qualifiedValueShapesDisjoint" in res.output
