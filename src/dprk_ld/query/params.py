"""Canned-query parameters: typed values to RDF terms, defaults, the row limit, the text a query runs as.

Implements the parameter part of the canned-query header format (docs/queries.md). A value is
parsed by its declared type into an RDF term (pyoxigraph) and bound by a ``VALUES`` block
(:func:`dprk_ld.query.text.with_values`), never spliced into the query text.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ..errors import ParameterError, QueryError
from ..namespaces import PREFIXES
from .catalog import UNBOUND, CannedQuery, Param
from .results import XSD, Term, lexical
from .text import with_limit, with_values

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
            if int(lexical(term)) < 0:
                raise ParameterError(f"parameter {param.name!r} must be 0 (no limit) or more, got {value}",
                                     hint=f"--param {param.name}=1000")
            continue
        bound[param.name] = term
    return bound


#: a canned query's integer parameter of this name sets the number in its ``LIMIT`` clauses (0 = no limit)
LIMIT_PARAM = "limit"

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
    limit = int(lexical(to_term(param, value)))
    return limit or None


def prepare(query: CannedQuery, params: Mapping[str, Any] | None = None) -> str:
    """The text a canned query runs as, locally and remotely: parameters in a ``VALUES`` block, its
    ``LIMIT`` clauses set by the ``limit`` parameter (when the query declares one)."""
    params = params or {}
    text = with_values(query.text, bind(query, params))
    limit_param = query.param(LIMIT_PARAM)
    if limit_param is not None and _is_limit(limit_param):
        text = with_limit(text, row_limit(query, params))
    return text


def find_query(catalog: Mapping[str, CannedQuery], name: str) -> CannedQuery:
    """The canned query called ``name``; an unknown name gets the closest names as suggestions."""
    if name in catalog:
        return catalog[name]
    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.5)
    close += [n for n in catalog if name in n and n not in close][: 3 - len(close)]
    hint = f"did you mean {', '.join(close)}?" if close else "list them with 'dprk-ld query --list'"
    raise QueryError(f"no canned query named {name!r}", hint=hint)
