"""The bundled dataset passes the gate: `dprk-ld validate --sources ../shared/seeds`, reasoner included."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main

from .conftest import SEEDS


def test_real_dataset_conforms_with_sources_and_reasoner():
    args = ["validate", "--format", "json"]
    if SEEDS.is_dir():
        args += ["--sources", str(SEEDS)]
    if shutil.which("java"):
        args.append("--require-reasoner")
    result = CliRunner().invoke(main, args)
    report = json.loads(result.output)
    violations = [f for f in report["findings"] if f["severity"] == "violation"]
    assert result.exit_code == 0, violations[:5]
    assert report["conforms"] is True
    assert report["summary"]["claims"] >= 100 and report["summary"]["citations"] >= 130
    checks = {c["name"]: c for c in report["checks"]}
    if SEEDS.is_dir():
        assert "quotes checked" in checks["citations"]["detail"] and "not checked" not in checks["citations"]["detail"]
    if shutil.which("java"):
        assert checks["owl"]["status"] == "ran"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
def test_every_quote_is_checked():
    result = CliRunner().invoke(main, ["validate", "--sources", str(SEEDS), "--check", "citations",
                                       "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 0, report["findings"][:5]
    [citations] = report["checks"]
    assert citations["detail"].startswith(f"{report['summary']['citations']} quotes checked")
