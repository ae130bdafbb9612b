"""The canned-query pages of the static site, with results computed at build time.

Implements the catalogue contract of :mod:`dprk_ld.query.catalog` (``queries/*.rq`` with a metadata
header) and runs each query with its default parameters through :func:`dprk_ld.query.run_canned`.
Each query gets a page with its SPARQL text, the ``.rq`` file and its results as a table plus
SPARQL JSON and CSV files. Queries that need a parameter without default are listed, not run;
``*-violation`` queries (data checks) are left out of the site.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import DprkError
from ..query.catalog import load_catalog
from ..query.engine import run_canned
from ..query.render import render
from .model import compact

if TYPE_CHECKING:
    from .site import Site


def _cell(site: Site, term: Any, at: str) -> str:
    return "" if term is None else site.term(term, at)


def write_query_pages(site: Site, dataset: Any) -> None:
    """Write ``queries/index.html`` and one page per canned query."""
    listing: list[dict[str, Any]] = []
    note = ""
    catalog: dict[str, Any] = {}
    if dataset is None:
        note = "No dataset was given to the site builder, so no query was run."
    else:
        catalog = {k: v for k, v in load_catalog(dataset.project).items() if not v.is_violation}
    for name, query in sorted(catalog.items()):
        at = f"queries/{name}.html"
        (site.out / "queries").mkdir(parents=True, exist_ok=True)
        (site.out / "queries" / f"{name}.rq").write_text(query.text, encoding="utf-8")
        params = [(p.name, p.default) for p in query.params if p.default not in (None, "*")]
        missing = [p.name for p in query.params if p.default is None]
        ctx: dict[str, Any] = {"description": query.description, "params": params, "rq": f"{name}.rq",
                               "text": query.text, "error": "", "boolean": None, "columns": [], "rows": [],
                               "results_files": []}
        count = "—"
        if missing:
            ctx["error"] = f"Needs a value for {', '.join(missing)}; run it with dprk-ld query or dprk-ld serve."
        else:
            try:
                results = run_canned(dataset, name, dict(params))
            except DprkError as exc:
                ctx["error"] = f"This query failed at build time: {exc.message}"
            else:
                ctx, count = _fill(site, ctx, results, name, at, query.text, render)
        site.write(at, "query.html", query.title or name, **ctx)
        listing.append({"href": f"{name}.html", "title": query.title or name, "description": query.description,
                        "count": count})
    site.write("queries/index.html", "queries.html", "Canned queries", queries=listing, note=note)


def _fill(site: Site, ctx: dict[str, Any], results: Any, name: str, at: str, text: str,
          render: Any) -> tuple[dict[str, Any], str]:
    if results.kind == "ask":
        ctx["boolean"] = "yes" if results.boolean else "no"
        return ctx, ctx["boolean"]
    if results.kind == "graph":
        triples = sorted(results.triples or [], key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ctx["columns"] = ["subject", "predicate", "object"]
        ctx["rows"] = [[site.term(t.subject, at), escape(compact(t.predicate.value)), site.term(t.object, at)]
                       for t in triples]
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE)
        (site.out / "queries" / f"{name}.ttl").write_bytes(data)
        ctx["results_files"] = [("Turtle", f"{name}.ttl")]
        return ctx, str(len(triples))
    rows = results.rows
    if "ORDER BY" not in text.upper():
        rows = sorted(rows, key=lambda r: tuple("" if r.get(v) is None else str(r[v]) for v in results.variables))
        results.rows = rows
    ctx["columns"] = list(results.variables)
    ctx["rows"] = [[_cell(site, r.get(v), at) for v in results.variables] for r in rows]
    for label, fmt, ext in (("SPARQL JSON", "json", "srj"), ("CSV", "csv", "csv")):
        data = render(results, fmt)
        path = site.out / "queries" / f"{name}.{ext}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        ctx["results_files"].append((label, f"{name}.{ext}"))
    return ctx, str(len(rows))
