"""The bundled dataset passes the gate: `dprk-ld validate --sources ../shared/seeds`, reasoner included.

Nothing is dropped silently: without the seeds or Java the test is skipped by name (and fails on CI)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dprk_ld.cli import main

from .conftest import ROOT, SEEDS, require_path, require_tool


def test_real_dataset_conforms_with_sources_and_reasoner():
    require_path(SEEDS, "the source articles (../shared/seeds)")
    require_tool("java")
    args = ["validate", "--project", str(ROOT), "--format", "json", "--sources", str(SEEDS), "--require-reasoner"]
    result = CliRunner().invoke(main, args)
    report = json.loads(result.stdout)
    violations = [f for f in report["findings"] if f["severity"] == "violation"]
    assert result.exit_code == 0, violations[:5]
    assert report["conforms"] is True
    assert report["summary"]["claims"] >= 100 and report["summary"]["citations"] >= 130
    checks = {c["name"]: c for c in report["checks"]}
    assert "quotes checked" in checks["citations"]["detail"] and "not checked" not in checks["citations"]["detail"]
    assert checks["owl"]["status"] == "ran"
    assert all(c["status"] == "ran" for c in checks.values()), checks


def test_every_quote_is_checked():
    require_path(SEEDS, "the source articles (../shared/seeds)")
    result = CliRunner().invoke(main, ["validate", "--project", str(ROOT), "--sources", str(SEEDS),
                                       "--check", "citations",
                                       "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["findings"][:5]
    [citations] = report["checks"]
    n = report["summary"]["citations"]
    assert citations["detail"].startswith(f"{n} citations, {n} quotes checked against")
    assert report["summary"]["quotes_checked"] == n
