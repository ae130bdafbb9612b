"""The dataset presents itself (dataset.toml): its own title, description, creators, licence and version in
VoID/DCAT, CITATION.cff and the site, apart from the ontology's header."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from dprk_ld.errors import ProjectError
from dprk_ld.load import load_project
from dprk_ld.metadata import read_metadata
from dprk_ld.project import bundled_root, find_project
from dprk_ld.publish import build_release

FIXTURE = Path(__file__).parent / "fixtures" / "build"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
TOML = '''title = "Ruritanian relations, cited"
description = "A test dataset about fictional states."
version = "2.1.0"
issued = 2025-03-01
license = "https://creativecommons.org/publicdomain/zero/1.0/"
homepage = "https://example.org/ruritania/"
keywords = ["Ruritania", "tests"]

[[creators]]
name = "Ada Example"
orcid = "https://orcid.org/0000-0002-1825-0097"
affiliation = "Example University"

[[creators]]
name = "B. Second"
'''


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meta")
    project = root / "project"
    shutil.copytree(FIXTURE, project)
    (project / "dataset.toml").write_text(TOML, encoding="utf-8")
    out = root / "dist"
    build_release(load_project(project), out)
    return out


def test_void_and_dcat_describe_the_dataset_not_the_ontology(release: Path) -> None:
    g = rdflib.Graph().parse(release / "void.ttl")
    ds = rdflib.URIRef("https://w3id.org/dprk-ld/dataset")
    assert str(g.value(ds, DCT.title)) == "Ruritanian relations, cited"
    assert str(g.value(ds, DCT.description)) == "A test dataset about fictional states."
    assert str(g.value(ds, DCAT.version)) == "2.1.0"
    assert str(g.value(ds, DCT.issued)) == "2025-03-01"
    assert g.value(ds, DCT.license) == rdflib.URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    assert g.value(ds, FOAF.homepage) == rdflib.URIRef("https://example.org/ruritania/")
    creators = {str(g.value(c, FOAF.name)): c for c in g.objects(ds, DCT.creator)}
    assert set(creators) == {"Ada Example", "B. Second"}
    assert creators["Ada Example"] == rdflib.URIRef("https://orcid.org/0000-0002-1825-0097")
    assert {str(k) for k in g.objects(ds, DCAT.keyword)} == {"Ruritania", "tests"}


def test_citation_cff_cites_the_dataset(release: Path) -> None:
    text = (release / "CITATION.cff").read_text(encoding="utf-8")
    assert 'title: "Ruritanian relations, cited"' in text and 'version: "2.1.0"' in text
    assert 'date-released: "2025-03-01"' in text and "license: CC0-1.0" in text
    assert '  - name: "Ada Example"\n    orcid: "https://orcid.org/0000-0002-1825-0097"\n' in text
    assert '    affiliation: "Example University"' in text and '  - name: "B. Second"' in text
    assert 'url: "https://example.org/ruritania/"' in text and '  - "Ruritania"' in text


def test_the_site_shows_the_dataset_and_the_ontology_docs_the_ontology(release: Path) -> None:
    index = (release / "index.html").read_text(encoding="utf-8")
    assert "Ruritanian relations, cited" in index
    ontology_title = str(rdflib.Graph().parse(FIXTURE / "ontology" / "dprk.ttl").value(
        rdflib.URIRef("https://w3id.org/dprk-ld/ontology"), DCT.title))
    assert ontology_title not in index
    assert ontology_title in (release / "ontology.html").read_text(encoding="utf-8")


def test_the_bundled_dataset_has_its_own_title() -> None:
    meta = read_metadata(find_project(bundled_root()))
    assert meta is not None and meta.title == "North Korea's foreign relations, as cited linked data"
    assert "ontology" not in meta.title.lower() and meta.license and meta.version


@pytest.mark.parametrize("text, message, line", [
    ('title = "x"\ncolour = "red"\n', "unknown key 'colour'", 2),
    ('title = "x"\nissued = "2025-01-01"\n', "issued must be a TOML date", 2),
    ('title = "x"\nlicense = "CC-BY"\n', "license must be an http(s) IRI", 2),
    ('title = "x"\n\n[[creators]]\nname = "A"\norcid = "0000"\n', "orcid must be an ORCID iD IRI", 3),
    ('description = "no title"\n', "has no title", None),
    ('title = "x\n', "not valid TOML", None),
])
def test_mistakes_in_dataset_toml_are_messages_with_a_line(tmp_path: Path, text: str, message: str,
                                                           line: int | None) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    (project / "dataset.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        read_metadata(find_project(project))
    assert message in caught.value.message
    if line is not None:
        assert caught.value.location == f"{project / 'dataset.toml'}:{line}"
