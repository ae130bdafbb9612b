"""CLI habits (issue 16): -q/-v, colour and NO_COLOR, -o FILE, completion of canned-query names, checked
ports, and `cite` / `source describe` never printing invalid Turtle."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import MINI

from dprk_ld.cli import main
from dprk_ld.namespaces import PREFIXES

ARTICLE = MINI.parent / "mini-sources" / "note-001.txt"
ESC = "\x1b["


def run(*args: str, color: bool = False, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(main, list(args), color=color, env=env, catch_exceptions=False)


def test_validate_colours_severities_on_a_terminal_unless_no_color(mini_copy) -> None:
    project = mini_copy({"data/claims.ttl": [("dprk:supplier state:RUR", "dprk:suplier state:RUR")]})
    coloured = run("validate", "--project", str(project), "--check", "vocabulary", color=True, env={"NO_COLOR": ""})
    assert coloured.exit_code == 1
    assert f"{ESC}31m" in coloured.output and "VIOLATION" in coloured.output
    plain = run("validate", "--project", str(project), "--check", "vocabulary", color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 1 and ESC not in plain.output and "VIOLATION" in plain.output
    forced = run("--color", "validate", "--project", str(project), "--check", "vocabulary", color=True,
                 env={"NO_COLOR": "1"})
    assert ESC in forced.output
    piped = run("validate", "--project", str(project), "--check", "vocabulary")  # not a terminal
    assert ESC not in piped.output


def test_output_file_on_validate_query_and_sparql(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run("validate", "--project", str(MINI), "--check", "shacl", "--format", "json", "-o", str(report))
    assert result.exit_code == 0 and json.loads(report.read_text(encoding="utf-8"))["conforms"] is True
    assert f"wrote {report}" in result.output  # the note (stderr is mixed into output by CliRunner)
    rows = tmp_path / "rows.csv"
    result = run("-q", "sparql", "--project", str(MINI), "SELECT ?s WHERE { ?s a dprk:State } ORDER BY ?s",
                 "--format", "csv", "--output", str(rows))
    assert result.exit_code == 0 and result.output == ""  # -q: not even the note
    assert rows.read_text(encoding="utf-8").splitlines()[0] == "s"
    listing = tmp_path / "q.json"
    result = run("query", "--project", str(MINI), "--list", "--format", "json", "-o", str(listing))
    assert result.exit_code == 0


def test_output_to_an_unwritable_place_is_a_message(tmp_path: Path) -> None:
    result = run("validate", "--project", str(MINI), "--check", "shacl", "-o", str(tmp_path / "no" / "such" / "f"))
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("port", ["0", "99999", "-1", "http"])
def test_serve_port_is_checked(port: str) -> None:
    result = run("serve", "--port", port)
    assert result.exit_code == 2 and "--port" in result.output and "serving on" not in result.output


def test_canned_query_names_complete() -> None:
    result = CliRunner().invoke(main, [], prog_name="dprk-ld", env={
        "_DPRK_LD_COMPLETE": "bash_complete", "COMP_WORDS": "dprk-ld query claims-", "COMP_CWORD": "2"})
    names = [line.split(",", 1)[1] for line in result.output.splitlines() if line.startswith("plain,")]
    assert {"claims-between", "claims-by-attribution", "claims-by-source"} <= set(names)
    assert all(n.startswith("claims-") for n in names)


def _parses(turtle: str) -> None:
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    ox.parse(prologue + turtle, format=ox.RdfFormat.TURTLE)


@pytest.mark.parametrize("value, ok", [
    ("agency:kcna", True), ("<https://w3id.org/dprk-ld/id/org/kcna>", True),
    ("https://w3id.org/dprk-ld/id/org/kcna", True),
    ("kcna", False), ("agency:", False), ("agency:kcna.", False), ("https://x y", False), ("a b:c", False),
])
def test_cite_prints_only_valid_turtle(value: str, ok: bool) -> None:
    result = CliRunner().invoke(main, ["cite", str(ARTICLE), "Ruritania sent twelve tractors", "--id", "t-c1",
                                       "--attributed-to", value])
    if ok:
        assert result.exit_code == 0, result.output
        _parses(result.stdout)
    else:
        assert result.exit_code == 2 and "citation:" not in result.stdout
        assert "--attributed-to" in result.output and "hint:" in result.output


@pytest.mark.parametrize("args", [["--id", "bad id"], ["--id", "x\"y"]])
def test_cite_checks_its_slug(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["cite", str(ARTICLE), "Ruritania sent twelve tractors", *args])
    assert result.exit_code == 2 and "cannot be part of an IRI" in result.output


def test_source_describe_checks_publisher_and_url() -> None:
    bad = CliRunner().invoke(main, ["source", "describe", str(ARTICLE), "--publisher", "reuters"])
    assert bad.exit_code == 2 and "--publisher" in bad.output
    bad_url = CliRunner().invoke(main, ["source", "describe", str(ARTICLE), "--url", "example.com/x"])
    assert bad_url.exit_code == 2 and "--url" in bad_url.output
    good = CliRunner().invoke(main, ["source", "describe", str(ARTICLE), "--publisher", "agency:reuters",
                                     "--url", "https://example.com/a?b=1", "--date", "2024-10"])
    assert good.exit_code == 0, good.output
    _parses(good.stdout)
