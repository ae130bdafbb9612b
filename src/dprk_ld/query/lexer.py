"""The terminals of SPARQL 1.1 Query (W3C Recommendation, §19.8), as an iterative lexer.

Implements the grammar's terminal productions — IRIREF, PNAME_NS/PNAME_LN (PN_PREFIX, PN_LOCAL
with PLX escapes), BLANK_NODE_LABEL, VAR1/VAR2, LANGTAG, INTEGER/DECIMAL/DOUBLE, the four
STRING_LITERAL forms with ECHAR, comments and WS — and the codepoint escapes of §19.2
(``\\uXXXX``, ``\\UXXXXXXXX``), which are replaced before the grammar sees the text, as the
engine (Oxigraph's parser) does. Keywords are not terminals of their own in the grammar; a run of
letters and digits outside every other terminal is a ``word`` here, so a keyword glued to another
word (``trueSERVICE``, which the engine's PEG grammar reads as ``true`` then ``SERVICE``) stays
visible as one word that contains it.

One compiled pattern scanned left to right: no recursion, linear in the text, whatever its nesting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']"

_TOKEN = re.compile(
    rf"""(?P<ws>[\x20\t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*\"\"\"
        |'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''
        |"(?:[^"\\\n\r]|{_ECHAR})*"
        |'(?:[^'\\\n\r]|{_ECHAR})*')
    |(?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
    |(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
    |(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
    |(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<num>(?:[0-9]+\.?[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+))
    |(?P<word>[^\W\d]\w*)
    |(?P<punct>\^\^|<=|>=|!=|&&|\|\|)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    """A terminal: its kind (ws and comments are dropped), its text and its offset in the text lexed."""

    kind: str  # string iri var bnode pname langtag num word punct other
    text: str
    start: int = 0


def iter_tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text, lazily (whitespace and comments dropped)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def tokens(text: str) -> list[Token]:
    """:func:`iter_tokens` as a list."""
    return list(iter_tokens(text))


def unescape(text: str) -> str:
    """The text with SPARQL codepoint escapes (§19.2) replaced; an escape naming no codepoint stays."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _ESCAPE.sub(repl, text)


__all__ = ["Token", "iter_tokens", "tokens", "unescape"]
