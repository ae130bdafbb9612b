"""`dprk-ld build --diff`: claims added, removed and changed between two releases of the fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.load import load_project
from dprk_ld.publish import build_release, diff_releases

FIXTURE = Path(__file__).parent / "fixtures" / "build"
CLAIM = "https://w3id.org/dprk-ld/id/claim/"

NEW_CLAIM = """
claim:a001-china-visit a dprk:Visit ;
    rdfs:label "Xi visits Pyongyang"@en ;
    dprk:visitor state:CHN ; dprk:host state:PRK ;
    dprk:citation citation:a001-china-visit-c1 .

citation:a001-china-visit-c1 a dprk:Citation ;
    dprk:source source:001_bbbb ;
    dprk:quote "Xi ke Pyongyang"@id ;
    dprk:startOffset "70"^^xsd:nonNegativeInteger ;
    dprk:endOffset "85"^^xsd:nonNegativeInteger .
"""


def modified_fixture(tmp_path: Path) -> Path:
    """The fixture with one claim removed (china-aid), one added (china-visit), one quote changed."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    a001 = project / "data" / "a001.ttl"
    text = a001.read_text(encoding="utf-8")
    start = text.index("claim:a001-china-aid")
    a001.write_text(text[:start] + NEW_CLAIM, encoding="utf-8")
    a000 = project / "data" / "a000.ttl"
    a000.write_text(a000.read_text(encoding="utf-8").replace(
        '"Putin mengunjungi Pyongyang"@id', '"Putin mengunjungi Pyongyang pada Juni"@id'), encoding="utf-8")
    return project


def test_diff_reports_added_removed_and_changed_claims(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    build_release(load_project(FIXTURE), old)
    build_release(load_project(modified_fixture(tmp_path)), new)
    diff = diff_releases(old, new)
    assert list(diff.added) == [CLAIM + "a001-china-visit"]
    assert list(diff.removed) == [CLAIM + "a001-china-aid"]
    assert list(diff.changed) == [CLAIM + "a000-putin-visit"]
    _, gone, came = diff.changed[CLAIM + "a000-putin-visit"]
    assert len(gone) == 1 and "Putin mengunjungi Pyongyang\"@id" in gone[0]
    assert len(came) == 1 and "pada Juni" in came[0]
    text = diff.summary()
    assert text.splitlines()[0] == "claims: 1 added, 1 removed, 1 changed"
    assert "+ https://w3id.org/dprk-ld/id/claim/a001-china-visit  Xi visits Pyongyang" in text


def test_diff_of_a_release_with_itself_is_empty(tmp_path: Path) -> None:
    build_release(load_project(FIXTURE), tmp_path / "r")
    assert diff_releases(tmp_path / "r", tmp_path / "r").empty


def test_cli_build_diff_prints_the_summary(tmp_path: Path) -> None:
    old = tmp_path / "old"
    build_release(load_project(FIXTURE), old)
    project = modified_fixture(tmp_path)
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(tmp_path / "new"),
                                       "--diff", str(old)])
    assert result.exit_code == 0, result.output
    assert "claims: 1 added, 1 removed, 1 changed" in result.output
    assert "- https://w3id.org/dprk-ld/id/claim/a001-china-aid" in result.output


def test_cli_diff_against_a_folder_that_is_no_release(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(tmp_path / "new"),
                                       "--diff", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a dprk-ld release" in result.output
