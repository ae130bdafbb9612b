"""The dataset's own description: ``dataset.toml`` at the root of a dataset project (TOML 1.0).

A dataset presents itself with its own title, description, creators, licence and version — in the site,
in VoID/DCAT and in CITATION.cff — apart from the ontology's header (``owl:Ontology`` in ontology/),
which describes the vocabulary. The file is optional; without it a release falls back to the ontology
header as before. Keys (docs/dataset-metadata.md)::

    title = "…"                 # required
    base = "https://…/"         # the base IRI of the dataset's own resources (default: dprk-ld's)
    description = "…"
    version = "1.0.0"
    issued = 2026-11-22         # a TOML date; else the ontology header's date, else $SOURCE_DATE_EPOCH
    license = "https://creativecommons.org/licenses/by/4.0/"
    homepage = "https://…"
    keywords = ["…", "…"]
    [[creators]]
    name = "…"                  # required per creator
    orcid = "https://orcid.org/…"
    affiliation = "…"
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ProjectError
from .namespaces import BASE
from .project import Project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAME = "dataset.toml"
KEYS = {"title", "base", "description", "version", "issued", "license", "homepage", "keywords", "creators"}
CREATOR_KEYS = {"name", "orcid", "affiliation"}
ORCID = re.compile(r"https://orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


@dataclass(frozen=True)
class Creator:
    name: str
    orcid: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class DatasetMeta:
    """What ``dataset.toml`` says; ``path`` for messages."""

    path: Path
    title: str
    description: str | None = None
    version: str | None = None
    issued: str | None = None  # xsd:date lexical form
    license: str | None = None
    homepage: str | None = None
    keywords: tuple[str, ...] = ()
    creators: tuple[Creator, ...] = ()
    base: str | None = None


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line) or line.strip() == f"[[{key}]]":
            return number
    return 1


def _iri(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not re.match(r"https?://\S+$", value):
        raise ProjectError(f"{key} must be an http(s) IRI, not {value!r}", where,
                           f'e.g. {key} = "https://creativecommons.org/licenses/by/4.0/"')
    return value


def read_metadata(project: Project) -> DatasetMeta | None:
    """The project's ``dataset.toml``, checked; None when the project has none."""
    path = project.root / FILE_NAME
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"not valid TOML: {exc}", str(path)) from exc

    def at(key: str) -> str:
        return f"{path}:{_line_of(text, key)}"

    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ProjectError(f"unknown key {unknown[0]!r}", at(unknown[0]), f"the keys are: {', '.join(sorted(KEYS))}")
    for key in ("title", "description", "version"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise ProjectError(f"{key} must be a non-empty string", at(key))
    if "title" not in data:
        raise ProjectError("dataset.toml has no title", str(path), 'add title = "…"')
    issued = data.get("issued")
    if issued is not None and not (isinstance(issued, dt.date) and not isinstance(issued, dt.datetime)):
        raise ProjectError("issued must be a TOML date such as 2026-11-22 (no quotes, no time)", at("issued"))
    keywords = data.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise ProjectError("keywords must be a list of strings", at("keywords"))
    creators = []
    raw_creators = data.get("creators", [])
    if not isinstance(raw_creators, list):
        raise ProjectError("creators must be [[creators]] tables", at("creators"))
    for entry in raw_creators:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise ProjectError("each [[creators]] needs a name", at("creators"), 'name = "…"')
        extra = sorted(set(entry) - CREATOR_KEYS)
        if extra:
            raise ProjectError(f"unknown creator key {extra[0]!r}", at("creators"),
                               f"the keys are: {', '.join(sorted(CREATOR_KEYS))}")
        orcid = entry.get("orcid")
        if orcid is not None and (not isinstance(orcid, str) or not ORCID.fullmatch(orcid)):
            raise ProjectError(f"orcid must be an ORCID iD IRI, not {orcid!r}", at("creators"),
                               "e.g. https://orcid.org/0000-0002-1825-0097")
        creators.append(Creator(entry["name"].strip(), orcid, entry.get("affiliation")))
    return DatasetMeta(
        path=path, title=data["title"].strip(), description=data.get("description"), version=data.get("version"),
        issued=issued.isoformat() if issued else None,
        license=_iri(data["license"], "license", at("license")) if "license" in data else None,
        homepage=_iri(data["homepage"], "homepage", at("homepage")) if "homepage" in data else None,
        keywords=tuple(k.strip() for k in keywords), creators=tuple(creators),
        base=_base(data["base"], at("base")) if "base" in data else None)


def _base(value: Any, where: str) -> str:
    iri = _iri(value, "base", where)
    if not iri.endswith("/"):
        raise ProjectError(f"base must end with '/', not {value!r}", where, 'e.g. base = "https://example.org/my-data/"')
    return iri


def project_base(project: Project) -> str:
    """The base IRI of the project's own resources (``dataset.toml``'s ``base``; else the dprk-ld base, which
    the bundled dataset and projects made before the key existed use). Entities are minted under
    ``<base>id/``, named graphs under ``<base>graph/``; the site describes every IRI under it."""
    meta = read_metadata(project)
    return meta.base if meta is not None and meta.base else BASE
