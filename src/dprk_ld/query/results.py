"""Query answers as plain values: :class:`Results`, its terms, and pyoxigraph errors located.

Implements the SPARQL 1.1 Query Results model (W3C Recommendation, §2: solution sequences,
boolean answers and graphs) over pyoxigraph terms. Every query run, local or remote, returns a
:class:`Results`; :mod:`dprk_ld.query.render` serialises it.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
#: an RDF term as pyoxigraph gives it
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


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
    return str(term) if isinstance(term, ox.Triple) else term.value


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


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The solutions of a SELECT run on the store; a bug (TypeError) for an ASK, CONSTRUCT or DESCRIBE."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    return result


def lexical(term: Term | None) -> str:
    """The IRI, blank-node id or lexical form of a term ('' for None, N-Triples for a quoted triple)."""
    if term is None:
        return ""
    return str(term) if isinstance(term, ox.Triple) else term.value


def collect(result: Any) -> Results:
    if isinstance(result, ox.QueryBoolean):
        return Results("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return Results("graph", triples=list(result))
    variables = [v.value for v in result.variables]
    rows = [dict(zip(variables, solution, strict=True)) for solution in result]  # by position: faster
    return Results("select", variables, rows)
