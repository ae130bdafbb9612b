"""Query pages: the canned-query list and forms (after Datasette), and results as HTML tables.

Implements the page side of the catalogue contract of :mod:`dprk_ld.query.catalog`: a canned query's
page has its form, its results (the release runs each with its default parameters at build time; the
live server runs it with the parameters sent), its SPARQL text with the PREFIX lines it needs, and
links to its results as data. Results render as a table that needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from markupsafe import Markup

from ..query import Results
from ..query.catalog import CannedQuery
from ..query.text import with_prologue
from .links import Links
from .model import compact
from .render import MEDIA_NAMES, NUMERIC, number, render_template, term

if TYPE_CHECKING:
    from .pages import Site, SiteInfo

UNIT_COLUMNS = {"unit", "units"}
FOLD_AT, FOLD_HEAD = 160, 90
INPUT_TYPES = {"integer": "number", "decimal": "text", "date": "date", "boolean": "text", "gYear": "number"}


@dataclass
class Table:
    header: list[str]
    rows: list[list[Markup]]
    boolean: bool | None = None
    graph: bool = False


def table(site: Site | None, links: Links, results: Results) -> Table:
    """Results as a table of rendered cells: SELECT rows, ASK's answer, or a graph's triples (labels
    from the site's model; without a site, prefixed names)."""
    model = site.model if site is not None else None

    def t(value: Any) -> Markup:
        return term(model, links, value)

    if results.kind == "ask":
        return Table([], [], boolean=bool(results.boolean))
    if results.kind == "graph":
        triples = sorted(results.triples or [], key=lambda x: (str(x.subject), str(x.predicate), str(x.object)))
        return Table(["subject", "predicate", "object"],
                     [[t(x.subject), Markup("{}").format(compact(x.predicate.value)), t(x.object)] for x in triples],
                     graph=True)
    header = list(results.variables)
    unit_column = next((v for v in header if v.lower() in UNIT_COLUMNS), None)

    def cell(row: dict[str, Any], var: str) -> Markup:
        value = row.get(var)
        if isinstance(value, ox.Literal) and value.datatype.value in NUMERIC and var != unit_column:
            unit = row.get(unit_column) if unit_column else None
            return number(value, unit.value if isinstance(unit, ox.Literal) else None)
        return fold(t(value), value)

    return Table(header, [[cell(row, v) for v in header] for row in results.rows])


def fold(html: Markup, value: Any) -> Markup:
    """A long literal folded: its first words, the rest behind a disclosure (no script needed)."""
    if not isinstance(value, ox.Literal) or len(value.value) <= FOLD_AT:
        return html
    head = value.value[:FOLD_HEAD].rsplit(" ", 1)[0]
    return Markup('<details class="fold"><summary>{}…</summary>{}</details>').format(head, html)


def portable(text: str) -> str:
    """The query text with PREFIX lines for every published prefix it uses (so it runs on any endpoint)."""
    return with_prologue(text)


def queries_page(site: Site, links: Links, note: str = "") -> str:
    return site.render("queries.html", links, "Canned queries", queries=site.public_queries(), note=note)


def query_page(site: Site, links: Links, query: CannedQuery, params: dict[str, str], results: Results | None = None,
               truncated: bool = False, error: Any = None, files: list[tuple[str, str]] | None = None) -> str:
    """A canned query's page: its form (values = ``params`` or the defaults), results when run."""
    fields = [{"param": p, "value": params.get(p.name, "" if p.default in (None, "*") else p.default),
               "input": INPUT_TYPES.get(p.type, "text")} for p in query.params]
    limit = (site.limits or {}).get("max_results")
    return site.render("query.html", links, query.title or query.name, query=query, fields=fields,
                       table=table(site, links, results) if results is not None else None,
                       truncated=truncated, limit=limit, error=error, files=files or [], text=portable(query.text))


def results_page(info: SiteInfo, links: Links, results: Results, query: str | None = None, truncated: bool = False,
                 limit: int | None = None, title: str = "Query results") -> str:
    """An ad-hoc query's results as a page; needs no model (it may be rendered where the query ran)."""
    return render_template("results.html", site=info, links=links, title=title, alternates=[], names=MEDIA_NAMES,
                           base=links.iris.base, table=table(None, links, results), query=query, truncated=truncated,
                           limit=limit, files=[])


def error_page(info: SiteInfo, links: Links, status: int, message: str, location: str | None,
               hint: str | None) -> str:
    """An error as a page; needs no model."""
    return render_template("error.html", site=info, links=links, title=f"Error {status}", alternates=[],
                           names=MEDIA_NAMES, base=links.iris.base, status=status, message=message, location=location,
                           hint=hint)


def ready_to_run(query: CannedQuery, params: dict[str, str], submitted: bool) -> bool:
    """Run at once when submitted, or when no parameter is required (like Datasette)."""
    return submitted or not any(p.required for p in query.params)
