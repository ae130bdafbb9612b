"""Run canned and ad-hoc SPARQL 1.1 queries, locally or on a remote endpoint.

Implements SPARQL 1.1 Query (W3C Recommendation) through pyoxigraph for the
embedded store and SPARQL 1.1 Protocol through SPARQLWrapper for remote
endpoints. Canned-query parameters (docs/queries.md) are bound by type, never
spliced into the text: each becomes an RDF term (parsed by its declared type
and serialised by pyoxigraph) in a ``VALUES`` block placed at the start of the
query's first ``WHERE`` group, locally and remotely alike, so both run the very
same query text. (pyoxigraph's ``substitutions`` argument, SEP-0007, is also
supported by :func:`run_sparql`, but it only binds projected variables.) Every answer is a
:class:`Results` value; :func:`render` (in :mod:`dprk_ld.render`) turns it into
text or bytes.

This module is also callable: ``dprk_ld.query("claims-between", a="state:RUS")``
runs a canned query on the bundled dataset (see :func:`canned`).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .catalog import UNBOUND, CannedQuery, Param, load_catalog
from .errors import ParameterError, QueryError
from .namespaces import PREFIXES

if TYPE_CHECKING:
    from .load import Dataset
    from .project import Project

XSD = "http://www.w3.org/2001/XMLSchema#"
Term = Any  # ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Results:
    """The answer to a query: solutions (select), a boolean (ask) or triples (graph)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None
    #: the row limit a canned query ran with (its ``limit`` parameter), None when unlimited
    limit: int | None = None

    @property
    def truncated(self) -> bool:
        """True when the rows stopped at the limit: more may exist (raise ``limit``, or 0 for all)."""
        return self.limit is not None and len(self.rows) >= self.limit

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.triples or ())
        return len(self.rows) if self.kind == "select" else int(bool(self.boolean))

    def sorted_rows(self) -> list[tuple[str, ...]]:
        """Rows as sorted tuples of N-Triples terms ('' when unbound): comparable across stores."""
        if self.kind == "graph":
            return sorted((str(t.subject), str(t.predicate), str(t.object)) for t in self.triples or ())
        if self.kind == "ask":
            return [(str(self.boolean).lower(),)]
        return sorted(tuple("" if r.get(v) is None else str(r[v]) for v in self.variables) for r in self.rows)

    def values(self) -> list[dict[str, Any]]:
        """Rows with plain Python values: IRIs as str, literals as int/Decimal/bool/date/str."""
        return [{v: python_value(r.get(v)) for v in self.variables} for r in self.rows]


def python_value(term: Term | None) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
                return int(term.value)
            if dt == XSD + "decimal":
                return decimal.Decimal(term.value)
            if dt == XSD + "boolean":
                return term.value in ("true", "1")
            if dt == XSD + "date":
                return _dt.date.fromisoformat(term.value)
        except ValueError:
            pass
        return term.value
    return term.value


# ---------------------------------------------------------------- parameters

_DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}$")
_GYEAR = re.compile(r"^-?\d{4,}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PNAME = re.compile(r"^([A-Za-z][\w-]*)?:([\w.-]*)$")
EXPECTED = {
    "iri": "an IRI (<https://...>, https://... or a prefixed name such as state:RUS)",
    "string": "a string",
    "integer": "an integer such as 42",
    "decimal": "a decimal number such as 3.5",
    "date": "a date YYYY-MM-DD",
    "gYear": "a year YYYY",
    "boolean": "true or false",
}


def expand_iri(value: str) -> str | None:
    """An absolute IRI from ``<iri>``, ``iri`` or a published prefixed name; None if it is neither."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    match = _PNAME.match(value)
    if match and (match.group(1) or "") in PREFIXES:
        return PREFIXES[match.group(1) or ""] + match.group(2)
    if re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://|urn:|mailto:)[^\s<>\"{}|^`\\]*$", value):
        return value
    return None


def to_term(param: Param, value: Any) -> Term:
    """The RDF term for a parameter value of the declared type; raises :class:`ParameterError`."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).strip()

    def bad() -> ParameterError:
        return ParameterError(f"parameter {param.name!r} expects {EXPECTED[param.type]}, got {text!r}",
                              hint=f"--param {param.name}=VALUE ({param.type}) {param.description}".rstrip())

    if param.type == "iri":
        iri = expand_iri(text)
        if iri is None:
            raise bad()
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise bad() from exc
    if param.type == "string":
        return ox.Literal(str(value))
    if param.type == "integer" and _INTEGER.match(text):
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "decimal" and _DECIMAL.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if param.type == "date" and _DATE.match(text):
        try:
            _dt.date.fromisoformat(text)
        except ValueError as exc:
            raise bad() from exc
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    if param.type == "gYear" and _GYEAR.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    if param.type == "boolean" and text.lower() in ("true", "false", "1", "0", "yes", "no"):
        flag = text.lower() in ("true", "1", "yes")
        return ox.Literal("true" if flag else "false", datatype=ox.NamedNode(XSD + "boolean"))
    raise bad()


def bind(query: CannedQuery, params: Mapping[str, Any]) -> dict[str, Term]:
    """Typed terms for a canned query's parameters (defaults applied); unbound optional ones are left out.

    The row-limit parameter (:data:`LIMIT_PARAM`) is validated but not returned: it sets the query's
    ``LIMIT`` clauses (see :func:`prepare`), it binds no variable.
    """
    unknown = sorted(set(params) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise ParameterError(f"query {query.name!r} has no parameter {unknown[0]!r}",
                             hint=f"its parameters: {known}")
    bound: dict[str, Term] = {}
    for param in query.params:
        value = params.get(param.name)
        if value is None or value == "":
            if param.default is None:
                raise ParameterError(f"query {query.name!r} needs parameter {param.name!r} ({param.type})",
                                     hint=f"add --param {param.name}=VALUE: {param.description}".rstrip(": "))
            if param.default == UNBOUND:
                continue
            value = param.default
        term = to_term(param, value)
        if _is_limit(param):
            if int(term.value) < 0:
                raise ParameterError(f"parameter {param.name!r} must be 0 (no limit) or more, got {value}",
                                     hint=f"--param {param.name}=1000")
            continue
        bound[param.name] = term
    return bound


#: a canned query's integer parameter of this name sets the number in its ``LIMIT`` clauses (0 = no limit)
LIMIT_PARAM = "limit"
_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)


def _is_limit(param: Param) -> bool:
    return param.name == LIMIT_PARAM and param.type == "integer"


def row_limit(query: CannedQuery, params: Mapping[str, Any]) -> int | None:
    """The row limit a canned query runs with: its ``limit`` parameter (default applied); None if it has none."""
    param = query.param(LIMIT_PARAM)
    if param is None or not _is_limit(param):
        return None
    value = params.get(param.name)
    if value is None or value == "":
        value = param.default
    if value in (None, UNBOUND):
        return None
    limit = int(to_term(param, value).value)
    return limit or None


def with_limit(text: str, limit: int | None) -> str:
    """The query with every ``LIMIT n`` clause set to ``limit`` (removed when ``limit`` is None or 0)."""
    masked = _mask(text)
    out, last = [], 0
    for match in _LIMIT.finditer(masked):
        out += [text[last:match.start()], f"LIMIT {limit}" if limit else ""]
        last = match.end()
    return "".join(out) + text[last:]


def prepare(query: CannedQuery, params: Mapping[str, Any] | None = None) -> str:
    """The text a canned query runs as, locally and remotely: parameters in a ``VALUES`` block, its
    ``LIMIT`` clauses set by the ``limit`` parameter (when the query declares one)."""
    params = params or {}
    text = with_values(query.text, bind(query, params))
    if query.param(LIMIT_PARAM) is not None and _is_limit(query.param(LIMIT_PARAM)):
        text = with_limit(text, row_limit(query, params))
    return text


def find_query(catalog: Mapping[str, CannedQuery], name: str) -> CannedQuery:
    """The canned query called ``name``; an unknown name gets the closest names as suggestions."""
    if name in catalog:
        return catalog[name]
    import difflib

    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.5)
    close += [n for n in catalog if name in n and n not in close][: 3 - len(close)]
    hint = f"did you mean {', '.join(close)}?" if close else "list them with 'dprk-ld query --list'"
    raise QueryError(f"no canned query named {name!r}", hint=hint)


# ---------------------------------------------------------------- local runs

_ERROR_AT = re.compile(r"^error at (\d+):(\d+):\s*", re.IGNORECASE)


