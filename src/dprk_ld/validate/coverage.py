"""Coverage: every sentence of every source article is cited by a claim or set aside with a reason.

Implements the coverage rule of docs/conventions.md. Each article (found in ``--sources DIR`` by the
sha256 its ``dprk:SourceArticle`` records) is split into sentences: at line breaks, and after ``.``,
``!`` or ``?`` (and any closing quotes or brackets) followed by white space and a capital letter, a
digit or an opening quote; a list number such as ``1.`` is not a sentence end. Offsets are Python
``str`` indices of the UTF-8-decoded text, end exclusive, as in citations. A sentence is

- **cited** when the span of a claim's citation overlaps it,
- **excluded** when a ``dprk:Exclusion`` (source, offsets, ``dprk:exclusionReason``) covers all of it,
- **uncovered** otherwise: ``dprk-ld validate --sources`` warns for each, with its text and offsets.

The report can be rendered without any article text (``with_text=False``), which is how the release
shows it: the texts are third-party and not ours to republish.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import SourceError
from ..load import Dataset
from ..namespaces import sparql_prologue
from ..query.results import solutions
from .common import finding_at, short
from .report import Finding

#: A sentence ends at . ! or ? (plus closing quotes/brackets) before white space and a capital, digit or quote.
_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_LIST_NUMBER = re.compile(r"\s*\d{1,3}\.")

STATUSES = ("cited", "excluded", "uncovered")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text``, in order, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        base, body = line.start(), line.group()
        cuts = [m.end() for m in _END.finditer(body)]
        pos = 0
        for cut in [*cuts, len(body)]:
            if cut < len(body) and _LIST_NUMBER.fullmatch(body[pos:cut]):
                continue  # "1. Rusia": a list number, not a sentence
            segment = body[pos:cut]
            if segment.strip():
                lead = len(segment) - len(segment.lstrip())
                spans.append((base + pos + lead, base + pos + len(segment.rstrip())))
            pos = cut
    return spans


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    status: str
    claims: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    text: str | None = None  # only when the report is made with the article text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "status": self.status,
                               "claims": list(self.claims), "exclusions": list(self.exclusions),
                               "reasons": list(self.reasons)}
        if self.text is not None:
            out["text"] = self.text
        return out


@dataclass
class ArticleCoverage:
    source: str
    file: str
    sha256: str
    sentences: list[Sentence] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "file": self.file, "sha256": self.sha256,
                "sentences": len(self.sentences), **{s: self.count(s) for s in STATUSES},
                "items": [s.to_json() for s in self.sentences]}


@dataclass
class CoverageReport:
    articles: list[ArticleCoverage] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # source articles whose text is not in the folder
    stray_exclusions: list[tuple[str, str]] = field(default_factory=list)  # (exclusion IRI, what is wrong)

    def count(self, status: str) -> int:
        return sum(a.count(status) for a in self.articles)

    @property
    def sentences(self) -> int:
        return sum(len(a.sentences) for a in self.articles)

    @property
    def complete(self) -> bool:
        return self.count("uncovered") == 0 and not self.missing and not self.stray_exclusions

    def to_json(self) -> dict[str, Any]:
        return {"sentences": self.sentences, **{s: self.count(s) for s in STATUSES}, "complete": self.complete,
                "articles": [a.to_json() for a in self.articles], "missing": self.missing,
                "stray_exclusions": [{"exclusion": x, "problem": why} for x, why in self.stray_exclusions]}

    def render(self, fmt: str = "text") -> str:
        """The report as ``text`` (with the text of uncovered sentences, if made with it) or ``json``."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else self.text()

    def text(self) -> str:
        lines = []
        for a in self.articles:
            lines.append(f"{a.file}: {len(a.sentences)} sentences, {a.count('cited')} cited, "
                         f"{a.count('excluded')} set aside, {a.count('uncovered')} uncovered")
            for s in a.sentences:
                what = (", ".join(short(c) for c in s.claims) if s.status == "cited"
                        else ", ".join(short(r) for r in s.reasons) if s.status == "excluded"
                        else repr(s.text) if s.text is not None else "")
                lines.append(f"  {s.start:>5}-{s.end:<5} {s.status:<9} {what}")
        for src in self.missing:
            lines.append(f"{short(src)}: its text is not in the sources folder (no file with its sha256)")
        for x, why in self.stray_exclusions:
            lines.append(f"{short(x)}: {why}")
        total = self.sentences
        lines.append(f"{total} sentences in {len(self.articles)} articles: {self.count('cited')} cited, "
                     f"{self.count('excluded')} set aside, {self.count('uncovered')} uncovered"
                     + (" — every sentence accounted for" if self.complete else ""))
        return "\n".join(lines) + "\n"


