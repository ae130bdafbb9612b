"""What a read-only, self-contained SPARQL service runs: the query's structure, checked before the engine.

Implements the refusals of a read-only SPARQL 1.1 Protocol endpoint (§2.1: no update operation,
no federation with SPARQL 1.1 Federated Query's ``SERVICE``, no ``LOAD``, no dataset outside the
store's graphs) and bounds on the query's shape, from the terminals of SPARQL 1.1 Query §19.8
(:mod:`dprk_ld.query.lexer`) rather than from raw text:

* **Structure bounds** (400): length, bracket nesting depth (``{`` ``(`` ``[`` together), ``UNION``
  count and the number of tokens outside ``VALUES`` data. The engine's parser and evaluator recurse on
  each of these (a 6 KB query of 3,000 nested groups, ~5,000 nested parentheses or ~7,000 UNION
  branches overflow its stack and kill the process); these bounds keep every accepted query far
  below what crashes it (tests/test_guard.py runs queries at the bounds through the engine).
* **Refusals** (403): the engine's grammar is a PEG that matches keywords without a word boundary,
  so ``trueSERVICE<…>{}`` is ``true`` then ``SERVICE`` and ``SERVICE:x{}`` is ``SERVICE :x``. Any
  word, prefix of a prefixed name, blank-node label or language tag that *contains* ``SERVICE``
  is refused; so is any containing ``FROM`` that is not a plain ``FROM [NAMED] <graph of this
  dataset>``. The text is checked as written and with codepoint escapes replaced (§19.2); a query is
  refused if either reading shows a forbidden form. Updates (first keyword) are refused by name;
  the engine is only ever asked to *query*, which cannot run an update anyway.

Queries with non-deterministic functions (NOW, RAND, UUID, STRUUID, BNODE) are flagged in
:attr:`QueryCheck.nondeterministic` so that no one caches their answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from ..errors import QueryError, Refused
from .lexer import Token, iter_tokens, unescape

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                             "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
NONDETERMINISTIC = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
READ_ONLY_HINT = "this endpoint is read-only; load the dataset into your own store with `dprk-ld load`"
_OPEN, _CLOSE = frozenset("{([") , frozenset("})]")


@dataclass(frozen=True)
class Bounds:
    """How big a query may be before the engine sees it (defaults in docs/serve.md)."""

    max_chars: int = 262_144
    max_depth: int = 128
    max_unions: int = 1_000
    max_tokens: int = 10_000  # outside VALUES data blocks


DEFAULT_BOUNDS = Bounds()


@dataclass(frozen=True)
class QueryCheck:
    """What :func:`check_query` learnt about an accepted query."""

    form: str  # select, ask, construct, describe, or "" (not found: let the parser report it)
    has_dataset: bool  # FROM or FROM NAMED present
    #: the outer query's ``LIMIT n`` (outside every group, so not a subquery's), None when it has none
    limit: int | None = None
    nondeterministic: bool = False


def _too_big(what: str, value: int, bound: int) -> QueryError:
    return QueryError(f"query too complex: {what} {value} exceeds the limit of {bound}", "query",
                      "simplify the query, or run it on a store of your own (`dprk-ld load`)")


def _contains(token: Token, keyword: str) -> bool:
    """Whether the engine could read ``keyword`` inside this token (see the module docstring)."""
    if token.kind in ("word", "bnode", "langtag"):
        return keyword in token.text.upper()
    if token.kind == "pname":
        return keyword in token.text.partition(":")[0].upper()
    return False


class _Scan:
    """One reading of the text: the walk over its tokens, keeping prefixes, base and depth."""

    def __init__(self, allowed: Collection[str] | None, base: str | None, prefixes: dict[str, str],
                 bounds: Bounds) -> None:
        self.allowed, self.base, self.prefixes, self.bounds = allowed, base, prefixes, bounds
        self.form = ""
        self.has_dataset = False
        self.limit: int | None = None
        self.nondeterministic = False

    def resolve(self, token: Token) -> str | None:
        if token.kind == "iri":
            iri = token.text[1:-1]
            return urljoin(self.base, iri) if self.base and ":" not in iri.split("/")[0] else iri
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            ns = self.prefixes.get(prefix)
            return None if ns is None else ns + "".join(c for i, c in enumerate(local)
                                                        if c != "\\" or (i and local[i - 1] == "\\"))
        return None

    def dataset(self, toks: list[Token], i: int) -> int:
        """A FROM clause at ``toks[i]``; returns the index of its graph token."""
        self.has_dataset = True
        word = toks[i].text.upper()
        j = i + 1
        if word == "FROM" and j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED":
            j += 1
        elif word not in ("FROM", "FROMNAMED"):
            raise Refused(f"'{toks[i].text}' is not a dataset clause this endpoint can read",
                          hint="write FROM <graph> or FROM NAMED <graph>, separated by spaces")
        target = toks[j] if j < len(toks) else None
        if self.allowed is None:
            return j
        iri = self.resolve(target) if target is not None else None
        if target is not None and target.kind == "pname" and target.text.upper().startswith("NAMED"):
            iri = None  # FROM NAMED:x reads two ways in the engine's grammar
        if iri is None or iri not in self.allowed:
            shown = iri or (target.text[:80] if target else "")
            raise Refused(f"FROM <{shown}> is not a graph of this dataset; the server fetches nothing",
                          hint="list the dataset's graphs with SELECT DISTINCT ?g { GRAPH ?g {} }")
        return j

    def run(self, text: str) -> None:
        bounds = self.bounds
        toks = list(iter_tokens(text))
        depth = unions = counted = 0
        values_depth: int | None = None  # depth at which the current VALUES data block opened
        expect_values = False
        i = 0
        while i < len(toks):
            tok = toks[i]
            inside_values = values_depth is not None
            if not inside_values:
                counted += 1
                if counted > bounds.max_tokens:
                    raise _too_big("the number of tokens (outside VALUES data) is over", counted, bounds.max_tokens)
            if tok.kind == "other" and tok.text in _OPEN:
                depth += 1
                if depth > bounds.max_depth:
                    raise _too_big("nesting depth", depth, bounds.max_depth)
                if expect_values and tok.text == "{":
                    values_depth, expect_values = depth, False
            elif tok.kind == "other" and tok.text in _CLOSE:
                if values_depth is not None and depth == values_depth and tok.text == "}":
                    values_depth = None
                depth -= 1
            if _contains(tok, "SERVICE"):
                raise Refused("SERVICE (federated query) is refused: dprk-ld makes no requests on behalf of a query",
                              hint="run federated queries from your own SPARQL client or store")
            if _contains(tok, "FROM"):
                i = self.dataset(toks, i) + 1
                continue
            if tok.kind != "word":
                i += 1
                continue
            word = tok.text.upper()
            if word == "VALUES":
                expect_values = True
            elif word == "UNION":
                unions += 1
                if unions > bounds.max_unions:
                    raise _too_big("the number of UNIONs is over", unions, bounds.max_unions)
            elif word in NONDETERMINISTIC:
                self.nondeterministic = True
            elif word == "LIMIT" and depth == 0 and i + 1 < len(toks) and toks[i + 1].kind == "num":
                self.limit = int(toks[i + 1].text) if toks[i + 1].text.isdigit() else None
            elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname":
                self.prefixes[toks[i + 1].text.partition(":")[0]] = self.resolve(toks[i + 2]) or ""
                i += 3
                continue
            elif word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
                self.base = self.resolve(toks[i + 1])
                i += 2
                continue
            if not self.form:
                self.form = word
                if word in UPDATE_KEYWORDS:
                    raise Refused(f"SPARQL Update ({word}) is not accepted", hint=READ_ONLY_HINT)
            if word == "LOAD":
                raise Refused("LOAD is refused: this server fetches nothing", hint=READ_ONLY_HINT)
            i += 1


def check_query(text: str, allowed_graphs: Collection[str] | None = None, base_iri: str | None = None,
                prefixes: Mapping[str, str] | None = None, bounds: Bounds = DEFAULT_BOUNDS) -> QueryCheck:
    """Refuse what a read-only, self-contained endpoint must not run, and bound the query's structure.

    Raises :class:`QueryError` (400: too long, too deep, too many UNIONs or tokens) and
    :class:`Refused` (403: updates, SERVICE, LOAD, FROM of an IRI outside ``allowed_graphs``; None:
    no FROM check). ``prefixes`` are those known without a PREFIX line. An unknown query form gives
    ``form == ""``: the engine's parser then reports the syntax error. ``limit`` is the outer LIMIT
    as written, a bound on the number of solutions only once the parser has accepted the query.
    """
    if len(text) > bounds.max_chars:
        raise _too_big("length (characters)", len(text), bounds.max_chars)
    scans = []
    for reading in dict.fromkeys((unescape(text), text)):  # as the engine reads it first, then as written
        scan = _Scan(allowed_graphs, base_iri, dict(prefixes or {}), bounds)
        scan.run(reading)
        scans.append(scan)
    first = scans[0]
    limit = first.limit if len(scans) == 1 else None  # escapes may hide braces: no bound claimed
    form = first.form.lower() if first.form in QUERY_KEYWORDS else ""
    return QueryCheck(form, any(s.has_dataset for s in scans), limit, any(s.nondeterministic for s in scans))


__all__ = ["Bounds", "DEFAULT_BOUNDS", "QueryCheck", "check_query"]
