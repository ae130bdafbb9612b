"""`dprk-ld init DIR`: a new dataset project that validates green on its first run (the reasoner included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from dprk_ld import curate
from dprk_ld.metadata import read_metadata
from dprk_ld.project import find_project


def dprk_ld(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dprk_ld", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_init_then_validate_is_green(tmp_path: Path, java: str) -> None:
    root = tmp_path / "my-dataset"
    made = dprk_ld("init", str(root), "--title", "My dataset", "--creator", "A. Researcher")
    assert made.returncode == 0, made.stderr
    assert "created the dataset project 'My dataset'" in made.stdout
    for rel in ("ontology/project.ttl", "ontology/catalog-v001.xml", "ontology/imports/dprk.ttl",
                "shapes/dprk-shapes.ttl", "shapes/project-shapes.ttl", "data/claims.ttl", "data/sources.ttl",
                "data/actors.ttl",
                "sources/example-001.txt", "queries/claims.rq", "README.md", "dataset.toml",
                ".github/workflows/validate.yml", ".pre-commit-config.yaml"):
        assert (root / rel).is_file(), rel
    checked = dprk_ld("validate", "--project", str(root), "--sources", str(root / "sources"), "--format", "json",
                      "--require-reasoner", "--fail-on", "warning")
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr
    report = json.loads(checked.stdout)
    assert report["conforms"] is True
    severities = [f["severity"] for f in report["findings"]]
    assert "violation" not in severities and "warning" not in severities
    meta = read_metadata(find_project(root))
    assert meta is not None and meta.title == "My dataset" and meta.creators[0].name == "A. Researcher"
    listed = dprk_ld("query", "--project", str(root), "claims", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["results"]["bindings"]
    assert [r["claim"]["value"] for r in rows] == ["https://example.org/my-dataset/id/claim/example-relations"]


def test_the_stub_imports_ours_and_the_catalog_resolves_it_locally(tmp_path: Path) -> None:
    root = tmp_path / "p"
    assert dprk_ld("init", str(root), "--base", "https://data.example.net/p/").returncode == 0
    onto = rdflib.Graph().parse(root / "ontology" / "project.ttl")
    imports = set(onto.objects(rdflib.URIRef("https://data.example.net/p/ontology"), rdflib.OWL.imports))
    assert imports == {rdflib.URIRef("https://w3id.org/dprk-ld/ontology")}
    catalog = (root / "ontology" / "catalog-v001.xml").read_text(encoding="utf-8")
    assert 'name="https://w3id.org/dprk-ld/ontology" uri="imports/dprk.ttl"' in catalog
    vendored = rdflib.Graph().parse(root / "ontology" / "imports" / "dprk.ttl")
    assert (rdflib.URIRef("https://w3id.org/dprk-ld/ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in vendored
    # the citation was made by cite: its offsets select the quote in the article
    text = curate.read_article(root / "sources" / "example-001.txt")
    claims = (root / "data" / "claims.ttl").read_text(encoding="utf-8")
    start = int(claims.split("dprk:startOffset ")[1].split()[0])
    end = int(claims.split("dprk:endOffset ")[1].split()[0])
    assert text[start:end] == "Ruritania and Freedonia have established diplomatic relations"
    assert curate.sha256_of(root / "sources" / "example-001.txt") in (root / "data" / "sources.ttl").read_text()
    assert "https://data.example.net/p/id/" in claims


@pytest.mark.parametrize("args, message", [
    (["--base", "not an iri/"], "not an absolute IRI"),
    (["--base", "https://example.org/no-slash"], "must end with"),
])
def test_init_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    result = dprk_ld("init", str(tmp_path / "p"), *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_init_never_writes_into_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = dprk_ld("init", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
