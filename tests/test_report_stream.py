"""Validation reports written as streams (:data:`dprk_ld.validate.report.STREAMS`, :func:`dprk_ld.clikit.emit_stream`).

JSON must be byte for byte what ``json.dumps(to_json(report), indent=2, ensure_ascii=False)`` writes, on
findings hypothesis makes (any text, quotes, control characters, astral characters, missing fields). A
file output is written whole or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_ld import clikit
from dprk_ld.cli import main
from dprk_ld.validate.report import (
    SEVERITIES,
    STREAMS,
    CheckRun,
    Finding,
    Report,
    iter_text,
    render_github,
    render_json,
    render_text,
    render_turtle,
    to_json,
)

from .conftest import MINI

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_maybe = st.none() | _text
findings = st.builds(Finding, severity=st.sampled_from(SEVERITIES), check=st.sampled_from(["shacl", "owl"]),
                     message=_text, focus=_maybe, file=_maybe, line=st.none() | st.integers(1, 10**7), hint=_maybe,
                     path=_maybe, component=_maybe, value=_maybe, shape=_maybe)
reports = st.builds(Report, findings=st.lists(findings, max_size=12),
                    checks=st.lists(st.builds(CheckRun, name=_text, status=st.sampled_from(["ran", "skipped"]),
                                              seconds=st.floats(0, 1e4), detail=_maybe), max_size=3),
                    stats=st.dictionaries(st.sampled_from(["files", "triples", "quads"]), st.integers(0, 10**7)),
                    project=_maybe, project_origin=_maybe)


@settings(max_examples=300, deadline=None)
@given(reports, st.sampled_from(["violation", "warning"]))
def test_json_is_byte_for_byte_json_dumps(report, fail_on):
    text = render_json(report, fail_on)
    assert text == json.dumps(to_json(report, fail_on), indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=100, deadline=None)
@given(reports)
def test_every_format_streams_what_it_renders(report):
    for fmt, render in (("text", render_text), ("json", render_json), ("github", render_github)):
        chunks = list(STREAMS[fmt](report, "violation"))
        assert all(isinstance(c, str) for c in chunks) and "".join(chunks) == render(report)


def test_turtle_is_one_chunk():
    report = _report(3)
    assert list(STREAMS["turtle"](report, "violation")) == [render_turtle(report)]


def _report(n: int) -> Report:
    return Report([Finding("violation", "shacl", f"message {i}", focus=f"http://x.org/{i}", file="data/a.ttl", line=i)
                   for i in range(1, n + 1)], [CheckRun("shacl", "ran", 1.5)], {"files": 1})


@pytest.mark.parametrize("batch", [1, 100, 1 << 16])
def test_a_file_gets_the_whole_report_whatever_the_batch(tmp_path, batch):
    out = tmp_path / "report.txt"
    report = _report(500)
    clikit.emit_stream(iter_text(report), out, batch=batch)
    assert out.read_text(encoding="utf-8") == render_text(report)
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_failure_half_way_leaves_the_file_as_it_was(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")

    def broken() -> object:
        yield from list(iter_text(_report(3000)))[:2000]
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        clikit.emit_stream(broken(), out, batch=100)  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_stdout_gets_the_whole_report(capsys):
    report = _report(300)
    clikit.emit_stream(iter_text(report), None, batch=50)
    assert capsys.readouterr().out == render_text(report)


def test_no_findings(tmp_path: Path):
    report = Report([], [CheckRun("shacl", "ran", 0.1)])
    assert json.loads(render_json(report))["findings"] == []
    assert render_json(report) == json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def test_a_symlink_is_written_through_not_replaced(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    report = _report(5)
    clikit.emit_stream(iter_text(report), link)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == render_text(report)


def test_a_missing_folder_is_named_as_given(tmp_path):
    out = tmp_path / "no-such-folder" / "report.json"
    with pytest.raises(OSError) as err:
        clikit.emit_stream(iter(["x"]), out)
    assert err.value.filename == str(out)


def test_the_command_names_an_unwritable_output(tmp_path):
    out = tmp_path / "no-such-folder" / "report.json"
    result = CliRunner().invoke(main, ["validate", "--project", str(MINI), "--check", "shacl", "-o", str(out)])
    assert result.exit_code == 2 and str(out) in result.output and "Traceback" not in result.output
