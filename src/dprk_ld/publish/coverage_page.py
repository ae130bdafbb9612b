"""The release's coverage page (``coverage.html``): each article's sentences by status, without the text.

Implements the display side of :mod:`dprk_ld.validate.coverage`: per article, a strip of its sentences
coloured cited / set aside / uncovered, and a table of offsets, status, the claims that cite each
sentence or the exclusion that sets it aside, and the reason. The article texts are third-party and not
ours to republish, so the page carries offsets, reasons and links only — never a sentence's words.
"""

from __future__ import annotations

from typing import Any

from ..site.links import StaticLinks
from ..site.pages import Site
from ..site.render import link
from ..validate.coverage import STATUSES, CoverageReport

PAGE = "coverage.html"


def coverage_html(site: Site, report: CoverageReport) -> str:
    """The page for ``report``, which must have been made without article text (``with_text=False``)."""
    links = StaticLinks(site.iris, PAGE)
    articles: list[dict[str, Any]] = []
    for a in report.articles:
        if any(s.text is not None for s in a.sentences):
            raise ValueError("the coverage page is made from a report without article text (with_text=False)")
        rows = [{"start": s.start, "end": s.end, "length": s.end - s.start, "status": s.status,
                 "links": [link(site.model, links, c) for c in s.claims or s.exclusions],
                 "reasons": [link(site.model, links, r) for r in s.reasons]}
                for s in a.sentences]
        articles.append({"source": link(site.model, links, a.source), "file": a.file, "sha256": a.sha256,
                         "sentences": len(a.sentences), "counts": {st: a.count(st) for st in STATUSES},
                         "rows": rows})
    return site.render("coverage.html", links, "Coverage of the source articles", articles=articles,
                       totals={st: report.count(st) for st in STATUSES}, sentences=report.sentences,
                       complete=report.complete)
