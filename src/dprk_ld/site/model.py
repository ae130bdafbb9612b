"""The page model: what every page shows, read from one pyoxigraph store (static build and live server).

Implements the read side of the site over the union of chosen named graphs of a store: labels,
types, outgoing and incoming statements, claims and their citations, dates, the states a claim
links. The static build hands it a store of the release's quads; the live server hands it the
loaded dataset's store. Lookups go through ``quads_for_pattern`` (indexed), and are cached: the
store never changes while a model lives. All lists are sorted, so pages are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox

from ..formats import written
from ..jsonld import context
from ..namespaces import ONTOLOGY_NS, PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
D = ONTOLOGY_NS
LABELS = (RDFS + "label", SKOS + "prefLabel", DCT + "title")
DATE_PROPS = (D + "date", D + "startDate", D + "endDate")
PRECISION = {"date": "day", "gYearMonth": "month", "gYear": "year", "dateTime": "time"}
#: roles that give a claim a direction in the relations picture (from -> to)
FROM_ROLES = (D + "supplier", D + "imposer", D + "visitor", D + "speaker")
TO_ROLES = (D + "recipient", D + "target", D + "host", D + "addressee")
CACHE = 65_536
#: further vocabularies the pages show as prefixed names (dataset and service descriptions)
VOCABULARIES = {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                "spdx": "http://spdx.org/rdf/terms#", "foaf": "http://xmlns.com/foaf/0.1/",
                "sd": "http://www.w3.org/ns/sparql-service-description#"}


def compact(iri: str) -> str:
    """A prefixed name for ``iri`` with the published prefixes, else the IRI."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=1)
def display_prefixes() -> dict[str, str]:
    """The published prefixes, plus the namespaces the JSON-LD context names (the Wikidata-style view's)."""
    extra = {k: v for k, v in context()["@context"].items()
             if isinstance(v, str) and v.endswith(("/", "#")) and k not in PREFIXES}
    return {**PREFIXES, **extra, **VOCABULARIES}


_BY_LENGTH = sorted(display_prefixes().items(), key=lambda kv: (-len(kv[1]), kv[0]))