def _rows(dataset: Dataset, text: str) -> ox.QuerySolutions:
    return solutions(dataset.store.query(sparql_prologue() + text, use_default_graph_as_union=True))


def _texts(dataset: Dataset, sources: Path) -> tuple[dict[str, tuple[str, str, str]], list[str]]:
    """``{source IRI: (file name, sha256, text)}`` for the articles found in ``sources``, and the missing ones."""
    if not sources.is_dir():
        raise SourceError("no such sources directory", str(sources), "pass --sources DIR with the article texts")
    by_hash = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in sorted(sources.iterdir()) if p.is_file()}
    found: dict[str, tuple[str, str, str]] = {}
    missing: list[str] = []
    articles = "SELECT ?src ?sha WHERE { ?src a dprk:SourceArticle OPTIONAL { ?src dprk:sha256 ?sha } }"
    for row in _rows(dataset, articles):
        src, sha = row["src"].value, (row["sha"].value.lower() if row["sha"] else "")
        path = by_hash.get(sha)
        text = None
        if path is not None:
            try:
                text = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                text = None  # the citations check reports it
        if path is None or text is None:
            missing.append(src)
        else:
            found[src] = (path.name, sha, text)
    return found, sorted(missing)


def coverage(dataset: Dataset, sources: Path, *, with_text: bool = True) -> CoverageReport:
    """Which sentences of each article are cited, set aside, or neither."""
    texts, missing = _texts(dataset, sources)
    cited: dict[str, list[tuple[int, int, str]]] = {}
    for row in _rows(dataset, """
        SELECT ?src ?s ?e ?claim WHERE { ?claim dprk:citation ?c .
          ?c dprk:source ?src ; dprk:startOffset ?s ; dprk:endOffset ?e }"""):
        cited.setdefault(row["src"].value, []).append((int(row["s"].value), int(row["e"].value), row["claim"].value))
    excluded: dict[str, list[tuple[int, int, str, str]]] = {}
    report = CoverageReport(missing=missing)
    for row in _rows(dataset, """
        SELECT ?x ?src ?s ?e ?reason WHERE { ?x a dprk:Exclusion ; dprk:source ?src ;
          dprk:startOffset ?s ; dprk:endOffset ?e . OPTIONAL { ?x dprk:exclusionReason ?reason } }"""):
        src = row["src"].value
        span = (int(row["s"].value), int(row["e"].value), row["x"].value,
                row["reason"].value if row["reason"] else "")
        excluded.setdefault(src, []).append(span)
        if src in texts and not 0 <= span[0] < span[1] <= len(texts[src][2]):
            report.stray_exclusions.append((span[2], f"offsets {span[0]}-{span[1]} are outside the article "
                                                     f"({len(texts[src][2])} characters)"))
    for src in sorted(texts):
        name, sha, text = texts[src]
        article = ArticleCoverage(src, name, sha)
        used: set[str] = set()
        for start, end in split_sentences(text):
            claims = sorted({c for s, e, c in cited.get(src, []) if s < end and e > start})
            covering = sorted((x, r) for s, e, x, r in excluded.get(src, []) if s <= start and e >= end)
            used.update(x for x, _ in covering)
            status = "cited" if claims else "excluded" if covering else "uncovered"
            article.sentences.append(Sentence(
                start, end, status, tuple(claims), tuple(x for x, _ in covering),
                tuple(sorted({r for _, r in covering if r})),
                text[start:end] if with_text and status == "uncovered" else None))
        for s, e, x, _ in sorted(excluded.get(src, [])):
            if x not in used and all(x != stray for stray, _ in report.stray_exclusions):
                report.stray_exclusions.append((x, f"covers no whole sentence (offsets {s}-{e}): "
                                                   "`dprk-ld coverage` prints the sentence offsets"))
        report.articles.append(article)
    return report


def check_coverage(dataset: Dataset, sources: Path) -> tuple[list[Finding], CoverageReport]:
    """A warning for each sentence that is neither cited nor set aside, and for each misplaced exclusion."""
    report = coverage(dataset, sources)
    findings: list[Finding] = []
    for article in report.articles:
        for s in article.sentences:
            if s.status == "uncovered":
                findings.append(finding_at(
                    dataset, article.source, severity="warning", check="coverage",
                    message=f"sentence {s.start}-{s.end} of {article.file} is neither cited nor set aside: "
                            f"{s.text!r}",
                    hint="cite it from a claim (`dprk-ld cite`), or add a dprk:Exclusion with these offsets "
                         "and a dprk:exclusionReason to data/exclusions.ttl"))
    for x, why in report.stray_exclusions:
        findings.append(finding_at(dataset, x, severity="warning", check="coverage", message=f"{short(x)} {why}",
                                   hint="give the exclusion the offsets of whole sentences"))
    return findings, report
