"""The static site of a release: index, lists, entity/claim/source pages, timeline, relations, queries.

Implements a plain-HTML5 site (WHATWG HTML) that needs no script and no CDN: every link is
relative, so it works from ``file://`` and from any static host. Pages are rendered with
Jinja2 templates (``publish/templates``); each resource page has its Turtle and JSON-LD
description written beside it. Everything is sorted, so two builds give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox

from ..namespaces import ONTOLOGY_NS, PREFIXES
from . import queries, svg
from .describe import ReleaseInfo
from .dumps import to_jsonld
from .model import DCT, D, Model, compact, href, page_path, rel

Progress = Callable[[str], None]
SITE_TITLE = "dprk-ld"
SOURCE_META = ((DCT + "title", "title"), (DCT + "publisher", "publisher"), (DCT + "issued", "issued"),
               (DCT + "language", "language"), ("https://schema.org/url", "URL"), (D + "fileName", "file"),
               (D + "sha256", "sha256"))


def environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: resources.files("dprk_ld.publish").joinpath("templates", name).read_text(encoding="utf-8"))
    return jinja2.Environment(loader=loader, autoescape=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


class Site:
    """Writes the pages of one release into ``out``."""

    def __init__(self, model: Model, info: ReleaseInfo, out: Path, progress: Progress | None = None) -> None:
        self.m, self.info, self.out = model, info, out
        self.env = environment()
        self.progress = progress or (lambda _msg: None)
        self.written: list[Path] = []
        self.site = {"title": info.title, "title_short": SITE_TITLE, "version": info.version,
                     "issued": info.issued, "license": info.license, "description": info.description}

    # ---- helpers -------------------------------------------------------------------------------
    def link(self, iri: str, at: str, text: str | None = None) -> str:
        return f'<a href="{escape(href(iri, at))}">{escape(text or self.m.label(iri))}</a>'

    def term(self, term: Any, at: str) -> str:
        if isinstance(term, ox.NamedNode):
            if page_path(term.value) or term.value.startswith(ONTOLOGY_NS):
                return self.link(term.value, at)
            return f'<a href="{escape(term.value)}">{escape(compact(term.value))}</a>'
        if isinstance(term, ox.BlankNode):
            return f"<code>_:{escape(term.value)}</code>"
        text = escape(term.value)
        if term.language:
            return f'<span lang="{escape(term.language)}">{text}</span> <small class="lang">@{term.language}</small>'
        dtype = compact(term.datatype.value)
        return text if dtype == "xsd:string" else f"{text} <small>{escape(dtype)}</small>"

    def write(self, path: str, template: str, title: str, ttl: str | None = None, jsonld: str | None = None,
              **ctx: Any) -> None:
        root = rel(path, "index.html")[: -len("index.html")]
        html = self.env.get_template(template).render(
            site=self.site, title=title, root=root,
            ttl=ttl or root + "dumps/dprk-ld.ttl", jsonld=jsonld or root + "dumps/dprk-ld.jsonld", **ctx)
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.written.append(target)

    # ---- pages ---------------------------------------------------------------------------------
    def build(self, downloads: list[tuple[str, str, int]], dataset: Any = None) -> list[Path]:
        (self.out / "style.css").write_text(
            resources.files("dprk_ld.publish").joinpath("templates", "style.css").read_text(encoding="utf-8"),
            encoding="utf-8")
        pages = self.m.pages()
        self.progress(f"site: {len(pages)} resource pages")
        for iri in pages:
            self.resource_page(iri)
        self.lists()
        self.index(downloads)
        self.timeline()
        self.relations()
        self.progress("site: canned queries")
        queries.write_query_pages(self, dataset)
        return self.written

    def resource_page(self, iri: str) -> None:
        m, at = self.m, page_path(iri) or ""
        triples = m.description(iri)
        base = at[: -len(".html")]
        for ext, data in (("ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))),
                          ("jsonld", to_jsonld(triples))):
            path = self.out / f"{base}.{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        name = base.rsplit("/", 1)[-1]
        ctx: dict[str, Any] = {
            "iri": iri, "types": [self.link(t, at) for t in m.types(iri)],
            "gloss": m.value(iri, D + "gloss"), "dates": m.dates(iri) if m.is_claim(iri) else [],
            "flagged": D + "FlaggedForReview" in m.iris(iri, D + "reviewStatus"),
            "review_note": m.value(iri, D + "reviewNote"),
            "props": [(self.link(p, at, compact(p)), self.term(o, at)) for p, o in m.out[iri]],
            "incoming": [(self.link(s, at), self.link(p, at, compact(p))) for s, p in m.inc.get(iri, [])
                         if page_path(s)],
            "citations": [self.citation(c, at) for c in m.citations_of(iri)],
            "related": [], "related_title": "", "related_head": [],
        }
        if D + "SourceArticle" in m.types(iri):
            ctx["related_title"], ctx["related_head"] = "Claims taken from this article", ["claim", "class", "quote"]
            ctx["related"] = [[self.link(c, at), self.link(m.claim_class(c), at),
                               f'<span lang="id">{escape(m.value(cit, D + "quote", "id") or "")}</span>']
                              for c, cit in m.claims_citing(iri)]
        elif not m.is_claim(iri):
            about = m.claims_about(iri)
            if about:
                ctx["related_title"], ctx["related_head"] = "Claims naming it", ["claim", "role", "class"]
                ctx["related"] = [[self.link(c, at), self.link(p, at, compact(p)), self.link(m.claim_class(c), at)]
                                  for c, p in about]
        self.write(at, "resource.html", m.label(iri), ttl=f"{name}.ttl", jsonld=f"{name}.jsonld", **ctx)

    def citation(self, c: str, at: str) -> dict[str, Any]:
        m = self.m
        quote = [o for o in m.values(c, D + "quote") if isinstance(o, ox.Literal)]
        source = (m.iris(c, D + "source") or [""])[0]
        meta = []
        for prop, name in SOURCE_META:
            for o in m.values(source, prop):
                meta.append((name, self.term(o, at)))
        return {"anchor": c.rsplit("/", 1)[-1], "href": href(c, at),
                "quote": quote[0].value if quote else "", "lang": (quote[0].language if quote else "") or "",
                "stance": ", ".join(self.link(s, at) for s in m.iris(c, D + "stance")) or "stance not given",
                "attributed": ", ".join(self.link(a, at) for a in m.iris(c, D + "attributedTo")),
                "start": m.value(c, D + "startOffset") or "?", "end": m.value(c, D + "endOffset") or "?",
                "source": self.link(source, at) if source else "not given", "meta": meta}

    def lists(self) -> None:
        m = self.m
        claims: dict[str, list[list[str]]] = {}
        for c in m.claims():
            dates = ", ".join(v for _, v, _ in m.dates(c))
            claims.setdefault(m.claim_class(c), []).append([self.link(c, "claims.html"), escape(dates)])
        self.write("claims.html", "list.html", "Claims", groups=self._groups(claims))
        entities: dict[str, list[list[str]]] = {}
        for s in m.pages():
            if m.is_claim(s) or D + "SourceArticle" in m.types(s):
                continue
            cls = (sorted(m.types(s)) or [PREFIXES["rdfs"] + "Resource"])[0]
            entities.setdefault(cls, []).append([self.link(s, "entities.html"), escape(compact(s))])
        self.write("entities.html", "list.html", "Entities", groups=self._groups(entities))
        sources = {D + "SourceArticle": [[self.link(s, "sources.html"), escape(m.value(s, DCT + "issued") or ""),
                                          str(len(m.claims_citing(s)))] for s in m.of_type(D + "SourceArticle")]}
        self.write("sources.html", "list.html", "Source articles", groups=self._groups(sources))

    def _groups(self, groups: dict[str, list[list[str]]]) -> list[tuple[dict[str, str], list[list[str]]]]:
        return [({"anchor": compact(cls).replace(":", "-"), "label": self.m.label(cls)}, rows)
                for cls, rows in sorted(groups.items(), key=lambda kv: self.m.label(kv[0]))]

    def index(self, downloads: list[tuple[str, str, int]]) -> None:
        m = self.m
        claims = m.claims()
        by_class = Counter(m.claim_class(c) for c in claims)
        counts = [("triples", len({(q.subject, q.predicate, q.object) for q in m.quads}), None),
                  ("claims", len(claims), "claims.html"),
                  ("citations", len(m.of_type(D + "Citation")), None),
                  ("source articles", len(m.of_type(D + "SourceArticle")), "sources.html"),
                  ("states", len(m.of_type(D + "State")), "entities.html"),
                  ("resources with a page", len(m.pages()), "entities.html")]
        self.write("index.html", "index.html", "Home", counts=counts, downloads=downloads,
                   by_class=[(self.link(cls, "index.html"), n) for cls, n in sorted(
                       by_class.items(), key=lambda kv: (-kv[1], kv[0]))])

    def timeline(self) -> None:
        m, events = self.m, []
        for c in m.claims():
            inferred = any(isinstance(o, ox.Literal) and o.value == "true" for o in m.values(c, D + "dateInferred"))
            for prop, value, precision in m.dates(c):
                events.append({"value": value, "precision": precision, "prop": prop, "inferred": inferred,
                               "claim": self.link(c, "timeline.html"),
                               "cls": self.link(m.claim_class(c), "timeline.html"), "key": c})
        events.sort(key=lambda e: (e["value"], e["key"], e["prop"]))
        self.write("timeline.html", "timeline.html", "Timeline", events=events)

    def relations(self) -> None:
        m = self.m
        nodes = [svg.Node(s, m.label(s), href(s, "relations.html")) for s in m.of_type(D + "State")]
        edges = []
        for c in m.claims():
            frm, to, other = m.state_roles(c)
            kind, label, link = m.label(m.claim_class(c)), m.label(c), href(c, "relations.html")
            if frm and to:
                edges += [svg.Edge(f, t, kind, label, link, True) for f in frm for t in to if f != t]
            else:
                everyone = sorted(set(frm + to + other))
                edges += [svg.Edge(a, b, kind, label, link, False)
                          for i, a in enumerate(everyone) for b in everyone[i + 1:]]
        picture = svg.relations_svg(nodes, edges)
        (self.out / "relations.svg").write_text(picture, encoding="utf-8")
        inline = picture.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)
        self.write("relations.html", "relations.html", "Relations between states", svg=inline)

