"""`dprk-ld build` is atomic and careful: two builds at once leave one complete release, and a build replaces only
a folder a build made (its marker), never a folder of someone's files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dprk_ld.cli import main
from dprk_ld.publish.outdir import MARKER

FIXTURE = Path(__file__).parent / "fixtures" / "build"


def verify(release: Path) -> int:
    """Every file is listed in SHA256SUMS with its right hash, and every listed file is there."""
    listed = {}
    for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    return len(listed)


def test_two_builds_at_once_leave_one_complete_release(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    command = [sys.executable, "-m", "dprk_ld", "build", "--project", str(FIXTURE), "--out", str(out)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], [r[1][-2000:] for r in results]
    files = verify(out)
    assert MARKER in {p.name for p in out.iterdir()}
    assert files > 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no temporary or old folder left behind


def test_a_folder_not_made_by_a_build_is_refused_even_with_a_sha256sums(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    (mine / "SHA256SUMS").write_text("not a release\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(mine)])
    assert result.exit_code == 2
    assert "was not written by `dprk-ld build`" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in mine.iterdir()) == ["SHA256SUMS", "notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_release_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(out)]).exit_code == 0
    (out / "stale.html").write_text("from an older release", encoding="utf-8")
    again = CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert not (out / "stale.html").exists()
    verify(out)


def test_a_link_as_output_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    result = CliRunner().invoke(main, ["build", "--project", str(FIXTURE), "--out", str(tmp_path / "link")])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
