"""Find a dataset project and its files.

A dataset project is a directory with ``ontology/``, ``shapes/`` and ``data/``
(Turtle files) and optionally ``queries/`` (``*.rq``), as laid out in
docs/conventions.md. Which project a command works on is decided like git
decides which repository it is in (:func:`resolve_root`), first match wins:

1. an explicit directory: ``--project DIR`` (or ``find_project(DIR)``);
2. ``$DPRK_LD_PROJECT`` — an environment variable overrides discovery, as
   ``GIT_DIR`` does for git;
3. discovery: the nearest directory at or above the working directory that has
   all of ``ontology/``, ``shapes/`` and ``data/``;
4. the bundled DPRK dataset (the source checkout when run from one, else the
   copy in the wheel, ``dprk_ld/_project``) — only when none of the above applies.

A directory at or above the working directory with two of the three folders
is an error, not a reason to fall back to the bundled dataset silently.
:attr:`Project.origin` says which rule chose the project; every command prints it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectError

RDF_FOLDERS = ("ontology", "shapes", "data")
RDF_SUFFIXES = (".ttl",)
IGNORED_NAMES = {"README.md", "README", ".gitkeep", ".DS_Store", "catalog-v001.xml"}
ENV_VAR = "DPRK_LD_PROJECT"
#: the OASIS XML Catalog Protégé and ROBOT use to map owl:imports to local files (allowed in ontology/)
CATALOG_NAME = "catalog-v001.xml"
ORIGIN_EXPLICIT, ORIGIN_ENV, ORIGIN_FOUND, ORIGIN_BUNDLED = "explicit", "env", "found", "bundled"
ORIGIN_TEXT = {
    ORIGIN_EXPLICIT: "--project",
    ORIGIN_ENV: f"${ENV_VAR}",
    ORIGIN_FOUND: "found at or above the working directory",
    ORIGIN_BUNDLED: "the bundled dataset: no project at or above the working directory",
}


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
    #: which rule chose it: ORIGIN_EXPLICIT, ORIGIN_ENV, ORIGIN_FOUND or ORIGIN_BUNDLED
    origin: str = "explicit"

    @property
    def name(self) -> str:
        return self.root.resolve().name

    def describe(self) -> str:
        """``/abs/path (how it was chosen)``: the line every command prints."""
        return f"{self.root.resolve()} ({ORIGIN_TEXT.get(self.origin, self.origin)})"

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]


def bundled_root() -> Path:
    """The bundled DPRK dataset: the source checkout if we run from one, else the copy in the wheel."""
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent
    if (checkout / "ontology").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return here / "_project"


def _refuse_link_out(path: Path, real_root: Path) -> None:
    """A file or folder of the project that is (or sits under) a link to outside the project is refused:
    the gate checks the project's own files, and a release never publishes a file from elsewhere."""
    target = path.resolve()
    if target != real_root and real_root not in target.parents:
        raise ProjectError(f"links out of the project, to {target}", str(path),
                           "copy the file into the project (or link within it); files outside the project "
                           "are not read")


def _is_project(folder: Path) -> bool:
    return all((folder / d).is_dir() for d in RDF_FOLDERS)


def discover(cwd: Path | str | None = None) -> Path | None:
    """The nearest directory at or above ``cwd`` with ontology/, shapes/ and data/, or None.

    Raises :class:`ProjectError` for a directory on the way that has two of the three folders:
    it is most likely a project with a folder missing, and the bundled dataset would be checked instead.
    """
    here = Path(cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_project(folder):
            return folder
        present = [d for d in RDF_FOLDERS if (folder / d).is_dir()]
        if len(present) == 2:
            [absent] = [d for d in RDF_FOLDERS if d not in present]
            raise ProjectError(f"looks like a dataset project but has no {absent}/ folder", str(folder),
                               f"create {absent}/ (a project has ontology/, shapes/ and data/), or name the "
                               "project with --project DIR")
    return None


def resolve_root(explicit: Path | str | None = None, *, cwd: Path | str | None = None,
                 environ: dict[str, str] | None = None) -> tuple[Path, str]:
    """(project directory, origin) by the precedence of this module's docstring."""
    if explicit is not None and str(explicit) != "":
        return Path(explicit), ORIGIN_EXPLICIT
    env = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if env:
        return Path(env), ORIGIN_ENV
    found = discover(cwd)
    if found is not None:
        return found, ORIGIN_FOUND
    return bundled_root(), ORIGIN_BUNDLED


def find_project(root: Path | str | None = None, *, cwd: Path | str | None = None) -> Project:
    """The project at ``root``, else chosen as :func:`resolve_root` says, with its files listed.

    Raises :class:`ProjectError` when a folder is missing or a file is where no file belongs.
    """
    root, origin = resolve_root(root, cwd=cwd)
    where = {ORIGIN_ENV: f" (from ${ENV_VAR})"}.get(origin, "")
    if not root.is_dir():
        raise ProjectError(f"no such project directory{where}", str(root),
                           "pass --project DIR pointing at a folder with ontology/, shapes/ and data/")
    missing = [d for d in RDF_FOLDERS if not (root / d).is_dir()]
    if missing:
        raise ProjectError(f"not a dataset project{where}: missing {', '.join(d + '/' for d in missing)}", str(root),
                           "a project has ontology/, shapes/ and data/ folders of Turtle files")
    files: list[SourceFile] = []
    real_root = root.resolve()
    for kind in RDF_FOLDERS:
        for path in sorted((root / kind).rglob("*")):
            _refuse_link_out(path, real_root)
            if path.is_dir() or path.name in IGNORED_NAMES or (kind == "ontology" and path.name == CATALOG_NAME):
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
    return Project(root, tuple(files), queries, origin)
