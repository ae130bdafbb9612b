"""Writing the site into a release folder: every page as a file, relative links, data beside each page.

Implements the static half of :mod:`dprk_ld.site`: each page of :class:`~.pages.Site` rendered with
:class:`~.links.StaticLinks` and written at its document path (:mod:`.iris`), with the Turtle and
JSON-LD description beside it (``id/state/RUS.{html,ttl,jsonld}``), plus the canned queries run with
their default parameters (``queries/NAME.{html,rq,srj,csv,ttl}``). Everything is sorted and no clock
is read, so two builds give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import DprkError
from ..jsonld import to_jsonld
from ..query.engine import run_canned
from ..query.render import render
from . import browse
from .documents import page
from .links import StaticLinks
from .model import serialize
from .pages import Site
from .queries import portable, queries_page, query_page

Progress = Callable[[str], None]


class StaticSite:
    """Writes the pages of ``site`` into ``out``; :meth:`build` returns the written paths."""

    def __init__(self, site: Site, out: Path, progress: Progress | None = None) -> None:
        self.site, self.out = site, out
        self.progress = progress or (lambda _msg: None)
        self.written: list[Path] = []

    def write(self, path: str, data: str | bytes) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.written.append(target)

    def links(self, at: str) -> StaticLinks:
        """Relative links from the file ``at`` of this site."""
        return StaticLinks(self.site.iris, at)

    def describe(self, iri: str, html_page: bool = True) -> None:
        """The page of ``iri`` (unless ``html_page`` is False) and its Turtle and JSON-LD."""
        iris = self.site.iris
        html = iris.document_path(iri, "html")
        assert html is not None, iri
        if html_page:
            self.write(html, page(self.site, iri, self.links(html)))
        triples = self.site.data(iri)
        self.write(iris.document_path(iri, "ttl") or "", serialize(triples, ox.RdfFormat.TURTLE))
        self.write(iris.document_path(iri, "jsonld") or "", to_jsonld(triples))

    def build(self, downloads: list[tuple[str, str, int]], dataset: Any = None) -> list[Path]:
        site = self.site
        css = resources.files("dprk_ld.site").joinpath("templates").joinpath("style.css")
        self.write("style.css", css.read_bytes())
        described = site.described()
        self.progress(f"site: {len(described)} pages of resources, properties, graphs and documents")
        for iri in described:
            self.describe(iri)
        if site.ontology_graphs:
            self.describe(site.ontology_iri)
        self.describe(site.base, html_page=False)
        self.write("index.html", site.index(self.links("index.html"), downloads))
        for name, render_page in (("claims", site.claims_page), ("entities", site.entities_page),
                                  ("sources", site.sources_page), ("timeline", site.timeline_page),
                                  ("relations", site.relations_page)):
            self.write(f"{name}.html", render_page(self.links(f"{name}.html")))
        self.write("relations.svg", site.relations_svg(self.links("relations.svg")))
        for name in browse.asset_names(site):  # the scripts of the browser and the pictures, the search index
            self.write(name, browse.asset(site, name))
        self.progress("site: canned queries")
        self.queries(dataset)
        return self.written

    def queries(self, dataset: Any) -> None:
        for query in self.site.public_queries():
            name, at = query.name, f"queries/{query.name}.html"
            self.write(f"queries/{name}.rq", portable(query.text))
            params = {p.name: p.default for p in query.params if p.default not in (None, "*")}
            missing = [p.name for p in query.params if p.default is None]
            links = self.links(at)
            if missing or dataset is None:
                error = DprkError(f"Needs a value for {', '.join(missing)}: run it on the endpoint." if missing
                                  else "No dataset was given to the site builder, so no query was run.")
                self.write(at, query_page(self.site, links, query, params, error=error))
                continue
            try:
                results = run_canned(dataset, name, dict(params))
            except DprkError as exc:
                self.write(at, query_page(self.site, links, query, params, error=exc))
                continue
            files = self.result_files(name, results)
            self.write(at, query_page(self.site, links, query, params, results, files=files))
        self.write("queries/index.html", queries_page(self.site, self.links("queries/index.html")))

    def result_files(self, name: str, results: Any) -> list[tuple[str, str]]:
        if results.kind == "graph":
            triples = sorted(results.triples or [], key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
            self.write(f"queries/{name}.ttl", serialize(triples, ox.RdfFormat.TURTLE))
            return [("Turtle", f"{name}.ttl")]
        files = []
        for label, fmt, ext in (("SPARQL JSON", "json", "srj"), ("CSV", "csv", "csv")):
            self.write(f"queries/{name}.{ext}", render(results, fmt))
            files.append((label, f"{name}.{ext}"))
        return files
