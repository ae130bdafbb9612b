"""Citation checks: every claim is cited, and with ``--sources`` every quote is in its article.

Implements the citation model of docs/conventions.md: a citation names a
source article and a verbatim quote whose offsets are Python ``str`` indices
of the UTF-8-decoded article (Web Annotation TextPositionSelector, end
exclusive); a source article carries the sha256 of its bytes. The texts stay
outside the repository; ``--sources DIR`` checks hashes, quotes and offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import SourceError
from ..load import Dataset
from ..namespaces import sparql_prologue
from ..query.results import solutions
from .common import finding_at, short
from .report import Finding


@dataclass
class CitationStats:
    claims: int = 0
    citations: int = 0
    quotes_checked: int = 0


#: a problem with a source article or a quote: (node IRI, message, hint)
Problem = tuple[str, str, str]


def read_sources(sources: Path, articles: Iterable[tuple[str, str | None, str | None]]
                 ) -> tuple[dict[str, str | None], list[Problem]]:
    """The text of each source article (found in ``sources`` by its sha256), None where it cannot be read.

    ``articles`` gives (source IRI, sha256, file name) per article. A hash no file has, or a file of
    that name with another hash, or a file that is not UTF-8, is a problem on the article's IRI.
    Used by the embedded check and by the check against an external store alike."""
    if not sources.is_dir():
        raise SourceError("no such sources directory", str(sources), "pass --sources DIR with the article texts")
    by_hash: dict[str, Path] = {}
    by_name: dict[str, Path] = {}
    for file in sorted(sources.iterdir()):
        if file.is_file():
            by_hash[hashlib.sha256(file.read_bytes()).hexdigest()] = file
            by_name[file.name] = file
    texts: dict[str, str | None] = {}
    problems: list[Problem] = []
    for src, sha, name in articles:
        sha = sha.lower() if sha else None
        path = by_hash.get(sha) if sha else None
        if path is None:
            texts[src] = None
            if name and name in by_name:
                actual = hashlib.sha256(by_name[name].read_bytes()).hexdigest()
                problems.append((src, f"sha256 mismatch for {name}: the data says {sha}, the file in {sources} "
                                      f"has {actual}",
                                 "the article text changed, or the hash is wrong: re-run `dprk-ld source describe`"))
            else:
                expected = f" (expected {name})" if name else ""
                problems.append((src, f"no file in {sources} has sha256 {sha}{expected}",
                                 "put the article text in the sources folder, or fix dprk:sha256"))
            continue
        try:
            texts[src] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            texts[src] = None
            problems.append((src, f"{path.name} is not UTF-8 text", "re-save it as UTF-8"))
    return texts, problems


def quote_problem(text: str, quote: str, start: int, end: int) -> tuple[str, str] | None:
    """None when ``text[start:end]`` is the quote; else the message and hint (where it really occurs)."""
    actual = text[start:end]
    if actual == quote:
        return None
    where = text.find(quote)
    hint = (f"the quote occurs at offsets {where}-{where + len(quote)}: fix dprk:startOffset/endOffset"
            if where >= 0 else "the quote is not in the article: copy it exactly (`dprk-ld cite` helps)")
    return (f"quote does not match the article at offsets {start}-{end}:\n"
            f"      expected: {quote!r}\n      actual:   {actual!r}", hint)


def _q(dataset: Dataset, text: str) -> ox.QuerySolutions:
    return solutions(dataset.store.query(sparql_prologue() + text, use_default_graph_as_union=True))


def check_citations(dataset: Dataset, sources: Path | None = None) -> tuple[list[Finding], CitationStats]:
    findings: list[Finding] = []
    stats = CitationStats()
    rows = _q(dataset, """
        SELECT ?claim (COUNT(DISTINCT ?c) AS ?ok) WHERE {
          ?claim a ?type . ?type rdfs:subClassOf* dprk:Claim .
          OPTIONAL { ?claim dprk:citation ?c . ?c dprk:source ?src ; dprk:quote ?quote .
                     FILTER(STRLEN(STR(?quote)) > 0) }
        } GROUP BY ?claim""")
    for row in rows:
        stats.claims += 1
        if int(row["ok"].value) == 0:
            claim = row["claim"].value
            findings.append(finding_at(
                dataset, claim, severity="violation", check="citations",
                message=f"{short(claim)} has no citation with a source and a non-empty quote",
                hint="add dprk:citation with dprk:source and dprk:quote (use `dprk-ld cite FILE \"QUOTE\"`)"))
    citations = list(_q(dataset, """
        SELECT ?c ?src ?quote ?start ?end WHERE {
          ?c a dprk:Citation . OPTIONAL { ?c dprk:source ?src } OPTIONAL { ?c dprk:quote ?quote }
          OPTIONAL { ?c dprk:startOffset ?start } OPTIONAL { ?c dprk:endOffset ?end } }"""))
    stats.citations = len(citations)
    if sources is None:
        return findings, stats
    articles = _q(dataset, """
        SELECT ?src ?sha ?name WHERE { ?src a dprk:SourceArticle .
          OPTIONAL { ?src dprk:sha256 ?sha } OPTIONAL { ?src dprk:fileName ?name } }""")
    texts, problems = read_sources(sources, ((row["src"].value, row["sha"].value if row["sha"] else None,
                                              row["name"].value if row["name"] else None) for row in articles))
    for node, message, hint in problems:
        findings.append(finding_at(dataset, node, severity="violation", check="citations", message=message, hint=hint))
    for row in citations:
        cit = row["c"].value
        src = row["src"].value if row["src"] else None
        text = texts.get(src) if src else None
        if text is None or row["quote"] is None or row["start"] is None or row["end"] is None:
            continue
        stats.quotes_checked += 1
        quote = row["quote"].value
        try:
            start, end = int(row["start"].value), int(row["end"].value)
        except ValueError:
            continue  # the SHACL datatype check reports it
        problem = quote_problem(text, quote, start, end)
        if problem is not None:
            findings.append(finding_at(dataset, cit, severity="violation", check="citations",
                                       message=problem[0], value=quote, hint=problem[1]))
    return findings, stats
