"""``dprk-ld init DIR``: scaffold a new dataset project laid out as docs/conventions.md describes.

The new project validates green on its first ``dprk-ld validate --project DIR --sources DIR/sources``:

- ``ontology/project.ttl``: the project's own ontology, which ``owl:imports`` the dprk-ld ontology; the
  import resolves locally through ``ontology/catalog-v001.xml`` (an OASIS XML catalog, as Protégé and
  ROBOT read it) to a copy of the toolkit's ontology in ``ontology/imports/``;
- ``shapes/``: a copy of the dprk-ld shapes and a stub for the project's own terms;
- ``sources/example-001.txt``: a short example article written for the template (no real event), and
  ``data/``: its description made with ``source describe`` and one claim whose citation is made with
  ``cite`` (:func:`dprk_ld.curate.find_quote`: exact offsets, the article's sha256);
- ``queries/``: one canned query and the toolkit's ``*-violation.rq`` checks;
- ``dataset.toml`` (the dataset's own title, description, creators, licence, version), ``README.md``,
  ``.github/workflows/validate.yml`` and ``.pre-commit-config.yaml``.

Entity IRIs live under the project's own base (``--base``, default ``https://example.org/<folder>/``),
never under the dprk-ld namespace.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from .. import curate
from ..errors import ProjectError
from ..namespaces import ID
from ..project import bundled_root, find_project
from .example import EXAMPLE_ARTICLE, EXAMPLE_QUOTE, actors_turtle, claims_turtle, exclusions_turtle, header

SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: list[str]  # paths relative to root, sorted
    base: str
    title: str


def _toolkit_version() -> str:
    try:
        return version("dprk-ld")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout without metadata
        return "0"


def _check_base(base: str) -> str:
    if not base.endswith("/"):  # entities are minted under <base>id/, named graphs under <base>graph/
        raise ProjectError(f"--base {base!r} must end with '/'", hint="e.g. https://example.org/my-dataset/")
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise ProjectError(f"--base {base!r} is not an absolute IRI: {exc}",
                           hint="e.g. https://example.org/my-dataset/") from exc
    if not re.match(r"https?://", base):
        raise ProjectError(f"--base {base!r} is not an http(s) IRI", hint="e.g. https://example.org/my-dataset/")
    return base


def _turtle_regex(iri: str) -> str:
    """An IRI as a literal regex, written inside a Turtle string (``.`` becomes ``\\\\.`` in the file)."""
    return "".join("\\\\" + ch if ch in ".+*?()[]{}|^$" else ch for ch in iri)


def init_project(dest: Path, *, title: str | None = None, base: str | None = None,
                 creator: str | None = None, today: dt.date | None = None) -> InitResult:
    """Write a new dataset project into ``dest`` (which must not exist or be empty)."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ProjectError("the folder exists and is not empty", str(dest),
                           "init writes a new project into a new (or empty) folder")
    slug = SLUG.sub("-", dest.resolve().name.lower()).strip("-") or "dataset"
    title = title or dest.resolve().name
    base = _check_base(base or f"https://example.org/{slug}/")
    today = today or dt.date.today()
    values = {"__TITLE__": title, "__BASE__": base, "__SLUG__": slug, "__VERSION__": _toolkit_version(),
              "__DATE__": today.isoformat(), "__CREATOR__": creator or "CHANGE ME"}
    written: list[str] = []

    def write(rel: str, text: str) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for key, value in values.items():
            text = text.replace(key, value)
        path.write_text(text, encoding="utf-8")
        written.append(rel)

    template = resources.files(__package__) / "template"
    stack = [(template, "")]
    while stack:
        folder, prefix = stack.pop()
        for entry in folder.iterdir():
            name = "." + entry.name[4:] if entry.name.startswith("dot-") else entry.name
            if entry.is_dir():
                stack.append((entry, f"{prefix}{name}/"))
            elif name != "__init__.py":
                write(prefix + name, entry.read_text(encoding="utf-8"))

    # the toolkit's ontology, shapes and violation checks, copied so that the project stands on its own
    bundled = find_project(bundled_root())
    for file in bundled.of_kind("ontology"):
        (dest / "ontology" / "imports").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.path, dest / "ontology" / "imports" / file.path.name)
        written.append(f"ontology/imports/{file.path.name}")
    ours, theirs = _turtle_regex(ID), _turtle_regex(base + "id/")
    for file in bundled.of_kind("shapes"):  # IRI patterns follow the project's base
        text = file.path.read_text(encoding="utf-8").replace(f'"^{ours}', f'"^{theirs}')
        (dest / "shapes" / file.path.name).write_text(text, encoding="utf-8")
        written.append(f"shapes/{file.path.name}")
    for query in bundled.queries:
        if query.name.endswith("-violation.rq"):
            shutil.copyfile(query, dest / "queries" / query.name)
            written.append(f"queries/{query.name}")

    # the example: an article, its description (source describe) and one claim cited with `cite`
    write("sources/example-001.txt", EXAMPLE_ARTICLE)
    article = dest / "sources" / "example-001.txt"
    text = curate.read_article(article)
    found = curate.find_quote(text, EXAMPLE_QUOTE)
    assert len(found.occurrences) == 1, "the example quote occurs once in the example article"
    citation = curate.citation_turtle(article, found.occurrences[0], EXAMPLE_QUOTE,
                                      citation_id="example-relations-c1", stance="Asserted",
                                      attributed_to="agency:ruritania-foreign-ministry",
                                      language=curate.detect_language(text))
    source = curate.source_turtle(article, title="Ruritania and Freedonia establish relations (example)",
                                  publisher="agency:example-gazette", date=today.isoformat())
    write("data/actors.ttl", header(base) + actors_turtle())
    write("data/sources.ttl", header(base) + source)
    write("data/claims.ttl", header(base) + claims_turtle() + "\n" + citation + "\n" + exclusions_turtle())
    return InitResult(dest, sorted(set(written)), base, title)


__all__ = ["InitResult", "init_project"]
