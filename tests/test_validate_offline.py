"""`dprk-ld validate` never goes online, and every check has a time limit: owl:imports resolve to project files
(or are a finding), SERVICE is a finding, malformed SHACL-SPARQL is a finding with file:line, a check that runs
out of time or cannot run is in the report (a violation on CI unless --allow-skip)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from servers import QuietHandler, quiet_http_server

from dprk_ld.cli import main
from dprk_ld.load import load_project
from dprk_ld.validate import validate, vocabulary

from .conftest import line_of, needs_java

ONTOLOGY = "ontology/mini.ttl"
SHAPES = "shapes/mini-shapes.ttl"
HEADER = "<https://w3id.org/dprk-ld/ontology> a owl:Ontology ;"


class _Recorder(QuietHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"")

    do_POST = do_GET  # noqa: N815


@pytest.fixture
def remote() -> Iterator[str]:
    _Recorder.requests = []
    with quiet_http_server(_Recorder) as base:
        yield base
    assert _Recorder.requests == [], "validation made a request"


def run_json(project, *args):
    result = CliRunner().invoke(main, ["validate", "--project", str(project), "--format", "json", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


@needs_java
def test_an_import_from_the_network_is_a_finding_and_never_fetched(mini_copy, remote, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    project = mini_copy({ONTOLOGY: [(HEADER, f"{HEADER}\n    owl:imports <{remote}/other.owl> ;")]})
    code, report = run_json(project, "--require-reasoner", "--timeout", "120")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["check"] == "owl"]
    assert finding["severity"] == "violation" and "never fetches it" in finding["message"]
    assert finding["file"] == ONTOLOGY and finding["line"] == line_of(project / ONTOLOGY, "owl:imports")
    assert {c["name"]: c["status"] for c in report["checks"]}["owl"] == "ran"  # HermiT ran, without the import


def test_imports_of_project_ontologies_resolve_by_iri_and_by_catalog(mini_copy, tmp_path):
    project = mini_copy({ONTOLOGY: [(HEADER, f"{HEADER}\n    owl:imports <https://example.org/extra> , "
                                             "<https://example.org/by-catalog> ;")]})
    (project / "ontology" / "extra.ttl").write_text(
        "<https://example.org/extra> a <http://www.w3.org/2002/07/owl#Ontology> .\n", encoding="utf-8")
    (project / "ontology" / "local copy.ttl").write_text(
        "<https://example.org/local> a <http://www.w3.org/2002/07/owl#Ontology> .\n", encoding="utf-8")
    catalog = project / "ontology" / "catalog-v001.xml"
    catalog.write_text('<?xml version="1.0"?>\n<catalog prefer="public" '
                       'xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
                       '  <uri name="https://example.org/by-catalog" uri="local%20copy.ttl"/>\n</catalog>\n',
                       encoding="utf-8")
    report = validate(load_project(project), checks=("owl",), allow_skip=("owl",))
    assert [f for f in report.findings if "imports" in f.message or "catalog" in f.message] == []
    catalog.write_text(catalog.read_text().replace("local%20copy.ttl", "../../elsewhere.ttl"), encoding="utf-8")
    report = validate(load_project(project), checks=("owl",), allow_skip=("owl",))
    [finding] = [f for f in report.findings if "catalog" in f.message]
    assert "outside the project" in finding.message and finding.file == ONTOLOGY


def test_service_in_a_shacl_sparql_shape_is_a_finding_not_a_request(mini_copy, remote):
    shape = (f'shape:Offline a sh:NodeShape ; sh:targetClass dprk:State ;\n    sh:sparql [ sh:select """\n'
             f'        SELECT $this WHERE {{ SERVICE <{remote}/sparql> {{ $this ?p ?o }} }}""" ] .\n')
    project = mini_copy({SHAPES: [("shape:Claim a sh:NodeShape ;", shape + "\nshape:Claim a sh:NodeShape ;")]})
    code, report = run_json(project, "--check", "shapes", "--check", "shacl")
    assert code == 1
    [finding] = [f for f in report["findings"] if "SERVICE" in f["message"]]
    assert finding["check"] == "shapes" and finding["file"] == SHAPES
    assert finding["line"] == line_of(project / SHAPES, "SELECT $this WHERE { SERVICE")
    assert {c["name"]: c["status"] for c in report["checks"]}["shacl"] == "skipped"


