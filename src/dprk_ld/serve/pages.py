"""The live server's pages: the site of :mod:`dprk_ld.site` with server links, plus the endpoint's own.

Implements the live half of issue 15's one-site rule: every page a release has is rendered here from
the same :class:`~dprk_ld.site.Site` and templates, only with :class:`~dprk_ld.site.Links` (server
paths) instead of relative files. Added here: the SPARQL 1.1 Service Description (W3C
Recommendation) stating exactly the formats :mod:`.negotiation` produces and the prefixes a query may
leave undeclared (as SHACL ``sh:declare`` does), the query form, and pages for ad-hoc results and
errors that need no model (they are rendered where a query runs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import BuildError
from ..load import Dataset
from ..metadata import read_metadata
from ..namespaces import BASE, PREFIXES
from ..publish import describe
from ..query import Results
from ..query.catalog import CannedQuery
from ..query.results import solutions
from ..site import Iris, Links, Model, Site, SiteInfo
from ..site import queries as query_pages
from .negotiation import ASK_FORMATS, GRAPH_FORMATS, SELECT_FORMATS

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SH = PREFIXES["sh"]
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
#: W3C format IRIs (www.w3.org/ns/formats/) of the formats the endpoint negotiates
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD",
               "rdfxml": "RDF_XML"}
#: links of the pages rendered where no site is (ad-hoc results in a worker, errors): the site's own pages
#: are rendered with :attr:`LivePages.links`, under the served dataset's base
LINKS = Links(Iris(BASE))
EXAMPLE_QUERY = """PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?claim ?label WHERE {
  ?claim dprk:citation ?citation ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
} ORDER BY ?claim LIMIT 20"""

#: what the pages say about the release; set by :func:`live_site` (pages rendered without a site use it)
INFO = SiteInfo("dprk-ld", "", "", "")


def results_page(results: Results, query: str | None = None, truncated: bool = False, limit: int | None = None,
                 title: str = "Query results", base: str | None = None) -> str:
    """Ad-hoc results as a page (rendered where the query ran, so without the site's model); ``base``: the
    served dataset's base IRI, whose IRIs link to this server's pages."""
    links = LINKS if base is None or base == LINKS.iris.base else Links(Iris(base))
    return query_pages.results_page(INFO, links, results, query, truncated, limit, title)


def error_page(status: int, message: str, location: str | None, hint: str | None) -> str:
    return query_pages.error_page(INFO, LINKS, status, message, location, hint)


class LazyDocuments(Mapping[str, list[ox.Triple]]):
    """The dataset description (VoID, DCAT) of ``…/dataset``, computed on first use (it counts the store)."""

    def __init__(self, store: ox.Store, info: describe.ReleaseInfo) -> None:
        self.store, self.info = store, info
        self.value: list[ox.Triple] | None = None

    def __getitem__(self, key: str) -> list[ox.Triple]:
        if key != self.info.dataset_iri:
            raise KeyError(key)
        if self.value is None:
            self.value = describe.describe(self.store, self.info, [], Path("."))
        return self.value

    def __contains__(self, key: object) -> bool:
        return key == self.info.dataset_iri

    def __iter__(self) -> Iterator[str]:
        return iter([self.info.dataset_iri])

    def __len__(self) -> int:
        return 1


def _release_info(dataset: Dataset) -> describe.ReleaseInfo:
    try:
        return describe.release_info(dataset.store, read_metadata(dataset.project), dataset.base)
    except BuildError:  # no date anywhere: the live server still serves
        return describe.ReleaseInfo(dataset.project.name, "", "", "", "", None, dataset.base)


class LivePages:
    """The pages one running service shows."""

    def __init__(self, dataset: Dataset, catalog: dict[str, CannedQuery], limits: dict[str, Any],
                 graphs: list[str], model: type[Model] = Model) -> None:
        """``model``: the page model's class (``serve --store`` reads through its own, serve/store.py)."""
        global INFO
        self.dataset, self.limits, self.graphs = dataset, limits, graphs
        self.triples: Any = None
        store = dataset.store
        info = _release_info(dataset)
        INFO = SiteInfo(info.title, info.description, info.version, info.issued, info.license)
        own = sorted(dataset.files)
        self.links = Links(Iris(dataset.base))
        self.site = Site(model(store, own, base=dataset.base), INFO, catalog,
                         ontology_graphs=dataset.graphs_of("ontology"),
                         shapes_graphs=dataset.graphs_of("shapes"),
                         graph_files={iri: f.relpath for iri, f in dataset.files.items()},
                         documents=LazyDocuments(store, info),
                         limits=limits, everything=model(store, base=dataset.base) if set(graphs) - set(own) else None)

    def query_form_page(self) -> str:
        return self.site.sparql_page(self.links, EXAMPLE_QUERY)

    def queries_page(self) -> str:
        return query_pages.queries_page(self.site, self.links)

    @staticmethod
    def ready_to_run(query: CannedQuery, params: dict[str, str], submitted: bool) -> bool:
        return query_pages.ready_to_run(query, params, submitted)

    def canned_page(self, query: CannedQuery, params: dict[str, str], results: Results | None = None,
                    truncated: bool = False, error: Exception | None = None) -> str:
        links = self.links
        files = ([("SPARQL JSON", links.query(query.name, "json")), ("CSV", links.query(query.name, "csv"))]
                 if query.kind == "select" else [("JSON-LD", links.query(query.name, "json"))])
        return query_pages.query_page(self.site, links, query, params, results, truncated, error, files)

    def service_description(self, endpoint: str) -> list[ox.Triple]:
        """SPARQL 1.1 Service Description: what the endpoint answers in, its dataset, its declared prefixes."""
        node, svc = ox.NamedNode, ox.BlankNode("service")

        def t(s: Any, p: str, o: Any) -> ox.Triple:
            return ox.Triple(s, node(p), o)

        dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
        if self.triples is None:  # distinct triples of the union default graph, counted once
            self.triples = next(iter(solutions(self.dataset.store.query(
                "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"))))[0]
            assert isinstance(self.triples, ox.Literal)
        triples = self.triples
        out = [t(svc, RDF + "type", node(SD + "Service")), t(svc, SD + "endpoint", node(endpoint)),
               t(svc, SD + "supportedLanguage", node(SD + "SPARQL11Query")),
               t(svc, SD + "feature", node(SD + "UnionDefaultGraph")),
               t(svc, SD + "defaultDataset", dataset), t(dataset, RDF + "type", node(SD + "Dataset")),
               t(dataset, SD + "defaultGraph", default), t(default, RDF + "type", node(SD + "Graph")),
               t(default, VOID + "triples", ox.Literal(triples.value, datatype=node(XSD + "integer"))),
               t(svc, RDFS + "label", ox.Literal(f"{INFO.title} SPARQL endpoint (read-only)", language="en"))]
        for name in sorted({f.name for f in SELECT_FORMATS + ASK_FORMATS + GRAPH_FORMATS} & set(FORMAT_IRIS)):
            out.append(t(svc, SD + "resultFormat", node(FORMATS_NS + FORMAT_IRIS[name])))
        for i, graph in enumerate(self.graphs):
            named = ox.BlankNode(f"g{i}")
            out += [t(dataset, SD + "namedGraph", named), t(named, RDF + "type", node(SD + "NamedGraph")),
                    t(named, SD + "name", node(graph))]
        for prefix, namespace in PREFIXES.items():
            decl = ox.BlankNode(f"prefix_{prefix}")
            out += [t(svc, SH + "declare", decl), t(decl, SH + "prefix", ox.Literal(prefix)),
                    t(decl, SH + "namespace", ox.Literal(namespace, datatype=node(XSD + "anyURI")))]
        return out
