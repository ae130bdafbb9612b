"""Shared fixtures: the mini fixture project, copies of it to break, and the shared/ folder if present."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MINI = HERE / "fixtures" / "mini"
MINI_SOURCES = HERE / "fixtures" / "mini-sources"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture
def mini_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the mini project to tmp and apply text replacements: ``mini_copy({"data/claims.ttl": [(a, b)]})``."""

    def make(edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
        dest = tmp_path / "project"
        shutil.copytree(MINI, dest)
        for rel, replacements in (edits or {}).items():
            path = dest / rel
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            for old, new in replacements:
                assert old in text, f"fixture edit: {old!r} not in {rel}"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        return dest

    return make


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first occurrence of needle in a file."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")
