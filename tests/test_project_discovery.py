"""Which project a command checks: --project, then $DPRK_LD_PROJECT, then the nearest folder at or above the
working directory with ontology/, shapes/ and data/ (like git), then the bundled dataset; every output names it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.errors import ProjectError
from dprk_ld.project import (
    ENV_VAR,
    ORIGIN_BUNDLED,
    ORIGIN_ENV,
    ORIGIN_EXPLICIT,
    ORIGIN_FOUND,
    bundled_root,
    find_project,
    resolve_root,
)

from .conftest import MINI, ROOT


@pytest.fixture
def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(MINI, a)
    shutil.copytree(MINI, b)
    (a / "notes" / "deep").mkdir(parents=True)
    return a, b


def test_discovery_from_a_subfolder(two_projects, monkeypatch):
    a, _ = two_projects
    monkeypatch.delenv(ENV_VAR, raising=False)
    project = find_project(cwd=a / "notes" / "deep")
    assert project.root == a.resolve() and project.origin == ORIGIN_FOUND
    assert find_project(cwd=a / "data").root == a.resolve()


def test_precedence_explicit_then_env_then_cwd(two_projects, monkeypatch):
    a, b = two_projects
    assert resolve_root(None, cwd=a, environ={}) == (a.resolve(), ORIGIN_FOUND)
    assert resolve_root(None, cwd=a, environ={ENV_VAR: str(b)}) == (b, ORIGIN_ENV)
    assert resolve_root(b, cwd=a, environ={ENV_VAR: str(a)}) == (b, ORIGIN_EXPLICIT)
    assert resolve_root(None, cwd=a, environ={ENV_VAR: "  "}) == (a.resolve(), ORIGIN_FOUND)  # blank = unset


def test_bundled_only_when_nothing_applies(tmp_path):
    assert resolve_root(None, cwd=tmp_path, environ={}) == (bundled_root(), ORIGIN_BUNDLED)


def test_a_folder_missing_one_of_the_three_is_an_error_not_the_bundled_dataset(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    shutil.copytree(MINI, tmp_path / "p")
    shutil.rmtree(tmp_path / "p" / "shapes")
    with pytest.raises(ProjectError, match="has no shapes/ folder") as info:
        find_project(cwd=tmp_path / "p" / "data")
    assert info.value.location == str((tmp_path / "p").resolve())


def test_env_pointing_nowhere_says_it_came_from_the_env(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(ProjectError, match=r"no such project directory \(from \$DPRK_LD_PROJECT\)"):
        find_project()


def test_cli_validate_checks_the_project_it_is_run_in(two_projects, monkeypatch):
    a, b = two_projects
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(a / "notes")
    text = CliRunner().invoke(main, ["validate", "--check", "vocabulary"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0] == f"project: {a.resolve()} (found at or above the working directory)"
    result = CliRunner().invoke(main, ["validate", "--check", "vocabulary", "--format", "json"])
    report = json.loads(result.stdout)
    assert report["project"] == str(a.resolve())
    assert report["project_origin"] == "found at or above the working directory"
    monkeypatch.setenv(ENV_VAR, str(b))
    report = json.loads(CliRunner().invoke(main, ["validate", "--check", "vocabulary", "--format", "json"]).stdout)
    assert report["project"] == str(b.resolve()) and report["project_origin"] == "$DPRK_LD_PROJECT"
    report = json.loads(CliRunner().invoke(main, ["validate", "--check", "vocabulary", "--format", "json",
                                                  "--project", str(a)]).stdout)
    assert report["project"] == str(a.resolve()) and report["project_origin"] == "--project"


def test_every_command_names_its_project(two_projects, monkeypatch, tmp_path):
    a, _ = two_projects
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the mini project has no release date
    monkeypatch.chdir(a)
    line = f"project: {a.resolve()} (found at or above the working directory)"
    for args in (["query", "--list"], ["sparql", "ASK { ?s ?p ?o }"], ["export", "quickstatements"],
                 ["build", "--out", str(tmp_path / "dist")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert line in result.stderr.splitlines(), args
    turtle = CliRunner().invoke(main, ["validate", "--check", "vocabulary", "--format", "turtle"]).stdout
    assert str(a.resolve()) in turtle
    github = CliRunner().invoke(main, ["validate", "--check", "vocabulary", "--format", "github"]).stdout
    assert github.splitlines()[0] == line


def test_pre_commit_hook_entry_checks_the_repository_it_runs_in(mini_copy, tmp_path):
    """The hook's entry, run as pre-commit runs it (in the repository's root, no args), checks that project."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = re.search(r"^\s*entry:\s*(.+)$", hooks, re.MULTILINE).group(1).split()
    assert "--project" not in entry and re.search(r"^\s*pass_filenames:\s*false", hooks, re.MULTILINE)
    project = mini_copy({"data/claims.ttl": [("state:RUR a dprk:State", "state:RUR a dprk:Stat")]})
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    command = [sys.executable, "-m", "dprk_ld", *entry[1:], "--check", "vocabulary"]
    proc = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the broken copy, not the bundled dataset
    assert proc.stdout.splitlines()[0].startswith(f"project: {project.resolve()} ")
    assert "dprk:Stat" in proc.stdout


def test_links_out_of_the_project_are_refused(mini_copy, tmp_path):
    outside = tmp_path / "elsewhere.ttl"
    outside.write_text("", encoding="utf-8")
    project = mini_copy()
    (project / "data" / "linked.ttl").symlink_to(outside)
    with pytest.raises(ProjectError, match="links out of the project") as info:
        find_project(project)
    assert info.value.location == str(project / "data" / "linked.ttl")
    result = CliRunner().invoke(main, ["validate", "--project", str(project)])
    assert result.exit_code == 2 and "links out of the project" in result.stderr
    assert "Traceback" not in result.output


def test_a_link_within_the_project_is_fine(mini_copy):
    project = mini_copy()
    (project / "extra").mkdir()
    shutil.move(project / "data" / "claims.ttl", project / "extra" / "claims.ttl")
    (project / "data" / "claims.ttl").symlink_to(project / "extra" / "claims.ttl")
    assert "data/claims.ttl" in {f.relpath for f in find_project(project).files}


def test_the_checkout_is_its_own_project(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(ROOT / "data")
    assert find_project().root == ROOT.resolve()
