"""The pages of the site, each rendered from the model by one template, for the release and the live server.

Implements a plain-HTML5 site (WHATWG HTML) with no script and no CDN: an index, lists of claims,
entities and sources, a timeline, a picture of the relations between states, a page for every IRI
we mint (resources, properties, named graphs, shapes, the dataset, the ontology) and the canned
queries. :class:`Site` renders a page to a string given a link policy (:mod:`.links`): ``build``
writes it to a file, ``serve`` sends it; nothing else differs between the two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from markupsafe import Markup, escape

from ..jsonld import to_jsonld
from ..namespaces import PREFIXES, sparql_prologue
from ..query.catalog import CannedQuery
from ..query.results import lexical, solutions
from . import browse, search
from .iris import Iris, fragment
from .links import Links
from .model import DCT, RDF_TYPE, D, Model, compact, display_prefixes
from .render import MEDIA_NAMES, link, prop_link, render_template, term

SITE_TITLE = "dprk-ld"
SOURCE_META = ((DCT + "title", "title"), (DCT + "publisher", "publisher"), (DCT + "issued", "issued"),
               (DCT + "language", "language"), ("https://schema.org/url", "URL"), (D + "fileName", "file"),
               (D + "sha256", "sha256"))
MAX_INCOMING = 500
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")


@dataclass(frozen=True)
class SiteInfo:
    """What every page says about the release (from the ontology header, see publish.describe)."""

    title: str
    description: str
    version: str
    issued: str
    license: str | None = None
    title_short: str = SITE_TITLE


@dataclass
class Site:
    """Renders the pages of one dataset. ``documents`` holds extra descriptions by IRI (the VoID of
    ``…/dataset``); ``graph_files`` maps named graphs to their source files; ``ontology_graphs`` and
    ``shapes_graphs`` say which graphs the ontology and the shapes are. ``model`` reads the dataset's
    own graphs; ``everything`` (default: ``model``) reads every graph served, such as the Wikidata-style
    view, and describes the IRIs that only those graphs use."""

    model: Model
    info: SiteInfo
    catalog: dict[str, CannedQuery] = field(default_factory=dict)
    ontology_graphs: list[str] = field(default_factory=list)
    shapes_graphs: list[str] = field(default_factory=list)
    graph_files: dict[str, str] = field(default_factory=dict)
    documents: Mapping[str, list[ox.Triple]] = field(default_factory=dict)
    limits: dict[str, Any] | None = None
    everything: Model | None = None

    # ---- the dataset's IRIs: all under its base (the model's), none a module constant -----------------
    @cached_property
    def iris(self) -> Iris:
        """The IRI → document rule of this dataset (its base IRI is the model's)."""
        return Iris(self.model.base)

    @property
    def base(self) -> str:
        return self.model.base

    @property
    def ontology_iri(self) -> str:
        """The project's ontology (``<base>ontology``, its terms ``<base>ontology#…``; dprk-ld's for ours)."""
        return self.base + "ontology"

    @property
    def shapes_iri(self) -> str:
        return self.base + "shapes"

    @property
    def dataset_iri(self) -> str:
        return self.base + "dataset"

    def model_for(self, iri: str) -> Model:
        """The dataset's model if it knows ``iri``, else the model of every served graph."""
        if self.everything is None or self.model.exists(iri):
            return self.model
        return self.everything

    # ---- shared ---------------------------------------------------------------------------------
    def render(self, template: str, links: Links, title: str, alternates: Iterable[tuple[str, str]] = (),
               **ctx: Any) -> str:
        return render_template(template, site=self.info, links=links, title=title, alternates=list(alternates),
                               names=MEDIA_NAMES, base=self.base, **ctx)

    def alternates(self, iri: str, links: Links) -> list[tuple[str, str]]:
        return [("text/turtle", links.data(iri, "ttl")), ("application/ld+json", links.data(iri, "jsonld"))]

    def t(self, links: Links) -> Callable[[Any], Markup]:
        return lambda value: term(self.model, links, value)

    # ---- which page describes an IRI ------------------------------------------------------------
    def kind(self, iri: str) -> str | None:
        """The page kind describing ``iri`` (None: not described here)."""
        doc = iri.split("#", 1)[0]
        if doc == self.base:
            return "index"
        if doc == self.ontology_iri:
            return "ontology" if self.ontology_graphs else None
        if doc == self.shapes_iri:
            return "terms" if self.shapes_graphs else None
        if doc in self.documents:
            return "terms"
        if doc in self.graph_files or doc in self.model_for(doc).graph_names():
            return "graph"
        if "#" in iri:
            return None
        if iri.endswith("/") and iri.startswith(self.base):
            return "namespace" if iri in self.namespaces else None
        return "resource" if self.model_for(iri).exists(iri) else None

    @cached_property
    def minted(self) -> list[str]:
        """Every IRI under the base used in any graph served, sorted (one scan, then kept)."""
        every = self.everything or self.model
        return sorted(set(every.minted(self.base)) | set(every.graph_names()))

    @cached_property
    def namespaces(self) -> dict[str, list[str]]:
        """Each folder of the minted IRIs (``…/id/``, ``…/id/state/``, ``…/prop/direct/``) with its direct
        members (IRIs and sub-folders), so that a namespace IRI describes what is in it."""
        base = self.base
        folders: dict[str, set[str]] = {}
        for iri in self.minted:
            if not iri.startswith(base):  # a graph of another dataset's naming
                continue
            path = iri[len(base):].split("#", 1)[0]
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folder = base + "/".join(parts[:depth]) + "/"
                child = base + "/".join(parts[:depth + 1]) + ("/" if depth + 1 < len(parts) else "")
                folders.setdefault(folder, set()).add(child)
        for ns in display_prefixes().values():  # published namespaces, even when this release has none of it
            if ns.startswith(base) and ns.endswith("/"):
                folders.setdefault(ns, set())
        for folder in list(folders):  # every folder is in its parent's list
            parent = folder[: folder.rstrip("/").rfind("/") + 1]
            if len(parent) > len(base):
                folders.setdefault(parent, set()).add(folder)
        return {k: sorted(v) for k, v in folders.items()}

    def top_namespaces(self) -> list[str]:
        return [ns for ns in sorted(self.namespaces) if "/" not in ns[len(self.base):].rstrip("/")]

    def described(self) -> list[str]:
        """Every IRI with a page of its own (besides the fixed pages), sorted."""
        every = self.everything or self.model
        iris = set(every.pages()) | set(self.minted)  # an IRI of ours only ever used as an object too
        iris |= set(every.graph_names()) | set(self.documents) | set(self.namespaces)
        if self.shapes_graphs:
            iris.add(self.shapes_iri)
        return sorted(i for i in iris if "#" not in i and i not in (self.base, self.ontology_iri)
                      and self.iris.is_described(i))

    def data(self, iri: str) -> list[ox.Triple]:
        """The triples of the documents describing ``iri`` (Turtle, JSON-LD)."""
        kind = self.kind(iri)
        doc = iri.split("#", 1)[0]
        if kind == "index":
            return self.catalog_triples() + list(self.documents.get(self.dataset_iri, []))
        if kind == "namespace":
            ns, part = ox.NamedNode(doc), ox.NamedNode(DCT + "hasPart")
            label = ox.Triple(ns, ox.NamedNode(PREFIXES["rdfs"] + "label"),
                              ox.Literal(f"namespace {doc[len(self.base):]}"))
            return [label] + [ox.Triple(ns, part, ox.NamedNode(m)) for m in self.namespaces[doc]]
        if kind == "ontology":
            return self._graphs(self.ontology_graphs)
        if kind == "terms" and doc == self.shapes_iri:
            shapes, node = ox.NamedNode(self.shapes_iri), ox.NamedNode
            triples = self._graphs(self.shapes_graphs)
            about = [ox.Triple(shapes, node(PREFIXES["rdfs"] + "label"), ox.Literal("SHACL shapes", language="en"))]
            about += [ox.Triple(shapes, node(DCT + "hasPart"), t.subject) for t in triples
                      if t.predicate.value == RDF_TYPE and lexical(t.object) == PREFIXES["sh"] + "NodeShape"
                      and isinstance(t.subject, ox.NamedNode)]
            return about + triples
        if kind == "terms":
            return list(self.documents[doc])
        if kind == "graph":
            content = self.model_for(doc).triples_in(doc)
            g = ox.NamedNode(doc)
            about = [ox.Triple(g, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Graph")),
                     ox.Triple(g, ox.NamedNode(VOID + "triples"), ox.Literal(str(len(content)), datatype=INTEGER))]
            if doc in self.graph_files:
                about.append(ox.Triple(g, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(self.graph_files[doc])))
            return about + content
        return self.model_for(doc).description(doc, incoming=not doc.startswith(self.iris.id))

    def catalog_triples(self) -> list[ox.Triple]:
        """The base IRI as the catalogue of this dataset (DCAT), for ``…/index.ttl``."""
        base, node = ox.NamedNode(self.base), ox.NamedNode
        return [ox.Triple(base, node(RDF_TYPE), node(DCAT + "Catalog")),
                ox.Triple(base, node(DCT + "title"), ox.Literal(self.info.title, language="en")),
                ox.Triple(base, node(DCAT + "dataset"), node(self.dataset_iri))]

    def namespace_page(self, iri: str, links: Links) -> str:
        m = self.everything or self.model
        rows = [[link(m, links, x, x[len(self.base):]), escape(m.label(x) if not x.endswith("/") else "folder")]
                for x in self.namespaces[iri][:MAX_INCOMING]]
        more = len(self.namespaces[iri]) - len(rows)
        group = {"anchor": "members", "label": "In this namespace" + (f" (first {len(rows)}; {more} more)"
                                                                     if more > 0 else "")}
        return self.render("list.html", links, f"Namespace {iri[len(self.base):]}", self.alternates(iri, links),
                           groups=[(group, rows)])

    def jsonld(self, iri: str) -> bytes:
        return to_jsonld(self.data(iri))

    def _graphs(self, graphs: list[str]) -> list[ox.Triple]:
        triples = {t for g in graphs for t in self.model.triples_in(g)}
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    # ---- resources ------------------------------------------------------------------------------
    def resource(self, iri: str, links: Links) -> str:
        m = self.model_for(iri)

        def t(value: Any) -> Markup:
            return term(m, links, value)

        incoming = [(s, p) for s, p in m.inc(iri) if not s.startswith("_:")]
        ctx: dict[str, Any] = {
            "iri": iri, "types": [link(m, links, x) for x in m.types(iri)],
            "gloss": m.value(iri, D + "gloss"), "dates": m.dates(iri) if m.is_claim(iri) else [],
            "flagged": D + "FlaggedForReview" in m.iris(iri, D + "reviewStatus"),
            "review_note": m.value(iri, D + "reviewNote"),
            "props": [(prop_link(m, links, p), t(o)) for p, o in m.out(iri)],
            "incoming": [(link(m, links, s), prop_link(m, links, p)) for s, p in incoming[:MAX_INCOMING]],
            "incoming_more": max(0, len(incoming) - MAX_INCOMING),
            "citations": [self.citation(c, links) for c in self.model.citations_of(iri)],
            "related": [], "related_title": "", "related_head": [], "related_more": 0, "contents": None,
            "browse_href": None,
            "namespace": self._namespace_link(iri, links),
        }
        if D + "SourceArticle" in m.types(iri):
            ctx["related_title"], ctx["related_head"] = "Claims taken from this article", ["claim", "class", "quote"]
            citing = m.claims_citing(iri)
            ctx["related"] = [[link(m, links, c), link(m, links, m.claim_class(c)),
                               Markup('<span lang="id">{}</span>').format(m.value(cit, D + "quote", "id") or "")]
                              for c, cit in citing[:MAX_INCOMING]]
            ctx["related_more"] = max(0, len(citing) - MAX_INCOMING)
        elif not m.is_claim(iri):
            about = m.claims_about(iri)
            if about:
                ctx["related_title"], ctx["related_head"] = "Claims naming it", ["claim", "role", "class"]
                ctx["related"] = [[link(m, links, c), prop_link(m, links, p), link(m, links, m.claim_class(c))]
                                  for c, p in about[:MAX_INCOMING]]
                ctx["related_more"] = max(0, len(about) - MAX_INCOMING)
                if iri.startswith(self.iris.id):  # the claim browser, filtered to this party
                    ctx["browse_href"] = links.page("claims") + "?party=" + quote(iri[len(self.iris.id):], safe="")
        if self.kind(iri) == "graph":
            triples = m.triples_in(iri)
            subjects = sorted({s.value for s, _, _ in (tuple(x) for x in triples)
                               if isinstance(s, ox.NamedNode) and s.value.startswith(self.iris.id)})
            ctx["contents"] = {"triples": len(triples), "file": self.graph_files.get(iri),
                               "subjects": [link(m, links, s) for s in subjects]}
        title = m.label(iri) if self.kind(iri) != "graph" else f"Named graph {self.iris.local_path(iri) or iri}"
        return self.render("resource.html", links, title, self.alternates(iri, links), **ctx)

    def _namespace_link(self, iri: str, links: Links) -> Markup | None:
        folder = iri[: iri.rfind("/") + 1]
        if folder in self.namespaces and folder != iri:
            return link(None, links, folder, folder[len(self.base):])
        return None

    def citation(self, c: str, links: Links) -> dict[str, Any]:
        m, t = self.model, self.t(links)
        quote = [o for o in m.values(c, D + "quote") if isinstance(o, ox.Literal)]
        source = (m.iris(c, D + "source") or [""])[0]
        meta = [(name, t(o)) for prop, name in SOURCE_META for o in (m.values(source, prop) if source else [])]
        return {"anchor": c.rsplit("/", 1)[-1], "href": links.iri(c),
                "quote": quote[0].value if quote else "", "lang": (quote[0].language if quote else "") or "",
                "stance": Markup(", ").join(link(m, links, s) for s in m.iris(c, D + "stance")) or "stance not given",
                "attributed": Markup(", ").join(link(m, links, a) for a in m.iris(c, D + "attributedTo")),
                "start": m.value(c, D + "startOffset") or "?", "end": m.value(c, D + "endOffset") or "?",
                "source": link(m, links, source) if source else "not given", "meta": meta}

    # ---- site pages -----------------------------------------------------------------------------
    @cached_property
    def by_class(self) -> Counter[str]:
        """Claims per claim class (counted once: the data never changes while a site lives)."""
        return Counter(self.model.claim_class(c) for c in self.model.claims())

    @cached_property
    def counts(self) -> list[tuple[str, int, str | None]]:
        m = self.model
        return [("claims", len(m.claims()), "claims"), ("citations", len(m.of_type(D + "Citation")), None),
                ("source articles", len(m.of_type(D + "SourceArticle")), "sources"),
                ("states", len(m.of_type(D + "State")), "entities"),
                ("resources with a page", len(m.pages()), "entities")]

    def index(self, links: Links, downloads: Iterable[tuple[str, str, int]] = ()) -> str:
        m = self.model
        by_class = self.by_class
        counts: list[tuple[str, int, str | None]] = [("triples", self.triples, None)]
        counts += [(name, n, links.page(page) if page else None) for name, n, page in self.counts]
        return self.render("index.html", links, "Home", self.alternates(self.base, links), counts=counts,
                           downloads=list(downloads), catalog=self.public_queries(),
                           graphs=[link(m, links, g, self.iris.short(g)) for g in (self.everything or m).graph_names()],
                           namespaces=[link(m, links, ns, ns[len(self.base):]) for ns in self.top_namespaces()],
                           by_class=[(link(m, links, cls), n) for cls, n in sorted(
                               by_class.items(), key=lambda kv: (-kv[1], kv[0]))])

    @cached_property
    def triples(self) -> int:
        """Distinct triples in the union of the model's graphs (counted once)."""
        query = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { " + self._graph_filter()
                 + "GRAPH ?g { ?s ?p ?o } } }")
        return int(lexical(next(iter(solutions(self.model.store.query(query))))[0]))

    def _graph_filter(self) -> str:
        if self.model.graphs is None:
            return ""
        return "VALUES ?g { " + " ".join(f"<{g.value}>" for g in sorted(self.model.graphs, key=str)) + " } "

    def public_queries(self) -> list[CannedQuery]:
        return [q for _, q in sorted(self.catalog.items()) if not q.is_violation]

    def _groups(self, groups: dict[str, list[list[Markup]]]) -> list[tuple[dict[str, str], list[list[Markup]]]]:
        return [({"anchor": compact(cls).replace(":", "-"), "label": self.model.label(cls)}, rows)
                for cls, rows in sorted(groups.items(), key=lambda kv: (self.model.label(kv[0]), kv[0]))]

    @cached_property
    def search_index(self) -> dict[str, Any]:
        """The search and facet index of the claims and entities (:mod:`.search`), built once."""
        return search.search_index(self.model)

    @cached_property
    def search_files(self) -> dict[str, str]:
        """The index as the site's script files (``search-index.js``, ``search-text/N.js``), built once."""
        return search.index_files(self.search_index)

    def claims_page(self, links: Links) -> str:
        return browse.claims_page(self, links)

    def entities_page(self, links: Links) -> str:
        m = self.model
        groups: dict[str, list[list[Markup]]] = {}
        for s in m.pages():
            if m.is_claim(s) or D + "SourceArticle" in m.types(s):
                continue
            cls = (sorted(m.types(s)) or [PREFIXES["rdfs"] + "Resource"])[0]
            groups.setdefault(cls, []).append([link(m, links, s), escape(compact(s))])
        return self.render("list.html", links, "Entities", groups=self._groups(groups))

    def sources_page(self, links: Links) -> str:
        m = self.model
        rows = [[link(m, links, s), escape(m.value(s, DCT + "issued") or ""), escape(str(len(m.claims_citing(s))))]
                for s in m.of_type(D + "SourceArticle")]
        return self.render("list.html", links, "Source articles", groups=self._groups({D + "SourceArticle": rows}))

    def timeline_page(self, links: Links) -> str:
        m, events = self.model, []
        for c in m.claims():
            inferred = any(isinstance(o, ox.Literal) and o.value == "true" for o in m.values(c, D + "dateInferred"))
            for prop, value, precision in m.dates(c):
                events.append({"value": value, "precision": precision, "prop": prop, "inferred": inferred,
                               "claim": link(m, links, c), "cls": link(m, links, m.claim_class(c)), "key": c})
        events.sort(key=lambda e: (e["value"], e["key"], e["prop"]))
        return self.render("timeline.html", links, "Timeline", events=events, **browse.timeline_filters(self))

    def relations_svg(self, links: Links) -> str:
        return browse.relations_svg(self, links)

    def relations_page(self, links: Links) -> str:
        return browse.relations_page(self, links)

    # ---- the endpoint's page (live; the static site links to the published endpoint) -------------
    def sparql_page(self, links: Links, example: str) -> str:
        return self.render("sparql.html", links, "SPARQL query", example=example, limits=self.limits,
                           prologue=sparql_prologue())


def doc_iri(iri: str) -> str:
    """The IRI of the document part (before ``#``)."""
    return iri.split("#", 1)[0] if fragment(iri) else iri