def test_malformed_sh_select_is_a_finding_with_its_line(mini_copy):
    shape = ('shape:Broken a sh:NodeShape ; sh:targetClass dprk:State ;\n    sh:sparql [ sh:select """\n'
             '        SELECT $this WHERE {\n            $this ?p\n        }""" ] .\n')
    project = mini_copy({SHAPES: [("shape:Claim a sh:NodeShape ;", shape + "\nshape:Claim a sh:NodeShape ;")]})
    code, report = run_json(project, "--check", "shapes", "--check", "shacl")
    assert code == 1
    [finding] = [f for f in report["findings"] if "not valid SPARQL" in f["message"]]
    assert finding["file"] == SHAPES
    first = line_of(project / SHAPES, "SELECT $this WHERE {")
    assert first <= finding["line"] <= first + 2  # where the parser stopped: inside the query


def test_service_in_a_violation_query_is_a_finding_not_a_request(mini_copy, remote):
    project = mini_copy()
    (project / "queries").mkdir()
    (project / "queries" / "remote-violation.rq").write_text(
        "# title: Asks elsewhere\n# description: must not run\n"
        f"SELECT ?focus WHERE {{\n  SERVICE <{remote}/sparql> {{ ?focus ?p ?o }}\n}}\n", encoding="utf-8")
    code, report = run_json(project, "--check", "queries")
    assert code == 1
    [finding] = report["findings"]
    assert "SERVICE" in finding["message"] and finding["file"] == "queries/remote-violation.rq"
    assert finding["line"] == 4


def test_a_check_out_of_time_is_reported_and_fails_on_ci(monkeypatch):
    from .conftest import MINI

    release = threading.Event()
    monkeypatch.setattr(vocabulary, "check_vocabulary", lambda dataset: release.wait(60) and [])
    try:
        monkeypatch.delenv("CI", raising=False)
        code, report = run_json(MINI, "--check", "vocabulary", "--timeout", "0.2")
        assert code == 0
        [run] = report["checks"]
        assert run["status"] == "timed out" and "0.2 s" in run["detail"]
        [finding] = report["findings"]
        assert finding["severity"] == "warning" and "did not run (timed out)" in finding["message"]
        monkeypatch.setenv("CI", "true")
        code, report = run_json(MINI, "--check", "vocabulary", "--timeout", "0.2")
        assert code == 1 and report["findings"][0]["severity"] == "violation"
        code, report = run_json(MINI, "--check", "vocabulary", "--timeout", "0.2", "--allow-skip", "vocabulary")
        assert code == 0 and report["findings"][0]["severity"] == "warning"
    finally:
        release.set()


@needs_java
def test_hermit_out_of_time_is_not_a_pass(monkeypatch):
    from .conftest import MINI

    monkeypatch.setenv("CI", "true")
    code, report = run_json(MINI, "--check", "owl", "--timeout", "0.1")
    assert code == 1
    [run] = report["checks"]
    assert run["status"] == "timed out"
    result = CliRunner().invoke(main, ["validate", "--project", str(MINI), "--check", "owl", "--timeout", "0.1"])
    assert "NOT RUN: owl" in result.stdout and "DOES NOT CONFORM" in result.stdout


def test_shacl_paths_in_sparql_syntax_and_stable_across_runs_and_engines(mini_copy):
    shape = ("shape:Deep a sh:NodeShape ; sh:targetClass dprk:Claim ;\n"
             "    sh:property [ sh:path ( dprk:citation dprk:quote ) ; sh:minCount 5 ;\n"
             "                  sh:message \"five quotes\" ] .\n")
    project = mini_copy({SHAPES: [("shape:Claim a sh:NodeShape ;", shape + "\nshape:Claim a sh:NodeShape ;")]})
    runs = []
    for engine in ("fast", "fast", "pyshacl"):
        code, report = run_json(project, "--check", "shacl", "--engine", engine)
        assert code == 1
        [finding] = [f for f in report["findings"] if f["message"] == "five quotes"]
        runs.append({k: v for k, v in finding.items()})
    ont = "https://w3id.org/dprk-ld/ontology#"
    assert runs[0]["path"] == f"(<{ont}citation>/<{ont}quote>)"
    assert runs[0]["shape"].startswith("_:shape-")  # a content key, not a random label
    assert runs[0] == runs[1] == runs[2]
