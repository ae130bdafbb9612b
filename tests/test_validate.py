"""`dprk-ld validate` on the mini fixture project and one broken variant per check.

Every test asserts the message, the file and the line, not only the exit code.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main

from .conftest import MINI, MINI_SOURCES, line_of, needs_java

CLAIMS = "data/claims.ttl"


def run(*args: str):
    result = CliRunner().invoke(main, ["validate", *args])
    assert "Traceback" not in result.output, result.output
    return result


def run_json(project, *args: str):
    result = run("--project", str(project), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def findings(report, check):
    return [f for f in report["findings"] if f["check"] == check]


def test_mini_conforms_with_sources():
    result = run("--project", str(MINI), "--sources", str(MINI_SOURCES))
    assert result.exit_code == 0, result.output
    assert "CONFORMS: 3 files" in result.output
    assert result.output.startswith(f"project: {MINI} (--project)\n")
    assert "1 claims, 2 citations, 2 quotes checked against the sources: 0 violations" in result.output


def test_json_report_shape():
    code, report = run_json(MINI, "--sources", str(MINI_SOURCES))
    assert code == 0
    assert report["conforms"] is True
    assert {"files", "triples", "claims", "citations", "violation", "warning", "info"} <= set(report["summary"])
    assert {c["name"] for c in report["checks"]} >= {"shacl", "shapes", "vocabulary", "ontology", "citations"}


def test_syntax_error_names_file_line_column(mini_copy):
    project = mini_copy({CLAIMS: [('rdfs:label "Freedonia"@en .', 'rdfs:label "Freedonia"@en')]})
    result = run("--project", str(project))
    assert result.exit_code == 2
    assert "data/claims.ttl:" in result.output and "Turtle syntax error" in result.output
    line = int(result.output.split("data/claims.ttl:")[1].split(":")[0])
    assert line == line_of(project / CLAIMS, "source:note-001 a") or line == line_of(project / CLAIMS, "Freedonia")


def test_undeclared_prefix(mini_copy):
    project = mini_copy({CLAIMS: [("state:RUR a dprk:State", "nation:RUR a dprk:State")]})
    result = run("--project", str(project))
    assert result.exit_code == 2
    line = line_of(project / CLAIMS, "nation:RUR")
    assert f"data/claims.ttl:{line}:" in result.output
    assert "nation" in result.output and "@prefix" in result.output


def test_non_utf8_file(mini_copy):
    project = mini_copy()
    path = project / CLAIMS
    path.write_bytes(path.read_bytes().replace(b"Freedonia\"@en", b"Fr\xe9edonia\"@en", 1))
    result = run("--project", str(project))
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.output
    assert f"data/claims.ttl:{line_of_bytes(path, b'Fr')}:" in result.output


def line_of_bytes(path, needle: bytes) -> int:
    return path.read_bytes()[: path.read_bytes().index(needle)].count(b"\n") + 1


def test_file_outside_expected_folders(mini_copy):
    project = mini_copy()
    shutil.copy(project / CLAIMS, project / "stray.ttl")
    result = run("--project", str(project))
    assert result.exit_code == 2
    assert "stray.ttl" in result.output and "outside ontology/, shapes/ and data/" in result.output


def test_unexpected_file_in_data(mini_copy):
    project = mini_copy()
    (project / "data" / "notes.txt").write_text("hello", encoding="utf-8")
    result = run("--project", str(project))
    assert result.exit_code == 2
    assert "data/notes.txt" in result.output and "only Turtle files" in result.output


def test_misspelled_term_suggests_closest(mini_copy):
    project = mini_copy({CLAIMS: [("dprk:supplier state:RUR", "dprk:suplier state:RUR")]})
    code, report = run_json(project)
    assert code == 1
    [finding] = findings(report, "vocabulary")
    assert finding["file"] == CLAIMS
    assert finding["line"] == line_of(project / CLAIMS, "dprk:suplier")
    assert "dprk:suplier is not declared" in finding["message"]
    assert "dprk:supplier" in finding["hint"]


def test_missing_citation(mini_copy):
    project = mini_copy({CLAIMS: [("    dprk:citation citation:tractors-c1 , citation:tractors-c2 .",
                                   "    .")]})
    project_file = project / CLAIMS
    project_file.write_text(project_file.read_text().replace("dprk:recipient state:FRE ;\n    .",
                                                             "dprk:recipient state:FRE ."))
    code, report = run_json(project)
    assert code == 1
    [finding] = findings(report, "citations")
    assert finding["focus"] == "https://w3id.org/dprk-ld/id/claim/tractors"
    assert finding["file"] == CLAIMS and finding["line"] == line_of(project_file, "claim:tractors a")
    assert "no citation" in finding["message"]


def test_quote_that_does_not_match(mini_copy):
    project = mini_copy({CLAIMS: [('"Ruritania sent twelve tractors to Freedonia"@en',
                                   '"Ruritania sent twelve TRACTORS to Freedonia"@en')]})
    code, report = run_json(project, "--sources", str(MINI_SOURCES))
    assert code == 1
    [finding] = findings(report, "citations")
    assert finding["file"] == CLAIMS and finding["line"] == line_of(project / CLAIMS, "citation:tractors-c1 a")
    assert "expected: 'Ruritania sent twelve TRACTORS to Freedonia'" in finding["message"]
    assert "actual:   'Ruritania sent twelve tractors to Freedonia'" in finding["message"]


def test_wrong_offsets(mini_copy):
    project = mini_copy({CLAIMS: [("dprk:startOffset 78 ;", "dprk:startOffset 77 ;"),
                                  ("dprk:endOffset 109 ;", "dprk:endOffset 108 ;")]})
    code, report = run_json(project, "--sources", str(MINI_SOURCES))
    assert code == 1
    [finding] = findings(report, "citations")
    assert finding["line"] == line_of(project / CLAIMS, "citation:tractors-c2 a")
    assert "actual:   ' Freedonia denied receiving the'" in finding["message"]
    assert "78-109" in finding["hint"]


def test_wrong_sha256(mini_copy):
    good = "283cde8414dc03d2aa5e1cfd4c8a195f17085a38bf4d61849642e6da50f01878"
    project = mini_copy({CLAIMS: [(good, "0" * 64)]})
    code, report = run_json(project, "--sources", str(MINI_SOURCES))
    assert code == 1
    [finding] = findings(report, "citations")
    assert finding["file"] == CLAIMS and finding["line"] == line_of(project / CLAIMS, "source:note-001 a")
    assert f"the data says {'0' * 64}" in finding["message"] and good in finding["message"]


def test_missing_sources_dir_is_a_clear_error():
    result = run("--project", str(MINI), "--sources", "/nonexistent/folder")
    assert result.exit_code == 2
    assert "no such sources directory" in result.output


@needs_java
def test_owl_inconsistency_names_individual_and_axiom(mini_copy):
    project = mini_copy({CLAIMS: [("state:RUR a dprk:State", "state:RUR a dprk:State , dprk:Person")]})
    code, report = run_json(project, "--require-reasoner")
    assert code == 1
    [finding] = findings(report, "owl")
    assert finding["focus"] == "https://w3id.org/dprk-ld/id/state/RUR"
    assert finding["file"] == CLAIMS and finding["line"] == line_of(project / CLAIMS, "state:RUR a")
    assert "disjoint" in finding["message"] and "dprk:Person" in finding["message"]


def test_reasoner_missing_is_skipped_or_fails(monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/no/such/java")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CI", raising=False)
    code, report = run_json(MINI)
    assert code == 0
    [owl] = [c for c in report["checks"] if c["name"] == "owl"]
    assert owl["status"] == "skipped" and "Java is not installed" in owl["detail"]
    [warning] = findings(report, "owl")  # never silent: a warning in the report and its summary
    assert warning["severity"] == "warning" and "did not run" in warning["message"]
    assert report["summary"]["warning"] == 1
    text = run("--project", str(MINI))
    assert "NOT RUN: owl" in text.stdout.splitlines()[-1] and text.exit_code == 0
    code, report = run_json(MINI, "--require-reasoner")
    assert code == 1
    assert "reasoner was required" in findings(report, "owl")[0]["message"]
    monkeypatch.setenv("CI", "true")  # on CI a skipped reasoner fails the gate ...
    code, report = run_json(MINI)
    assert code == 1 and findings(report, "owl")[0]["severity"] == "violation"
    assert "--allow-skip owl" in findings(report, "owl")[0]["hint"]
    code, report = run_json(MINI, "--allow-skip", "owl")  # ... unless excused
    assert code == 0 and findings(report, "owl")[0]["severity"] == "warning"


def test_shape_violation(mini_copy):
    project = mini_copy({CLAIMS: [("    dprk:supplier state:RUR ;\n", "")]})
    code, report = run_json(project, "--engine", "pyshacl")
    assert code == 1
    [finding] = findings(report, "shacl")
    assert finding["message"] == "A transfer needs a supplier: who sent it?"
    assert finding["focus"] == "https://w3id.org/dprk-ld/id/claim/tractors"
    assert finding["file"] == CLAIMS and finding["line"] == line_of(project / CLAIMS, "claim:tractors a")
    assert finding["path"] == "https://w3id.org/dprk-ld/ontology#supplier"


def test_invalid_shapes_file(mini_copy):
    project = mini_copy({"shapes/mini-shapes.ttl": [("sh:pattern \"^[0-9a-f]{64}$\" ;",
                                                     "sh:pattern \"^[0-9a-f]{64}$\" ; sh:maxCount \"one\" ;")]})
    code, report = run_json(project)
    assert code == 1
    found = findings(report, "shapes")
    assert found, report
    assert any("maxCount" in (f["path"] or "") for f in found)
    assert all(f["file"] == "shapes/mini-shapes.ttl" for f in found)
    assert found[0]["line"] == line_of(project / "shapes/mini-shapes.ttl", "shape:Source a")


def test_warning_fails_only_with_fail_on_warning(mini_copy):
    project = mini_copy({"shapes/mini-shapes.ttl": [
        ('sh:severity sh:Violation ; sh:message "A transfer needs a supplier: who sent it?"',
         'sh:severity sh:Warning ; sh:message "A transfer needs a supplier: who sent it?"')],
        CLAIMS: [("    dprk:supplier state:RUR ;\n", "")]})
    assert run("--project", str(project)).exit_code == 0
    assert run("--project", str(project), "--fail-on", "warning").exit_code == 1


@pytest.mark.parametrize("fmt", ["turtle", "github"])
def test_other_formats(mini_copy, fmt):
    project = mini_copy({CLAIMS: [("dprk:supplier state:RUR", "dprk:suplier state:RUR")]})
    result = run("--project", str(project), "--format", fmt)
    assert result.exit_code == 1
    line = line_of(project / CLAIMS, "dprk:suplier")
    if fmt == "github":
        assert f"::error file=data/claims.ttl,line={line},title=dprk-ld vocabulary::" in result.output
    else:
        import rdflib

        g = rdflib.Graph().parse(data=result.output, format="turtle")
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        assert (None, sh.conforms, rdflib.Literal(False)) in g
        assert len(list(g.subjects(rdflib.RDF.type, sh.ValidationResult))) >= 1