def key_of(term: ox.NamedNode | ox.BlankNode) -> str:
    """A subject as a string key: the IRI, or ``_:id`` for a blank node."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def node_of(key: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)


def _sort_key(term: Term) -> str:
    return str(term)


class Model:
    """Indexed reads over the union of ``graphs`` (all named graphs when None) of ``store``; ``base`` is the
    dataset's base IRI: its resources (the pages, the claims) are those under ``<base>id/``."""

    def __init__(self, store: ox.Store, graphs: Iterable[str] | None = None, *, base: str) -> None:
        self.store = store
        self.base, self.id = base, base + "id/"
        self.graphs = None if graphs is None else frozenset(ox.NamedNode(g) for g in graphs)
        self.out = lru_cache(maxsize=CACHE)(self._out)
        self.inc = lru_cache(maxsize=CACHE)(self._inc)
        self.claim_classes = self._subclasses(D + "Claim")

    # ---- the two primitive reads ----------------------------------------------------------------
    def _keep(self, quad: ox.Quad) -> bool:
        return self.graphs is None or quad.graph_name in self.graphs

    def quads(self, s: ox.NamedNode | ox.BlankNode | None = None, p: ox.NamedNode | None = None,
              o: Term | None = None) -> list[ox.Quad]:
        return [q for q in self.store.quads_for_pattern(s, p, o) if self._keep(q)]

    def _out(self, s: str) -> tuple[tuple[str, Term], ...]:
        """(predicate IRI, object) pairs of a subject, distinct and sorted."""
        try:
            node = node_of(s)
        except ValueError:
            return ()
        pairs = {(q.predicate.value, q.object) for q in self.quads(node)}
        return tuple(sorted(pairs, key=lambda po: (po[0], _sort_key(po[1]))))

    def _inc(self, o: str) -> tuple[tuple[str, str], ...]:
        """(subject key, predicate IRI) pairs pointing at an IRI, distinct and sorted."""
        try:
            node = ox.NamedNode(o)
        except ValueError:
            return ()
        return tuple(sorted({(key_of(q.subject), q.predicate.value) for q in self.quads(None, None, node)
                             if isinstance(q.subject, ox.NamedNode | ox.BlankNode)}))

    # ---- reads built on them --------------------------------------------------------------------
    def exists(self, iri: str) -> bool:
        """True when ``iri`` is used in the model's graphs, in any position."""
        if self.out(iri) or self.inc(iri):
            return True
        try:
            return any(self._keep(q) for q in self.store.quads_for_pattern(None, ox.NamedNode(iri), None))
        except ValueError:
            return False

    def _subclasses(self, root: str) -> set[str]:
        found, todo = {root}, [root]
        while todo:
            cls = todo.pop()
            for s, p in self.inc(cls):
                if p == RDFS + "subClassOf" and s not in found:
                    found.add(s)
                    todo.append(s)
        return found

    def values(self, s: str, p: str) -> list[Term]:
        return [o for pp, o in self.out(s) if pp == p]

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.values(s, p) if isinstance(o, ox.NamedNode)]

    def value(self, s: str, p: str, lang: str | None = "en") -> str | None:
        literals = [o for o in self.values(s, p) if isinstance(o, ox.Literal)]
        preferred = [o for o in literals if o.language == lang] or literals
        return preferred[0].value if preferred else None

    def types(self, s: str) -> list[str]:
        return self.iris(s, RDF_TYPE)

    def label(self, iri: str, lang: str = "en") -> str:
        for p in LABELS:
            v = self.value(iri, p, lang)
            if v:
                return v
        c = compact(iri)
        if c != iri and ":" in c:
            return c.split(":", 1)[1]
        return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri

    def is_claim(self, s: str) -> bool:
        return any(t in self.claim_classes for t in self.types(s))

    def of_type(self, cls: str) -> list[str]:
        return sorted(s for s, p in self.inc(cls) if p == RDF_TYPE)

    def subjects(self, prefix: str) -> list[str]:
        """Every IRI subject starting with ``prefix``, sorted."""
        return sorted({q.subject.value for q in self.quads() if isinstance(q.subject, ox.NamedNode)
                       and q.subject.value.startswith(prefix)})

    def subjects_in(self, graphs: Iterable[str], prefix: str) -> list[str]:
        """IRI subjects starting with ``prefix`` in the given named graphs only (no scan of the rest)."""
        found = set()
        for graph in graphs:
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefix):
                    found.add(q.subject.value)
        return sorted(found)

    def minted(self, prefix: str) -> list[str]:
        """Every IRI starting with ``prefix`` in any position (subject, predicate, object), sorted."""
        found = set()
        for q in self.quads():
            for t in (q.subject, q.predicate, q.object):
                if isinstance(t, ox.NamedNode) and t.value.startswith(prefix):
                    found.add(t.value)
        return sorted(found)

    def pages(self) -> list[str]:
        """Resources under ``…/id/`` that are subjects (each has a page)."""
        return [s for s in self.subjects(self.id) if len(s) > len(self.id)]

    def claims(self) -> list[str]:
        return sorted({s for cls in self.claim_classes for s in self.of_type(cls) if s.startswith(self.id)})

    def claim_class(self, s: str) -> str:
        for t in sorted(self.types(s)):
            if t in self.claim_classes and t != D + "Claim":
                return t
        return D + "Claim"

    def citations_of(self, claim: str) -> list[str]:
        return sorted(self.iris(claim, D + "citation"))

    def claims_citing(self, source: str) -> list[tuple[str, str]]:
        """(claim, citation) pairs whose citation quotes the source article."""
        pairs = []
        for citation, p in self.inc(source):
            if p == D + "source":
                pairs += [(c, citation) for c, pp in self.inc(citation) if pp == D + "citation"]
        return sorted(pairs)

    def claims_about(self, entity: str) -> list[tuple[str, str]]:
        """(claim, role property) pairs that name the entity."""
        return sorted((s, p) for s, p in self.inc(entity) if self.is_claim(s))

    def owned(self, s: str) -> list[str]:
        """Nodes described with a resource in its own document: citations, quantities, blank nodes."""
        result = []
        for _, o in self.out(s):
            key = o.value if isinstance(o, ox.NamedNode) else str(o)
            if isinstance(o, ox.BlankNode) or key.startswith((self.id + "citation/", self.id + "quantity/")):
                if key != s and self.out(key):
                    result.append(key)
        return sorted(set(result))

    def description(self, s: str, incoming: bool = False) -> list[ox.Triple]:
        """A resource's triples plus those of the nodes it owns (blank-node closure included);
        with ``incoming``, also the triples pointing at it."""
        todo, done, triples = [s], set(), set()
        while todo:
            key = todo.pop()
            if key in done:
                continue
            done.add(key)
            subject = node_of(key)
            for p, o in self.out(key):
                triples.add(ox.Triple(subject, ox.NamedNode(p), o))
                if isinstance(o, ox.BlankNode):
                    todo.append(str(o))
            todo += self.owned(key) if key == s else []
        if incoming and not s.startswith("_:"):
            triples |= {ox.Triple(node_of(subj), ox.NamedNode(p), ox.NamedNode(s)) for subj, p in self.inc(s)}
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def dates(self, s: str) -> list[tuple[str, str, str]]:
        """(property local name, lexical value, precision) of a claim's dates."""
        result = []
        for p in DATE_PROPS:
            for o in self.values(s, p):
                if isinstance(o, ox.Literal):
                    dtype = o.datatype.value.rsplit("#", 1)[-1]
                    result.append((p[len(D):], o.value, PRECISION.get(dtype, dtype)))
        return result

    def state_roles(self, claim: str) -> tuple[list[str], list[str], list[str]]:
        """States a claim names: (from roles, to roles, other roles)."""
        states = set(self.of_type(D + "State"))
        frm: set[str] = set()
        to: set[str] = set()
        other: set[str] = set()
        for p, o in self.out(claim):
            if isinstance(o, ox.NamedNode) and o.value in states:
                (frm if p in FROM_ROLES else to if p in TO_ROLES else other).add(o.value)
        return sorted(frm), sorted(to), sorted(other - frm - to)

    def triples_in(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph, sorted."""
        quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                      key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def graph_names(self) -> list[str]:
        names = (g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(g for g in names if self.graphs is None or ox.NamedNode(g) in self.graphs)


def used_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The display prefixes some IRI of ``triples`` (datatypes included) starts with."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in display_prefixes().items() if any(i.startswith(ns) and i != ns for i in iris)}


def serialize(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Triples in an RDF syntax of pyoxigraph, with the prefixes they use (Turtle, RDF/XML)."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return written(ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples)))
    return written(ox.serialize(triples, format=fmt))
