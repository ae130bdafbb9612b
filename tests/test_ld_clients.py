"""Issue 14, shown with real clients: the release's dumps through a strict parser, and `dprk-ld serve`
(a process on a loopback port) through rdflib, Comunica and Jena.

- Every dump of a release passes Apache Jena ``riot --validate --strict`` (Debian's
  libapache-jena-java), JSON-LD with Jena's JSON-LD 1.0 reader (it refuses ``"@version": 1.1``), with
  as many triples as the N-Triples dump.
- rdflib dereferences every IRI kind with its own content negotiation, and with Turtle and JSON-LD asked
  for, following the 303 to the document; the document names the IRI.
- Comunica (``@comunica/query-sparql`` from npm, installed by .ci/run) queries the endpoint, and the
  /id/ documents by dereferencing them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from dprk_ld.load import load_project
from dprk_ld.publish import build_release

from .conftest import missing
from .jena import jena_classpath, riot
from .servers import dprk_serve

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "build"
BASE = "https://w3id.org/dprk-ld/"
KINDS = ["id/state/RUS", "id/claim/a000-shells-to-russia", "prop/direct/visits", "graph/data/a000.ttl",
         "ontology", "shapes", "dataset", "", "prop/", "id/state/"]
COMUNICA = Path(__file__).resolve().parent.parent / ".ci" / "node" / "node_modules" / ".bin" / "comunica-sparql"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clients") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dprk_serve(FIXTURE, tmp_path_factory.mktemp("serve")) as base:
        yield base


@pytest.fixture(scope="module")
def classpath(java: str) -> str:
    return jena_classpath()


@pytest.mark.parametrize("dump", ["dprk-ld.ttl", "dprk-ld.nt", "dprk-ld.nq", "dprk-ld.trig", "dprk-ld.rdf",
                                  "dprk-ld-wikidata.nq"])
def test_dumps_pass_jena_strict(release: Path, classpath: str, dump: str) -> None:
    done = riot(classpath, "--validate", "--strict", str(release / "dumps" / dump))
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr


@pytest.mark.parametrize("document", ["dumps/dprk-ld.jsonld", "id/state/RUS.jsonld", "context.jsonld",
                                      "ontology.jsonld", "index.jsonld"])
def test_jsonld_reads_with_jena_jsonld10(release: Path, classpath: str, document: str) -> None:
    done = riot(classpath, "--syntax=jsonld10", "--count", str(release / document))
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    assert '"@version"' not in (release / document).read_text(encoding="utf-8")
    if document.startswith("dumps/"):
        lines = (release / "dumps" / "dprk-ld.nt").read_text(encoding="utf-8").count("\n")
        assert f"Triples = {lines:,}" in done.stdout + done.stderr


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("fmt", [None, "turtle", "json-ld"])
def test_rdflib_dereferences_every_iri_kind(server: str, path: str, fmt: str | None) -> None:
    graph = rdflib.Graph().parse(f"{server}/{path}", format=fmt)
    node = rdflib.URIRef(BASE + path)
    assert len(graph) > 0 and (node in set(graph.subjects()) | set(graph.objects()))


def comunica(*args: str) -> list[dict[str, str]]:
    tool = str(COMUNICA) if COMUNICA.is_file() else shutil.which("comunica-sparql")
    if tool is None:
        missing("Comunica is not installed (.ci/run installs @comunica/query-sparql from npm)")
    done = subprocess.run([str(tool), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_comunica_queries_the_endpoint(server: str) -> None:
    rows = comunica(f"sparql@{server}/sparql", "SELECT ?s WHERE { ?s a <https://w3id.org/dprk-ld/ontology#State> }")
    assert {r["s"] for r in rows} >= {BASE + "id/state/RUS", BASE + "id/state/PRK"}


def test_comunica_reads_the_linked_data_documents(server: str) -> None:
    rows = comunica(f"{server}/id/state/RUS", f"{server}/prop/direct/visits",
                    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    subjects = {r["s"] for r in rows}
    assert BASE + "id/state/RUS" in subjects and any(r["o"] == BASE + "prop/direct/visits" for r in rows)
