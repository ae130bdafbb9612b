"""SHACL-SPARQL query text (SHACL §5.2 pre-bound variables, §5.2.1 restrictions, §5.3 messages).

A user's ``sh:select``/``sh:ask`` is checked and prepared for running over a whole focus set at once:
instead of one query per focus node with ``$this`` pre-bound, the focus pattern binding ``?this`` is
joined at the start of the query's top-level WHERE group. The restrictions of §5.2.1 (no MINUS,
VALUES or SERVICE; a nested SELECT projects ``$this``; no ``AS $this``) are what make that join
equal to pre-binding; a query breaking them is a :class:`~dprk_ld.shacl.errors.ShapesError`.

:func:`scan` tokenises just enough SPARQL to tell code from strings, IRIs and comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import ShapesError

_TOKEN = re.compile(r'''
    (?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z_0-9\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z][A-Za-z_0-9]*(?::[A-Za-z_0-9.\-]*)?)
  | (?P<punct>.)
''', re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    start: int


def scan(text: str) -> list[Tok]:
    """The tokens of ``text`` (whitespace dropped)."""
    return [Tok(m.lastgroup or "", m.group(), m.start()) for m in _TOKEN.finditer(text)
            if not m.group().isspace()]


def substitute_path(text: str, path: str | None, where: str) -> str:
    """``$PATH`` replaced by the shape's path (§5.2: only for property shapes)."""
    out, last = [], 0
    for t in scan(text):
        if t.kind == "var" and t.text == "$PATH":
            if path is None:
                raise ShapesError(f"{where}: $PATH in the query of a shape without sh:path")
            out += [text[last:t.start], path]
            last = t.start + len(t.text)
    return "".join(out) + text[last:]


def check(text: str, where: str, prebound: set[str]) -> None:
    """Raise :class:`ShapesError` when ``text`` is no valid SPARQL or breaks §5.2.1."""
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        raise ShapesError(f"{where}: not a valid SPARQL query: {exc}") from None
    toks = scan(text)
    for i, t in enumerate(toks):
        word = t.text.upper() if t.kind == "word" else ""
        if word in ("MINUS", "VALUES", "SERVICE"):
            raise ShapesError(f"{where}: a SHACL-SPARQL query must not use {word} (SHACL §5.2.1)")
        if word == "AS" and i + 1 < len(toks) and toks[i + 1].kind == "var" and toks[i + 1].text[1:] in prebound:
            raise ShapesError(f"{where}: the pre-bound variable {toks[i + 1].text} is assigned with AS (SHACL §5.2.1)")
        if word == "SELECT" and _depth(toks, i) > 0:
            proj = _projection(toks, i)
            if "*" in proj or "this" not in proj:
                raise ShapesError(f"{where}: a nested SELECT must project $this (SHACL §5.2.1)")


def _depth(toks: list[Tok], i: int) -> int:
    return sum(1 if t.text == "{" else -1 if t.text == "}" else 0 for t in toks[:i] if t.kind == "punct")


def _projection(toks: list[Tok], i: int) -> set[str]:
    """The variables (names) and ``*`` projected by the SELECT at token ``i``, outside expressions."""
    out, depth = set(), 0
    for t in toks[i + 1:]:
        if t.kind == "punct" and t.text == "{" or t.kind == "word" and t.text.upper() == "WHERE":
            break
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0 and t.kind == "var":
            out.add(t.text[1:])
        elif depth == 0 and t.text == "*":
            out.add("*")
    # ``(expr AS ?x)`` projects ?x too
    for j, t in enumerate(toks[i + 1:], i + 1):
        if t.kind == "punct" and t.text == "{":
            break
        if t.kind == "word" and t.text.upper() == "AS" and j + 1 < len(toks) and toks[j + 1].kind == "var":
            out.add(toks[j + 1].text[1:])
    return out


def group_body(text: str, where: str) -> str:
    """The top-level group ``{ ... }`` of an ASK query (its WHERE clause)."""
    toks = scan(text)
    opened = next((k for k, t in enumerate(toks) if t.kind == "punct" and t.text == "{"), None)
    if opened is None:
        raise ShapesError(f"{where}: no WHERE group")
    close = _matching(toks, opened)
    return text[toks[opened].start:toks[close].start + 1]


def _matching(toks: list[Tok], opened: int) -> int:
    depth = 0
    for k in range(opened, len(toks)):
        if toks[k].kind == "punct" and toks[k].text in "{}":
            depth += 1 if toks[k].text == "{" else -1
            if depth == 0:
                return k
    raise ShapesError("unbalanced braces")


def join_focus(text: str, pattern: str, prebound: frozenset[str] = frozenset({"this"})) -> str:
    """``text`` (a SELECT) with ``pattern`` (binding ``?this``) joined first into its top-level WHERE
    group and into every nested group that mentions ``$this`` (but EXISTS groups, which see the outer
    binding): a group ``{ FILTER($this = ex:x) }`` then sees ``$this`` bound, as pre-binding would
    have it; the same for the other ``prebound`` variables ``pattern`` binds. ``?this`` is projected
    and, if the query groups, grouped by."""
    toks = scan(text)
    sel = next(k for k, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "SELECT")
    opened = next(k for k in range(sel, len(toks)) if toks[k].kind == "punct" and toks[k].text == "{")
    close = _matching(toks, opened)
    stack: list[int] = []
    inject: set[int] = {opened}
    for k in range(opened, close + 1):
        t = toks[k]
        if t.kind == "punct" and t.text == "{":
            sub = toks[k - 1].text.upper() == "EXISTS" or toks[k + 1].text.upper() == "SELECT"
            stack.append(-1 if sub else k)
        elif t.kind == "punct" and t.text == "}":
            stack.pop()
        elif t.kind == "var" and t.text[1:] in prebound and stack and stack[-1] >= 0:
            inject.add(stack[-1])
    edits: list[tuple[int, str]] = [(toks[k].start + 1, f" {pattern} ") for k in inject]
    proj = _projection(toks, sel)
    if "*" not in proj and "this" not in proj:
        k = sel + 1 if toks[sel + 1].text.upper() not in ("DISTINCT", "REDUCED") else sel + 2
        edits.append((toks[k].start, "?this "))
    for k in range(close + 1, len(toks) - 1):
        if toks[k].text.upper() == "GROUP" and toks[k + 1].text.upper() == "BY":
            grouped = {t.text[1:] for t in toks[k + 2:] if t.kind == "var"}
            if "this" not in grouped:
                edits.append((toks[k + 1].start + 2, " ?this"))
            break
    for pos, ins in sorted(edits, reverse=True):
        text = text[:pos] + ins + text[pos:]
    return text


def format_message(message: str, bindings: dict[str, str]) -> str:
    """``{$var}`` and ``{?var}`` replaced by the bound values (their lexical form or IRI), as pyshacl does."""
    for var, value in bindings.items():
        message = message.replace("{$" + var + "}", value).replace("{?" + var + "}", value)
    return message
