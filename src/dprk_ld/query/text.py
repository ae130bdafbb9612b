"""Pure text operations on SPARQL queries: masking, comments, VALUES, prologue and LIMIT.

Implements nothing of the grammar beyond what SPARQL 1.1 Query §19.8 (IRIREF, STRING_LITERAL*,
comments) needs to tell keywords from the inside of IRIs, strings and comments. Parameters are
never spliced as user text: :func:`with_values` writes terms serialised by pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import QueryError
from ..namespaces import PREFIXES
from .catalog import STRIP
from .results import Term

_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)


def mask(text: str) -> str:
    """The text with IRIs, strings and comments blanked out (same length), so keywords can be found."""
    return STRIP.sub(lambda m: " " * len(m.group(0)), text)


def strip_comments(text: str) -> str:
    """The query without its ``#`` comments (IRIs and strings containing ``#`` are kept)."""
    return STRIP.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), text)


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with ``VALUES (?a ?b) { (t1 t2) }`` opening its first WHERE group (terms serialised)."""
    if not bindings:
        return text
    masked = mask(text)
    where = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
    if where:
        brace = where.end() - 1
    else:
        form = re.search(r"\b(SELECT|ASK|DESCRIBE)\b", masked, re.IGNORECASE)
        brace = masked.find("{", form.end()) if form else -1
    if brace < 0:
        raise QueryError("cannot bind parameters remotely: the query has no WHERE group")
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(str(v) for v in bindings.values())
    return f"{text[:brace + 1]} VALUES ({names}) {{ ({terms}) }} {text[brace + 1:]}"


def with_prologue(text: str) -> str:
    """The query with PREFIX declarations added for the published prefixes it uses but does not declare."""
    masked = mask(text)
    declared = {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w-]*):", masked, re.IGNORECASE)}
    used = {m.group(1) for m in re.finditer(r"(?<![\w?$])([A-Za-z][\w-]*):(?!//)", masked)}
    missing = [p for p in PREFIXES if p in used and p not in declared]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text


def with_limit(text: str, limit: int | None) -> str:
    """The query with every ``LIMIT n`` clause set to ``limit`` (removed when ``limit`` is None or 0)."""
    masked = mask(text)
    out, last = [], 0
    for match in _LIMIT.finditer(masked):
        out += [text[last:match.start()], f"LIMIT {limit}" if limit else ""]
        last = match.end()
    return "".join(out) + text[last:]
