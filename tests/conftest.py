"""Shared fixtures: the mini fixture project, copies of it to break, the shared/ folder, and the one
rule for missing external things: :func:`require_tool` / :func:`require_path` skip a test when a tool
or the shared test material is absent on a developer's machine, and FAIL it when ``CI=true`` (CI
installs every tool and has ../shared beside the checkout, so a skip there would hide a broken gate).
No other skip is allowed: an error in a test is a failure, never a skip."""

from __future__ import annotations

import importlib.util
import os
import shutil
import types
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MINI = HERE / "fixtures" / "mini"
MINI_SOURCES = HERE / "fixtures" / "mini-sources"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def benchmark_module(name: str) -> types.ModuleType:
    """A script of benchmarks/ (synth.py, shapegen.py) as a module: the tests use the generators it holds."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_ci() -> bool:
    """True on CI (``CI=true``, as GitHub Actions and our .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    """Skip for a missing external tool or file, except on CI, where it is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: every tool the tests need must be installed by .ci/run)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, *alternatives: str) -> str:
    """The path of executable ``name`` (or the first alternative found); skip (fail on CI) when none is."""
    for candidate in (name, *alternatives):
        found = shutil.which(candidate)
        if found:
            return found
    missing(f"{name} is not installed")
    raise AssertionError("unreachable")


def require_path(path: Path, what: str | None = None) -> Path:
    """``path`` if it exists (shared test material beside the checkout); skip (fail on CI) when not."""
    if not path.exists():
        missing(f"{what or path.name} not found at {path}")
    return path


@pytest.fixture(scope="session")
def java() -> str:
    """The ``java`` executable (HermiT runs on it); skip (fail on CI) without it."""
    return require_tool("java")


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Chromium and its driver (Debian packages chromium, chromium-driver); skip (fail on CI) without them."""
    require_tool("chromium", "chromium-browser")
    require_tool("chromedriver")


needs_java = pytest.mark.usefixtures("java")


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
