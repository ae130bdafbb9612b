"""A user's mistake never prints a traceback: every command answers with a message and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main

from .conftest import HERE, MINI

BUILD = HERE / "fixtures" / "build"


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A path whose parent is a regular file: nothing can be written there."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    return tmp_path / "file" / "out"


@pytest.mark.parametrize("args", [
    ["build", "--project", str(BUILD), "--out", "{blocked}"],
    ["export", "quickstatements", "--project", str(MINI), "--out", "{blocked}"],
    ["query", "no-such-query"],
    ["sparql", "SELEC ?x"],
    ["validate", "--project", "/nonexistent/project"],
    ["serve", "--project", "/nonexistent/project"],
    ["cite", "/nonexistent/article.txt", "quote"],
    ["query", "transfers", "--param", "supplier=not an iri"],
])
def test_mistakes_get_a_message_and_exit_2(args: list[str], blocked: Path) -> None:
    result = CliRunner().invoke(main, [a.replace("{blocked}", str(blocked)) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "error:" in result.output
    if "{blocked}" in args:
        assert str(blocked) in result.output or "file/.out" in result.output
