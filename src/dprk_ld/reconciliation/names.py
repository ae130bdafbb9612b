"""Name matching for the Reconciliation Service API v0.2 (W3C Entity Reconciliation CG): normalise and score.

The API leaves scoring to the service ("a number indicating how likely it is that the candidate
matches the query"); ours is 0-100 and explainable as *features* (section "Reconciliation
candidates"): ``name_exact``, ``alias_exact``, ``name_tokens`` and ``name_similarity``.

Names are compared in a normal form that makes English and Indonesian spellings meet where they
differ only in writing: case-folded, accents removed (NFKD), hyphens, dots and apostrophes turned
into spaces or dropped (``Kim Jong-un`` = ``Kim Jong Un``, ``D.P.R.K.`` = ``DPRK``), and, for the
token comparison, function words of both languages ignored (``the``, ``of``; ``dan``, ``yang``).
Indonesian and English *names* of the same thing (``Korea Utara`` / ``North Korea``) meet through
the labels and aliases of the data (``rdfs:label`` in both languages, ``skos:altLabel``), never
through translation.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

#: Function words ignored by the token comparison (English and Indonesian).
STOPWORDS = frozenset({
    "the", "of", "and", "for", "in", "on", "a", "an",           # English
    "dan", "yang", "di", "ke", "dari", "untuk", "para", "sang",  # Indonesian
})

_DROP = re.compile(r"[.'’`´]")
_SPLIT = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """The comparison form of a name: case-folded, without accents or punctuation, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _DROP.sub("", plain)
    return " ".join(t for t in _SPLIT.split(plain.replace("_", " ")) if t)


def tokens(text: str) -> frozenset[str]:
    """The content words of a normalised name (function words of English and Indonesian dropped)."""
    words = normalise(text).split()
    content = frozenset(w for w in words if w not in STOPWORDS)
    return content or frozenset(words)


@dataclass(frozen=True)
class NameScore:
    """How well a query matches one name of a candidate, 0-100, with the features behind it."""

    score: float
    exact: bool
    token_overlap: float
    similarity: float


def _soft_common(query: frozenset[str], name: frozenset[str]) -> int:
    """Query words found in the name, allowing a spelling slip (``Rusia``/``Russia``, ``Moskwa``/``Moskow``)."""
    found = 0
    for word in query:
        if word in name or any(len(word) > 3 and difflib.SequenceMatcher(None, word, other).ratio() >= 0.8
                               for other in name):
            found += 1
    return found


def score_name(query: str, name: str) -> NameScore:
    """Compare a query with one name: 100 when equal after normalisation, 95 for the same words in another
    order, else a blend of token overlap (Jaccard, with spelling slips tolerated), containment (one name's
    words within the other's: ``Republik Rakyat Tiongkok`` contains ``Tiongkok``) and character similarity
    (difflib ratio), scaled to at most 95."""
    q, n = normalise(query), normalise(name)
    if not q or not n:
        return NameScore(0.0, False, 0.0, 0.0)
    if q == n:
        return NameScore(100.0, True, 1.0, 1.0)
    qt, nt = tokens(query), tokens(name)
    similarity = difflib.SequenceMatcher(None, q, n, autojunk=False).ratio()
    if qt == nt:  # the same words in another order, or differing only in function words
        return NameScore(95.0, False, 1.0, similarity)
    common = _soft_common(qt, nt)
    overlap = common / (len(qt) + len(nt) - common)
    shorter = qt if len(" ".join(qt)) <= len(" ".join(nt)) else nt
    # a short name (``UN``) inside a long one says little: containment counts from four letters up
    containment = common / min(len(qt), len(nt)) if len(" ".join(shorter)) >= 4 else overlap
    blend = 0.35 * overlap + 0.35 * containment + 0.3 * similarity
    return NameScore(round(95 * blend, 2), False, overlap, similarity)


def prefix_match(prefix: str, name: str) -> bool:
    """Whether a typed prefix (suggest) starts the name or one of its words."""
    p = normalise(prefix)
    if not p:
        return False
    n = normalise(name)
    return n.startswith(p) or any(w.startswith(p) for w in n.split()) or f" {p}" in f" {n}"
