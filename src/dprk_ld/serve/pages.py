"""HTML pages and linked-data descriptions for the web service.

Implements the resource-description side of W3C "Cool URIs for the Semantic Web" (2008): each
``https://w3id.org/dprk-ld/id/...`` IRI has an HTML page and RDF descriptions (its outgoing and
incoming triples); the ontology has a documentation page whose anchors match its hash IRIs. Also
the SPARQL 1.1 Service Description (W3C Recommendation) of the endpoint, the index page, the
canned-query forms (after Datasette) and an HTML table rendering of query results that needs no
JavaScript. Templates live in ``templates/`` (Jinja2, autoescaped, inline CSS, no CDN).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..formats import of_kind
from ..load import Dataset
from ..namespaces import ID, ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES
from ..query import Results
from ..query.catalog import CannedQuery
from ..query.render import display, shorten

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
LABEL, TYPE = ox.NamedNode(RDFS + "label"), ox.NamedNode(RDF + "type")
MAX_LINKS = 500

_env = Environment(loader=PackageLoader("dprk_ld.serve", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def local_href(iri: str) -> str:
    """Where an IRI resolves on this server (resources and ontology terms), else the IRI itself."""
    if iri.startswith(ID):
        return "/id/" + iri[len(ID):]
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    return iri


def term_html(term: Any, labels: dict[str, str] | None = None) -> Markup:
    """A term as HTML: IRIs as links (local where they resolve here, labelled when known), literals with tags."""
    if term is None:
        return Markup("")
    if isinstance(term, ox.NamedNode):
        text = (labels or {}).get(term.value) or display(term, None)
        return Markup('<a href="{}" title="{}">{}</a>').format(local_href(term.value), term.value, text)
    if isinstance(term, ox.Literal):
        tag = ""
        if term.language:
            tag = f"@{term.language}"
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            tag = shorten(term.datatype.value)
        return Markup('{}<span class="tag">{}</span>').format(term.value, f" {tag}" if tag else "")
    return escape(display(term, None))


_env.filters["term"] = term_html
_env.filters["short"] = lambda iri: shorten(getattr(iri, "value", iri))
_env.globals["href"] = local_href


def render_template(name: str, **context: Any) -> str:
    return _env.get_template(name).render(**context)


def results_page(results: Results, query: str | None = None, truncated: bool = False,
                 limit: int | None = None, title: str = "Query results") -> str:
    """Results as an HTML table (SELECT), a sentence (ASK) or a subject/predicate/object table (graphs)."""
    if results.kind == "graph":
        header = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in results.triples or []]
    elif results.kind == "select":
        header = list(results.variables)
        rows = [[row.get(v) for v in header] for row in results.rows]
    else:
        header, rows = [], []
    return render_template("results.html", title=title, results=results, header=header, rows=rows,
                           query=query, truncated=truncated, limit=limit)


def error_page(status: int, message: str, location: str | None, hint: str | None) -> str:
    return render_template("error.html", title=f"Error {status}", status=status, message=message,
                           location=location, hint=hint)


def _first(values: list[ox.Literal], langs: tuple[str, ...] = ("en", "", "id")) -> str | None:
    for lang in langs:
        for v in values:
            if (v.language or "") == lang:
                return v.value
    return values[0].value if values else None


class Site:
    """Everything the pages need from one dataset, computed once (counts) or per page (descriptions)."""

    def __init__(self, dataset: Dataset, catalog: dict[str, CannedQuery], limits: dict[str, Any],
                 graphs: list[str] | None = None, query_options: dict[str, Any] | None = None) -> None:
        """``graphs``: every named graph served (default: the project's files); ``query_options``: the
        dataset the pages' own queries see (default: the union of all graphs)."""
        self.dataset = dataset
        self.store = dataset.store
        self.catalog = catalog
        self.limits = limits
        self.graphs = graphs if graphs is not None else sorted(dataset.files)
        self.query_options = query_options or {"use_default_graph_as_union": True}
        self.stats = self._stats()

    # ------------------------------------------------------------ helpers
    def _select(self, text: str) -> list[dict[str, Any]]:
        result = self.store.query(text, prefixes=PREFIXES, **self.query_options)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    def label(self, iri: str) -> str | None:
        labels = [q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), LABEL, None)
                  if isinstance(q.object, ox.Literal)]
        return _first(labels)

    def labels_for(self, terms: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for term in terms:
            if isinstance(term, ox.NamedNode) and term.value not in out:
                label = self.label(term.value)
                if label:
                    out[term.value] = label
        return out

    def exists(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return (next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None
                or next(iter(self.store.quads_for_pattern(None, None, node)), None) is not None)

    def _stats(self) -> dict[str, Any]:
        ontology = self._select("SELECT ?title ?description WHERE { ?o a owl:Ontology . "
                                "OPTIONAL { ?o dcterms:title ?title } "
                                "OPTIONAL { ?o dcterms:description ?description } }")
        classes = self._select("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class . "
                               "FILTER(STRSTARTS(STR(?class), STR(dprk:))) } GROUP BY ?class ORDER BY DESC(?n)")
        claims = self._select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* dprk:Claim }")
        by_kind: dict[str, int] = defaultdict(int)
        for file in self.dataset.files.values():
            by_kind[file.kind] += 1
        return {
            "title": ontology[0]["title"].value if ontology and ontology[0]["title"] else self.dataset.project.name,
            "description": (ontology[0]["description"].value
                            if ontology and ontology[0]["description"] else ""),
            "triples": self.dataset.triples,
            "graphs": len(self.dataset.files),
            "extra_graphs": [g for g in self.graphs if g not in self.dataset.files],
            "files": dict(by_kind),
            "claims": int(claims[0]["n"].value) if claims else 0,
            "classes": [(row["class"], int(row["n"].value)) for row in classes],
        }

    # ------------------------------------------------------------ linked data
    def resource_triples(self, iri: str) -> list[ox.Triple]:
        """Outgoing and incoming triples of a resource, across all graphs, each once."""
        node = ox.NamedNode(iri)
        seen: dict[ox.Triple, None] = {}
        for q in self.store.quads_for_pattern(node, None, None):
            seen.setdefault(ox.Triple(q.subject, q.predicate, q.object))
        for q in self.store.quads_for_pattern(None, None, node):
            seen.setdefault(ox.Triple(q.subject, q.predicate, q.object))
        return list(seen)

    def citations(self, claim: str) -> list[dict[str, Any]]:
        rows = self._select(f"""SELECT ?c ?quote ?stance ?by ?source ?title ?issued ?start ?end WHERE {{
            <{claim}> dprk:citation ?c .
            OPTIONAL {{ ?c dprk:quote ?quote }} OPTIONAL {{ ?c dprk:stance ?stance }}
            OPTIONAL {{ ?c dprk:attributedTo ?by }} OPTIONAL {{ ?c dprk:startOffset ?start }}
            OPTIONAL {{ ?c dprk:endOffset ?end }}
            OPTIONAL {{ ?c dprk:source ?source .
                       OPTIONAL {{ ?source dcterms:title ?title }} OPTIONAL {{ ?source dcterms:issued ?issued }} }}
        }} ORDER BY ?c""")
        return rows

    def resource_page(self, iri: str) -> str:
        node = ox.NamedNode(iri)
        out = [(q.predicate, q.object) for q in self.store.quads_for_pattern(node, None, None)]
        out = sorted(set(out), key=lambda po: (po[0].value, str(po[1])))
        labels_lit = [o for p, o in out if p == LABEL and isinstance(o, ox.Literal)]
        types = sorted({o.value for p, o in out if p == TYPE})
        props = [(p, o) for p, o in out if p not in (LABEL, TYPE)]
        incoming = sorted({(q.subject, q.predicate) for q in self.store.quads_for_pattern(None, None, node)},
                          key=lambda sp: (sp[1].value, sp[0].value))
        claims = [(s, p) for s, p in incoming
                  if next(iter(self.store.quads_for_pattern(s, ox.NamedNode(ONTOLOGY_NS + "citation"), None)),
                          None) is not None]
        claim_ids = {s for s, _ in claims}
        others = [(s, p) for s, p in incoming if s not in claim_ids][:MAX_LINKS]
        involved = [{"claim": s, "role": p, "citations": self.citations(s.value)} for s, p in claims[:MAX_LINKS]]
        terms = [o for _, o in props] + [ox.NamedNode(t) for t in types] + [s for s, _ in incoming]
        terms += [p for p, _ in props] + [p for _, p in incoming]
        terms += [c[k] for i in involved for c in i["citations"] for k in ("source", "by", "stance") if c.get(k)]
        own = self.citations(iri)
        terms += [c[k] for c in own for k in ("source", "by", "stance") if c.get(k)]
        location = self.dataset.locate(iri)
        return render_template(
            "resource.html", title=_first(labels_lit) or shorten(iri), iri=iri, labels=labels_lit,
            types=types, props=props, citations=own, involved=involved, others=others,
            names=self.labels_for(terms), location=str(location) if location else None)

    def ontology_triples(self) -> list[ox.Triple]:
        seen: dict[ox.Triple, None] = {}
        for graph in self.dataset.graphs_of("ontology"):
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                seen.setdefault(ox.Triple(q.subject, q.predicate, q.object))
        return list(seen)

    def ontology_page(self) -> str:
        graphs = " ".join(f"<{g}>" for g in self.dataset.graphs_of("ontology"))
        rows = self._select(f"""SELECT ?term ?kind ?label ?definition ?parent ?domain ?range WHERE {{
            VALUES ?g {{ {graphs} }}
            GRAPH ?g {{ ?term a ?kind .
              FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                               skos:ConceptScheme, skos:Concept))
              FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(dprk:)))
              OPTIONAL {{ ?term rdfs:label ?label FILTER(lang(?label) = "en") }}
              OPTIONAL {{ ?term skos:definition ?definition FILTER(lang(?definition) IN ("en", "")) }}
              OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf|skos:inScheme ?parent FILTER(isIRI(?parent)) }}
              OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
              OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }} }}
        }} ORDER BY ?kind ?term""") if graphs else []
        sections: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for row in rows:
            kind = shorten(row["kind"].value)
            entry = sections[kind].setdefault(row["term"].value, {
                "term": row["term"], "anchor": row["term"].value[len(ONTOLOGY_NS):],
                "label": row["label"].value if row["label"] else "",
                "definition": row["definition"].value if row["definition"] else "",
                "parents": set(), "domains": set(), "ranges": set()})
            for key, col in (("parents", "parent"), ("domains", "domain"), ("ranges", "range")):
                if row[col] is not None:
                    entry[key].add(row[col])
        order = ["owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty",
                 "skos:ConceptScheme", "skos:Concept"]
        meta = self._select("SELECT ?p ?o WHERE { ?o2 a owl:Ontology ; ?p ?o . FILTER(isLiteral(?o)) }")
        return render_template("ontology.html", title="Ontology", iri=ONTOLOGY_IRI, meta=meta,
                               sections=[(k, list(sections[k].values())) for k in order if k in sections])

    # ------------------------------------------------------------ service
    def service_description(self, endpoint: str) -> list[ox.Triple]:
        """SPARQL 1.1 Service Description of the endpoint, with the dataset's graphs."""
        svc, node = ox.BlankNode("service"), ox.NamedNode

        def t(s: Any, p: str, o: Any) -> ox.Triple:
            return ox.Triple(s, node(p), o)

        dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
        out = [t(svc, RDF + "type", node(SD + "Service")), t(svc, SD + "endpoint", node(endpoint)),
               t(svc, SD + "supportedLanguage", node(SD + "SPARQL11Query")),
               t(svc, SD + "feature", node(SD + "UnionDefaultGraph")),
               t(svc, SD + "defaultDataset", dataset), t(dataset, RDF + "type", node(SD + "Dataset")),
               t(dataset, SD + "defaultGraph", default), t(default, RDF + "type", node(SD + "Graph")),
               t(default, VOID + "triples", ox.Literal(str(len(self.store)),
                                                      datatype=node("http://www.w3.org/2001/XMLSchema#integer"))),
               t(svc, RDFS + "label", ox.Literal(f"{self.stats['title']} SPARQL endpoint (read-only)", language="en"))]
        for fmt in of_kind("results") + of_kind("rdf"):
            if fmt.oxigraph is not None:
                out.append(t(svc, SD + "resultFormat", node(fmt.oxigraph.iri)))
        for i, graph in enumerate(self.graphs):
            named = ox.BlankNode(f"g{i}")
            out += [t(dataset, SD + "namedGraph", named), t(named, RDF + "type", node(SD + "NamedGraph")),
                    t(named, SD + "name", node(graph))]
        return out

    # ------------------------------------------------------------ pages
    def index_page(self) -> str:
        return render_template("index.html", title=self.stats["title"], stats=self.stats,
                               catalog=list(self.catalog.values()), limits=self.limits,
                               example=EXAMPLE_QUERY, names=self.labels_for(c for c, _ in self.stats["classes"]))

    def query_form_page(self) -> str:
        return render_template("sparql.html", title="SPARQL query", example=EXAMPLE_QUERY, limits=self.limits)

    def queries_page(self) -> str:
        return render_template("queries.html", title="Canned queries", catalog=list(self.catalog.values()))

    @staticmethod
    def ready_to_run(query: CannedQuery, params: dict[str, str], submitted: bool) -> bool:
        """Run at once when submitted, or when no parameter is required (like Datasette)."""
        return submitted or not any(p.required for p in query.params)

    def canned_page(self, query: CannedQuery, params: dict[str, str], table: str | None = None,
                    error: Exception | None = None) -> str:
        """The form of a canned query, with its answer (``table``: a rendered :func:`results_page`) or error."""
        fields = [{"param": p, "value": params.get(p.name, "" if p.default in (None, "*") else p.default),
                   "input": INPUT_TYPES.get(p.type, "text")} for p in query.params]
        return render_template("canned.html", title=query.title, query=query, fields=fields,
                               table=Markup(body_of(table)) if table else None, error=error)


INPUT_TYPES = {"integer": "number", "decimal": "text", "date": "date", "boolean": "text", "gYear": "number"}
EXAMPLE_QUERY = """SELECT ?claim ?label WHERE {
  ?claim dprk:citation ?citation ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
} LIMIT 20"""


def body_of(page: str) -> str:
    """The content of a rendered results page, for embedding in another page."""
    start, end = page.find("<main>"), page.rfind("</main>")
    return page[start + len("<main>"):end] if start >= 0 and end > start else page