def syntax_error(exc: SyntaxError, where: str = "query") -> QueryError:
    """A :class:`QueryError` located at line:column from pyoxigraph's message."""
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    match = _ERROR_AT.match(message)
    location = f"{where}:{match.group(1)}:{match.group(2)}" if match else where
    message = _ERROR_AT.sub("", message).split("\n")[0]
    hint = "check the SPARQL syntax at that position"
    if "expected one of" in message and len(message) > 100:
        message = message[:100] + " …"
    if "prefix not found" in message.lower():
        hint = "declare the prefix with a PREFIX line (the published prefixes are declared for you)"
    return QueryError(f"SPARQL syntax error: {message}", location, hint)


def _collect(result: Any) -> Results:
    if isinstance(result, ox.QueryBoolean):
        return Results("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return Results("graph", triples=list(result))
    variables = [v.value for v in result.variables]
    rows = [dict(zip(variables, solution, strict=True)) for solution in result]  # by position: faster
    return Results("select", variables, rows)


def run_sparql(dataset: Dataset, text: str, substitutions: Mapping[str, Term] | None = None,
               where: str = "query") -> Results:
    """Run a query on the embedded store (default graph = union of all graphs; published prefixes known)."""
    subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        result = dataset.store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES,
                                     substitutions=subs or None)
        return _collect(result)
    except SyntaxError as exc:
        raise syntax_error(exc, where) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}", where) from exc


def run_canned(dataset: Dataset, name: str, params: Mapping[str, Any] | None = None) -> Results:
    """Run the canned query ``name`` of the dataset's project with typed parameters."""
    query = find_query(load_catalog(dataset.project), name)
    results = run_sparql(dataset, prepare(query, params), where=str(query.path))
    results.limit = row_limit(query, params or {})
    return results


# ---------------------------------------------------------------- the Python API

_DATASETS: dict[tuple[str, float], Dataset] = {}


def dataset_for(project: Project | Path | str | None = None) -> Dataset:
    """The loaded dataset of a project, cached until one of its files changes."""
    from .load import load_project
    from .project import Project, find_project

    if not isinstance(project, Project):
        project = find_project(project)
    stamp = max((f.path.stat().st_mtime for f in project.files), default=0.0)
    key = (str(project.root.resolve()), stamp)
    if key not in _DATASETS:
        _DATASETS.clear()
        _DATASETS[key] = load_project(project)
    return _DATASETS[key]


def canned(name: str, *, project: Project | Path | str | None = None, endpoint: str | None = None,
           timeout: float = 30, **params: Any) -> Results:
    """Run canned query ``name`` with keyword parameters, on the bundled (or given) project or an endpoint.

    >>> import dprk_ld
    >>> dprk_ld.query("claims-between", a="state:PRK", b="state:RUS").values()  # doctest: +SKIP
    """
    if endpoint:
        from .project import Project, find_project

        proj = project if isinstance(project, Project) else find_project(project)
        return run_canned_remote(endpoint, load_catalog(proj), name, params, timeout)
    return run_canned(dataset_for(project), name, params)


def parse_param_pairs(pairs: Any) -> dict[str, str]:
    """``["a=state:RUS", "year=2024"]`` -> dict; raises :class:`ParameterError` for a pair without ``=``."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"malformed parameter {pair!r}", hint="write --param NAME=VALUE")
        values[key.strip()] = value
    return values


def read_query_text(text: str | None, path: Path | None) -> tuple[str, str]:
    """The query from an argument or a file ('-' = stdin), and where it came from (for error locations)."""
    if (text is None) == (path is None):
        raise QueryError("give the query either as an argument or with -f FILE (not both)")
    if path is None:
        return (sys.stdin.read() if text == "-" else str(text)), "query"
    if str(path) == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the query file: {exc}", str(path)) from exc


def render(results: Results, fmt_name: str) -> str | bytes:
    """Serialise results; see :func:`dprk_ld.render.render`."""
    from .render import render as _render

    return _render(results, fmt_name)


class _CallableModule(types.ModuleType):
    """Lets ``dprk_ld.query(name, **params)`` work although ``dprk_ld.query`` is this module."""

    def __call__(self, name: str, **kwargs: Any) -> Results:
        return canned(name, **kwargs)


sys.modules[__name__].__class__ = _CallableModule


# remote runs live in dprk_ld.remote; re-exported here as part of this module's API
from .remote import (  # noqa: E402, F401
    _mask,
    run_canned_remote,
    run_remote,
    strip_comments,
    with_prologue,
    with_values,
)
