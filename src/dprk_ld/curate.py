"""Curation helpers: describe a source article, cite a quote with exact offsets.

Implements the citation model of docs/conventions.md (Web Annotation's
TextQuoteSelector / TextPositionSelector semantics: offsets are Python ``str``
indices of the UTF-8-decoded article, end exclusive), so nobody computes
offsets or hashes by hand.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceError
from .namespaces import PREFIXES


def read_article(path: Path) -> str:
    """The text of a source article, decoded strictly as UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the article: {exc.strerror}", str(path)) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not UTF-8 (byte {exc.start})", str(path), "save the article as UTF-8 text"
        ) from exc


def sha256_of(path: Path) -> str:
    """Hex sha256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_slug(path: Path) -> str:
    """The IRI slug of a source article: its file stem."""
    return path.stem


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    context: str


@dataclass(frozen=True)
class CiteResult:
    """Where a quote occurs in an article (``occurrences``), or the closest passage."""

    quote: str
    occurrences: list[Occurrence]
    closest: str | None = None
    closest_start: int | None = None


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"


def find_quote(text: str, quote: str) -> CiteResult:
    """Every occurrence of ``quote`` in ``text``; if none, the closest passage of the same length."""
    if not quote.strip():
        raise SourceError("the quote is empty", hint="give the exact words to cite")
    found: list[Occurrence] = []
    start = text.find(quote)
    while start != -1:
        found.append(Occurrence(start, start + len(quote), _context(text, start, start + len(quote))))
        start = text.find(quote, start + 1)
    if found:
        return CiteResult(quote, found)
    best, best_start = 0.0, 0
    n = len(quote)
    step = max(1, n // 8)
    for i in range(0, max(1, len(text) - n + 1), step):
        ratio = difflib.SequenceMatcher(None, quote, text[i : i + n], autojunk=False).ratio()
        if ratio > best:
            best, best_start = ratio, i
    for i in range(max(0, best_start - step), min(len(text) - n + 1, best_start + step) + 1):
        ratio = difflib.SequenceMatcher(None, quote, text[i : i + n], autojunk=False).ratio()
        if ratio > best:
            best, best_start = ratio, i
    return CiteResult(quote, [], text[best_start : best_start + n], best_start)


# Turtle's PN_PREFIX and PN_LOCAL, for the ASCII names we mint (no escapes, no trailing dot)
_PREFIX = r"[A-Za-z][\w.-]*(?<!\.)|"
_LOCAL = r"[\w:-](?:[\w.:-]*[\w:-])?"
PREFIXED = re.compile(rf"({_PREFIX}):({_LOCAL})?")
SLUG = re.compile(_LOCAL)


def turtle_term(value: str, what: str) -> str:
    """``value`` as a Turtle IRI term (``prefix:local``, ``<iri>`` or an absolute IRI, which gets brackets),
    or a :class:`SourceError` naming the option; never text that would make invalid Turtle."""
    text = value.strip()
    hint = "write a prefixed name such as agency:kcna, or a full IRI such as <https://w3id.org/dprk-ld/id/org/kcna>"
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text if "://" in text else None
    if iri is not None:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise SourceError(f"{what} {value!r} is not a valid IRI: {exc}", hint=hint) from exc
        return f"<{iri}>"
    if not PREFIXED.fullmatch(text) or text.endswith(":"):
        raise SourceError(f"{what} {value!r} is neither a prefixed name nor an IRI", hint=hint)
    return text


def check_slug(value: str, what: str, hint: str) -> str:
    """A slug that can follow a prefix in Turtle (``citation:<slug>``), or a :class:`SourceError`."""
    if not SLUG.fullmatch(value):
        raise SourceError(f"{what} {value!r} cannot be part of an IRI in Turtle", hint=hint)
    return value


def checked_turtle(text: str) -> str:
    """``text`` if it parses as Turtle with our prefixes (and any other prefix it uses) declared; else a
    :class:`SourceError` — the last guard before we print Turtle for someone to paste into data/."""
    used = {m.group(1) for m in re.finditer(r"(?<![\w<\"])([A-Za-z][\w-]*):[\w-]", text)} - set(PREFIXES)
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    prologue += "".join(f"@prefix {p}: <urn:x-prefix:{p}/> .\n" for p in sorted(used))
    try:
        ox.parse(prologue + text, format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise SourceError(f"the Turtle to print is invalid: {exc}",
                          hint="check the names and IRIs given as options") from exc
    return text


def _lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def citation_turtle(
    path: Path,
    occurrence: Occurrence,
    quote: str,
    *,
    citation_id: str = "CHANGE-ME-c1",
    stance: str = "Asserted",
    attributed_to: str | None = None,
    language: str = "id",
) -> str:
    """A citation node in Turtle for one occurrence of a quote (every IRI checked, the result parsed)."""
    check_slug(citation_id, "--id", "use letters, digits and '-', e.g. a002-lips-teeth-c1")
    check_slug(source_slug(path), "the article's file name",
               "rename the file to letters, digits, '-' and '_' (its stem becomes the source IRI)")
    if attributed_to:
        attributed_to = turtle_term(attributed_to, "--attributed-to")
    lines = [
        f"citation:{citation_id} a dprk:Citation ;",
        f"    dprk:source source:{source_slug(path)} ;",
        f"    dprk:quote {_lit(quote)}@{language} ;",
        f"    dprk:startOffset {occurrence.start} ;",
        f"    dprk:endOffset {occurrence.end} ;",
    ]
    if attributed_to:
        lines.append(f"    dprk:attributedTo {attributed_to} ;")
    lines.append(f"    dprk:stance dprk:{stance} .")
    return checked_turtle("\n".join(lines) + "\n")


def detect_language(text: str) -> str:
    """A BCP 47 tag for the article's language: Indonesian unless English function words dominate."""
    words = [w.lower() for w in text.split()]
    indonesian = sum(w in {"yang", "dan", "di", "dengan", "untuk", "dari", "ini", "itu"} for w in words)
    english = sum(w in {"the", "and", "of", "with", "for", "from", "this", "that"} for w in words)
    return "en" if english > indonesian else "id"


def source_turtle(
    path: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> str:
    """A source-article node in Turtle, with its sha256, file name and language."""
    text = read_article(path)
    lang = detect_language(text)
    check_slug(source_slug(path), "the article's file name",
               "rename the file to letters, digits, '-' and '_' (its stem becomes the source IRI)")
    lines = [
        f"source:{source_slug(path)} a dprk:SourceArticle ;",
        f"    dprk:fileName {_lit(path.name)} ;",
        f'    dprk:sha256 "{sha256_of(path)}" ;',
        f'    dcterms:language "{lang}"^^xsd:language ;',
    ]
    if title:
        lines.append(f"    dcterms:title {_lit(title)}@{lang} ;")
    if publisher:
        lines.append(f"    dcterms:publisher {turtle_term(publisher, '--publisher')} ;")
    if date:
        datatype = {10: "date", 7: "gYearMonth", 4: "gYear"}.get(len(date))
        if datatype is None or not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", date):
            raise SourceError(f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        lines.append(f'    dcterms:issued "{date}"^^xsd:{datatype} ;')
    if url:
        if "://" not in url:
            raise SourceError(f"--url {url!r} is not an absolute IRI", hint="e.g. https://example.com/article")
        lines.append(f"    schema:url {turtle_term(url, '--url')} ;")
    lines[-1] = lines[-1][:-2] + " ."
    return checked_turtle("\n".join(lines) + "\n")
