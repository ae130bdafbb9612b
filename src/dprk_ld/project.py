"""Find a dataset project and its files.

A dataset project is a directory with ``ontology/``, ``shapes/`` and ``data/``
(Turtle files) and optionally ``queries/`` (``*.rq``), as laid out in
docs/conventions.md. The bundled DPRK dataset is the default: in a source
checkout it is the repository root, in an installed wheel it ships as
``dprk_ld/_project``. ``--project DIR`` or ``DPRK_LD_PROJECT`` choose another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectError

RDF_FOLDERS = ("ontology", "shapes", "data")
RDF_SUFFIXES = (".ttl",)
IGNORED_NAMES = {"README.md", "README", ".gitkeep", ".DS_Store"}
ENV_VAR = "DPRK_LD_PROJECT"


@dataclass(frozen=True)
class SourceFile:
    """One hand-edited RDF file: its path, its folder (kind) and its path relative to the project."""

    path: Path
    kind: str
    relpath: str


@dataclass(frozen=True)
class Project:
    """A dataset project: where it is and which files it has."""

    root: Path
    files: tuple[SourceFile, ...]
    queries: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.root.resolve().name

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]


def bundled_root() -> Path:
    """The bundled DPRK dataset: the source checkout if we run from one, else the copy in the wheel."""
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent
    if (checkout / "ontology").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return here / "_project"


def find_project(root: Path | str | None = None) -> Project:
    """The project at ``root`` (or ``$DPRK_LD_PROJECT``, or the bundled one), with its files listed.

    Raises :class:`ProjectError` when a folder is missing or a file is where no file belongs.
    """
    if root is None:
        root = os.environ.get(ENV_VAR) or bundled_root()
    root = Path(root)
    if not root.is_dir():
        raise ProjectError("no such project directory", str(root),
                           "pass --project DIR pointing at a folder with ontology/, shapes/ and data/")
    missing = [d for d in RDF_FOLDERS if not (root / d).is_dir()]
    if missing:
        raise ProjectError(f"not a dataset project: missing {', '.join(d + '/' for d in missing)}", str(root),
                           "a project has ontology/, shapes/ and data/ folders of Turtle files")
    files: list[SourceFile] = []
    for kind in RDF_FOLDERS:
        for path in sorted((root / kind).rglob("*")):
            if path.is_dir() or path.name in IGNORED_NAMES:
                continue
            if path.suffix not in RDF_SUFFIXES:
                raise ProjectError(
                    f"unexpected file in {kind}/ (only Turtle files, *.ttl, belong there)", str(path),
                    "rename it to .ttl if it is Turtle, or move it out of the project's RDF folders")
            files.append(SourceFile(path, kind, path.relative_to(root).as_posix()))
    stray = sorted(p for p in root.glob("*.ttl"))
    if stray:
        raise ProjectError("Turtle file outside ontology/, shapes/ and data/", str(stray[0]),
                           "move it into the folder it belongs to, or it will not be loaded")
    if not any(f.kind == "data" for f in files):
        raise ProjectError("data/ has no Turtle files", str(root / "data"))
    queries = tuple(sorted((root / "queries").glob("*.rq"))) if (root / "queries").is_dir() else ()
    return Project(root, tuple(files), queries)
