"""Where things are written in a project's files: the line of a subject, the prefixes declared, the
literals a store will not keep as written. Plain text scans (no parsing: the store has no positions), each
one pass in C over the file, whatever the number of lines wanted.

A subject's line is the first line that starts with it (a full IRI or a prefixed name), as Turtle and
N-Triples files are written; a subject first written elsewhere on a line is not found.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import AnyStr


@dataclass(frozen=True)
class Location:
    relpath: str
    line: int

    def __str__(self) -> str:
        return f"{self.relpath}:{self.line}"


_PREFIX = re.compile(r"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
#: a prefix declaration after a line break: a literal first character lets the regex engine skip ahead
#: (``^`` with MULTILINE tries every position: 1.0 s against 0.1 s over 1M triples of N-Triples-style lines)
_PREFIX_LINE = re.compile(r"\n[ \t]*(?:@prefix|(?i:prefix))[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>")


_PREFIX_B, _PREFIX_LINE_B = (re.compile(r.pattern.encode(), r.flags & ~re.UNICODE) for r in (_PREFIX, _PREFIX_LINE))


def _prefixes(text: str | bytes) -> dict[str, str]:
    """The file's prefix declarations (the last one of a name wins): prefix -> namespace IRI."""
    if isinstance(text, bytes):
        return {k.decode(): v.decode() for k, v in _declared(text, _PREFIX_B, _PREFIX_LINE_B).items()}
    return _declared(text, _PREFIX, _PREFIX_LINE)


def _declared(text: AnyStr, head: re.Pattern[AnyStr], rest: re.Pattern[AnyStr]) -> dict[AnyStr, AnyStr]:
    found = {}
    for m in itertools.chain([head.match(text)], rest.finditer(text)):
        if m is not None:
            found[m.group(1) or text[:0]] = m.group(2)
    return found


#: the first token of every line but the first (empty when the line starts with no subject token): one match per
#: line break. Bytes, with a newline first: a literal lets the regex engine skip ahead (1M triples: 0.6 s against
#: 1.6 s for reading text and matching ``^`` with MULTILINE); non-ASCII bytes are allowed in names.
_LINE_HEAD_TOKEN = rb"(<[^>\s]*>|[A-Za-z\x80-\xff][\w.\x80-\xff-]*:[^\s;,]*|:[^\s;,]*|)"
_FIRST_HEAD, _LINE_HEAD = re.compile(_LINE_HEAD_TOKEN), re.compile(rb"\n" + _LINE_HEAD_TOKEN)


@dataclass(frozen=True)
class LineIndex:
    """A file's line heads, made once (:func:`line_index`): each token's first line, and the prefixes."""

    first: dict[bytes, int]
    prefixes: dict[str, str]


def line_index(data: bytes) -> LineIndex:
    """The first line of every token that starts a line (1M triples of N-Triples-style lines: ~1 s and
    ~35 MB for 8 files; worth it where a thread would otherwise wait, as while the store parses)."""
    heads = _LINE_HEAD.findall(data)
    first = dict(zip(reversed(heads), range(len(heads) + 1, 1, -1), strict=True))
    del heads
    head = _FIRST_HEAD.match(data)
    if head is not None:
        first[head.group(1)] = 1
    first.pop(b"", None)
    return LineIndex(first, _prefixes(data))


def find_subjects(text: str | bytes, relpath: str, todo: set[str], into: dict[str, Location],
                  index: LineIndex | None = None) -> None:
    """As :func:`index_subjects`, for the IRIs in ``todo`` only (found ones move from ``todo`` to ``into``);
    with the file's ``index`` (:func:`line_index`), by lookups, without reading ``text``.

    One ``findall`` lists the first token of every line (its index is the line number), then
    ``compress`` keeps the lines whose token is wanted: both run in C, so the cost is one pass over the
    file however many IRIs are wanted (1M triples, 174k IRIs: 8.3 s with a regex of the wanted tokens,
    1.2 s this way; a dict of every line's token instead of ``compress``: 2.2 s for 5,000 IRIs)."""
    if not todo:
        return
    lines: dict[str, int] = {}
    if index is not None:  # each token of the file read back as an IRI: the cost is the file's, not todo's
        for token, line in index.first.items():
            iri = _as_iri(token, index.prefixes)
            if iri in todo and line < lines.get(iri, line + 1):
                lines[iri] = line
    else:
        data = text.encode("utf-8") if isinstance(text, str) else text
        wanted = {f"<{i}>".encode(): i for i in todo}
        for p, ns in _prefixes(data).items():
            if p.upper().startswith(("PREFIX", "BASE")):
                continue
            wanted.update((f"{p}:{i[len(ns):]}".encode(), i) for i in todo if i.startswith(ns))
        first = _FIRST_HEAD.match(data)
        heads = _LINE_HEAD.findall(data)
        if first is not None and first.group(1) in wanted:
            lines[wanted[first.group(1)]] = 1
        hits = itertools.compress(zip(heads, itertools.count(2)), map(wanted.__contains__, heads))
        for token, line in hits:  # in line order: the first line of an IRI (in any of its spellings) wins
            lines.setdefault(wanted[token], line)
        del heads
    for iri, line in lines.items():
        into[iri] = Location(relpath, line)
        todo.discard(iri)


def index_subjects(index: LineIndex, relpath: str, into: dict[str, Location]) -> None:
    """Record where every node written as a subject at the start of a line is first written, from the
    file's :func:`line_index` (an IRI already in ``into``, from an earlier file, keeps its place)."""
    lines: dict[str, int] = {}
    for token, line in index.first.items():
        iri = _as_iri(token, index.prefixes)
        if iri is not None and iri not in into and line < lines.get(iri, line + 1):
            lines[iri] = line
    into.update((iri, Location(relpath, line)) for iri, line in lines.items())


def _as_iri(token: bytes, prefixes: dict[str, str]) -> str | None:
    """The IRI a line's head token writes (None: an undeclared prefix, or a directive)."""
    if token[:1] == b"<":
        return token[1:-1].decode("utf-8", "replace")
    p, _, local = token.decode("utf-8", "replace").partition(":")
    ns = prefixes.get(p)
    return None if ns is None or p.upper().startswith(("PREFIX", "BASE")) else ns + local


_DERIVED_INTEGER = re.compile(
    r"\^\^(?:xsd:|<http://www\.w3\.org/2001/XMLSchema#)((?:non)?(?:Negative|Positive)Integer|negativeInteger"
    r"|positiveInteger|nonNegativeInteger|nonPositiveInteger|int|long|short|byte|unsigned(?:Int|Long|Short|Byte))\b")


def find_lossy(text: str, relpath: str) -> list[tuple[Location, str]]:
    """Literals typed with a derived integer type, which Oxigraph's store rewrites to xsd:integer."""
    found = []
    for m in _DERIVED_INTEGER.finditer(text):
        lineno = text.count("\n", 0, m.start()) + 1
        found.append((Location(relpath, lineno), f"xsd:{m.group(1)} is stored as xsd:integer"))
    return found


