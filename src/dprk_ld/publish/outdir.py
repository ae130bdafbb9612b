"""The release folder, written atomically: a build never leaves half a release, nor deletes what it did not make.

A build writes into its own temporary folder beside ``--out`` (a unique name, so two builds at once
never share one), and only when that is complete does it take a lock (``flock`` on the parent folder)
and swap it in: the earlier release is renamed aside, the new one renamed into place, the old one
deleted. Of two builds at once, both succeed and the folder holds one complete release.

A folder is replaced only if a build made it: every release has the marker file :data:`MARKER`
(listed in ``SHA256SUMS`` like every other file). A non-empty folder without it is refused, whatever
else it holds — a ``SHA256SUMS`` of someone else's is no marker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from ..errors import BuildError

MARKER = ".dprk-ld-release"
MARKER_TEXT = ("This folder is a release written by `dprk-ld build`. The next `dprk-ld build --out` here "
               "replaces the whole folder: keep nothing else in it.\n")


def check_replaceable(out_dir: Path) -> None:
    """Raise :class:`BuildError` unless ``out_dir`` is absent, empty, or a release a build wrote."""
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError("the output path is a file", str(out_dir), "pass --out DIR naming a folder")
    above = next((p for p in out_dir.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise BuildError(f"cannot write here: {above} is a file, not a folder", str(out_dir),
                         "pass --out DIR in a folder you can write to")
    if out_dir.is_symlink():
        raise BuildError("the output folder is a symbolic link; a build replaces the folder, not its target",
                         str(out_dir), "pass the real folder as --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise BuildError(f"the output folder is not empty and was not written by `dprk-ld build` (no {MARKER})",
                         str(out_dir), "choose an empty or new folder; a build replaces only a folder a build "
                                       "wrote, never other files")


def new_temp(out_dir: Path) -> Path:
    """A fresh, uniquely named folder beside ``out_dir`` to build into (with the marker written)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return tmp


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``folder`` (POSIX; elsewhere the swap runs unlocked)."""
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the complete release in ``tmp``, under the lock; ``tmp`` is gone afterwards."""
    with _locked(out_dir.parent):
        try:
            check_replaceable(out_dir)  # again: someone may have put files there while we built
        except BuildError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:12]}"
            out_dir.rename(old)
        tmp.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
