"""The catalogue of canned queries: ``queries/*.rq`` files with a metadata header.

Implements the header format documented in docs/queries.md (modelled on
Datasette's canned queries). A canned query is a SPARQL 1.1 query file whose
leading comment lines carry its metadata, one ``# key: value`` per line::

    # title: Claims about a pair of states
    # description: Every claim involving both states, with its source and quote.
    # description: (a second description line is appended to the first)
    # param: a iri state:PRK — the first state
    # param: b iri state:RUS — the second state
    # param: since date * — only claims dated on or after this day
    # columns: claim label date source quote
    PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>
    SELECT ?claim ?label ?date ?source ?quote WHERE { ... }

- ``title`` (one line) and ``description`` (repeatable) are free text.
- ``param: NAME TYPE DEFAULT — DESCRIPTION`` binds the variable ``?NAME``.
  TYPE is one of iri, string, integer, decimal, date, gYear, boolean.
  DEFAULT is a value in that type's syntax (an IRI may be a prefixed name from
  :data:`dprk_ld.namespaces.PREFIXES`), ``-`` for a required parameter, or
  ``*`` for an optional one that leaves ``?NAME`` unbound (matching anything).
  The separator before the description may be ``—``, ``--`` or ``-`` (or none).
- ``columns`` lists the result variables in order (SELECT only).
- The header ends at the first line that is not a comment. Other comments are ignored.

The query kind (select, ask, construct, describe) is read from the query text.
Files named ``*-violation.rq`` find data errors; :func:`violation_queries`
returns them for ``dprk-ld validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import QueryError
from ..project import Project, find_project

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "gYear", "boolean")
REQUIRED = "-"
UNBOUND = "*"
VIOLATION_SUFFIX = "-violation"
KINDS = ("select", "ask", "construct", "describe")


@dataclass(frozen=True)
class Param:
    """A typed parameter: binds ``?name``; ``default`` is None when required, ``*`` when optional-unbound."""

    name: str
    type: str
    default: str | None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class CannedQuery:
    """One ``queries/NAME.rq`` file: metadata from its header, and its SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    path: Path
    kind: str

    @property
    def is_violation(self) -> bool:
        return self.name.endswith(VIOLATION_SUFFIX)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def as_dict(self) -> dict[str, object]:
        """The metadata as plain JSON-ready data (for ``query --list --format json`` and the web)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "params": [{"name": p.name, "type": p.type, "required": p.required,
                        "default": None if p.default in (None, UNBOUND) else p.default,
                        "description": p.description} for p in self.params],
            "columns": list(self.columns),
        }


_HEADER = re.compile(r"^#\s*([A-Za-z]+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)\s+(?P<default>\S+)"
                    r"(?:\s+(?:(?:—|--|-|–)(?:\s+|$))?(?P<desc>.*))?$")
_KIND = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
#: IRIs, long and short strings, comments: blanked out before looking for keywords
STRIP = re.compile(r"<[^<>\"{}|^`\\\s]*>"
                    r"|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''"
                    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
                    r"|#[^\n]*")


def query_kind(text: str) -> str:
    """select, ask, construct or describe: the first query-form keyword outside IRIs, strings and comments."""
    match = _KIND.search(STRIP.sub(" ", text))
    if not match:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found",
                         hint="SPARQL updates are not run; write a query")
    return match.group(1).lower()


def parse_query_file(path: Path) -> CannedQuery:
    """Read one ``.rq`` file; raises :class:`QueryError` naming file:line for a malformed header."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file: {exc}", str(path)) from exc
    title = ""
    descriptions: list[str] = []
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        where = f"{path}:{lineno}"
        if key == "title":
            title = value
        elif key == "description":
            descriptions.append(value)
        elif key == "columns":
            columns = tuple(c.lstrip("?") for c in value.replace(",", " ").split())
        elif key == "param":
            params.append(_parse_param(value, where))
    if not title:
        raise QueryError("canned query has no '# title: ...' header line", str(path),
                         "start the file with '# title: ...' (see docs/queries.md)")
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise QueryError(f"parameter declared twice: {', '.join(duplicates)}", str(path))
    return CannedQuery(path.stem, title, " ".join(descriptions), tuple(params), columns, text, path,
                       query_kind(text))


def _parse_param(value: str, where: str) -> Param:
    match = _PARAM.match(value)
    if not match:
        raise QueryError(f"malformed param header: {value!r}", where,
                         "write '# param: NAME TYPE DEFAULT — description' (DEFAULT '-' = required, "
                         "'*' = optional)")
    ptype = match.group("type")
    if ptype not in PARAM_TYPES:
        raise QueryError(f"unknown parameter type {ptype!r}", where, f"use one of {', '.join(PARAM_TYPES)}")
    default = match.group("default")
    return Param(match.group("name"), ptype, None if default == REQUIRED else default,
                 (match.group("desc") or "").strip())


def load_catalog(project: Project | Path | str | None = None) -> dict[str, CannedQuery]:
    """All canned queries of a project, by name (file stem), sorted by name."""
    if not isinstance(project, Project):
        project = find_project(project)
    queries = (parse_query_file(path) for path in project.queries)
    return {q.name: q for q in sorted(queries, key=lambda q: q.name)}


def violation_queries(catalog: dict[str, CannedQuery]) -> list[CannedQuery]:
    """The ``*-violation`` queries: each returns the rows that break a data rule (none when all is well)."""
    return [q for name, q in sorted(catalog.items()) if q.is_violation]
