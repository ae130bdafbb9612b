"""OWL 2 consistency rules as SPARQL over the whole store, and a stratified sample for HermiT.

Implements a sound subset of the OWL 2 RL/RDF inconsistency rules (OWL 2 Profiles,
section 4.3) for the axiom kinds our ontology uses: ``cax-dw`` and ``cax-adc``
(an individual in two disjoint classes, its classes taken from rdf:type,
rdfs:subClassOf, owl:equivalentClass and named rdfs:domain / rdfs:range classes
of a property or its super-properties: ``prp-dom``, ``prp-rng``, ``prp-spo1``),
``prp-fp`` for functional *data* properties (two different values are a clash,
since literals denote distinct values), and ``dt-not-type`` for literals outside a
property's data range. Functional *object* properties are left out: without the
unique name assumption two values only make their IRIs owl:sameAs.

Each rule is one SPARQL query on pyoxigraph, so it costs seconds at a million
triples where HermiT costs minutes; :func:`sample` gives HermiT a deterministic,
stratified share of the individuals for everything else. See docs/scale.md.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.collection import Collection

from ..load import Dataset
from ..query.results import lexical, solutions
from .common import finding_at, short
from .report import Finding

#: what pyoxigraph's ``default_graph`` takes a list of
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

#: Individuals per asserted class that HermiT sees above the threshold.
SAMPLE_PER_CLASS = 50

_INTEGERS = ("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
             "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")
#: data range -> (literal datatypes it admits, extra SPARQL condition that makes a value fall outside it)
DATA_RANGES: dict[str, tuple[tuple[str, ...], str]] = {
    str(XSD.string): ((str(XSD.string),), ""),
    str(XSD.boolean): ((str(XSD.boolean),), ""),
    str(XSD.anyURI): ((str(XSD.anyURI),), ""),
    str(XSD.decimal): (tuple(str(XSD[n]) for n in ("decimal", *_INTEGERS)), ""),
    str(XSD.integer): (tuple(str(XSD[n]) for n in _INTEGERS), ""),
    str(XSD.nonNegativeInteger): (tuple(str(XSD[n]) for n in _INTEGERS), "?o < 0"),
}
#: constructs that change consistency and that only HermiT (on the sample) checks
UNCOVERED = {
    OWL.cardinality: "cardinalities", OWL.maxCardinality: "cardinalities",
    OWL.qualifiedCardinality: "cardinalities", OWL.maxQualifiedCardinality: "cardinalities",
    OWL.hasKey: "keys", OWL.propertyChainAxiom: "property chains", OWL.complementOf: "complements",
    OWL.allValuesFrom: "universal restrictions", OWL.hasSelf: "self restrictions", OWL.oneOf: "enumerations",
    OWL.propertyDisjointWith: "disjoint properties", OWL.sameAs: "owl:sameAs",
    OWL.differentFrom: "owl:differentFrom", OWL.sourceIndividual: "negative assertions",
}
UNCOVERED_TYPES = {
    OWL.InverseFunctionalProperty: "inverse-functional properties", OWL.AsymmetricProperty: "asymmetry",
    OWL.IrreflexiveProperty: "irreflexivity", OWL.AllDisjointProperties: "disjoint properties",
    OWL.AllDifferent: "owl:AllDifferent", OWL.NegativePropertyAssertion: "negative assertions",
}


@dataclass
class TBox:
    """What the rules need from the ontology: class closure, disjointness, domains, ranges, functionals."""

    graph: Graph
    supers: dict[str, set[str]] = field(default_factory=dict)
    disjoint: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    data_ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    functional_data: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, dataset: Dataset) -> TBox:
        g = dataset.ontology
        tbox = cls(g)
        for a, b in g.subject_objects(OWL.disjointWith):
            tbox.disjoint[str(a)].add(str(b))
            tbox.disjoint[str(b)].add(str(a))
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            head = g.value(node, OWL.members)  # no list: no members (as Collection(g, None) reads it)
            members = [str(m) for m in Collection(g, head)] if head is not None else []
            for member in members:
                tbox.disjoint[member].update(m for m in members if m != member)
        props = set(g.subjects(RDFS.domain, None)) | set(g.subjects(RDFS.range, None)) | set(
            g.subjects(RDFS.subPropertyOf, None))
        for p in props:
            if not isinstance(p, URIRef):
                continue
            for sup in g.transitive_objects(p, RDFS.subPropertyOf):
                for dom in g.objects(sup, RDFS.domain):
                    if isinstance(dom, URIRef):
                        tbox.domains[str(p)].add(str(dom))
                for rng in g.objects(sup, RDFS.range):
                    if not isinstance(rng, URIRef):
                        continue
                    if str(rng) in DATA_RANGES:
                        tbox.data_ranges[str(p)].add(str(rng))
                    elif not str(rng).startswith((str(XSD), str(RDF), str(RDFS))):
                        tbox.ranges[str(p)].add(str(rng))
        tbox.functional_data = {str(p) for p in g.subjects(RDF.type, OWL.FunctionalProperty)
                                if (p, RDF.type, OWL.DatatypeProperty) in g}
        return tbox

    def closure(self, cls: str) -> set[str]:
        """The class and its named super- and equivalent classes."""
        if cls not in self.supers:
            self.supers[cls] = {cls}
            node = URIRef(cls)
            parents = list(self.graph.objects(node, RDFS.subClassOf)) + list(
                self.graph.objects(node, OWL.equivalentClass)) + list(self.graph.subjects(OWL.equivalentClass, node))
            for parent in parents:
                if isinstance(parent, URIRef):
                    self.supers[cls] |= self.closure(str(parent))
        return self.supers[cls]

    def uncovered(self) -> list[str]:
        """Names of the consistency-relevant constructs in the ontology that the rules do not check."""
        found = {name for p, name in UNCOVERED.items() if next(self.graph.subject_objects(p), None)}
        found |= {name for t, name in UNCOVERED_TYPES.items() if next(self.graph.subjects(RDF.type, t), None)}
        return sorted(found)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


def _query(dataset: Dataset, text: str) -> ox.QuerySolutions:
    graphs: list[GraphName] = [ox.NamedNode(g) for g in dataset.graphs_of("ontology", "data")]
    return solutions(dataset.store.query(text, default_graph=graphs))


def _why(cls: str, how: str, via: str) -> str:
    if how == "asserted":
        return f"asserted a {short(cls)}"
    if how == "domain":
        return f"subject of {short(via)}, whose domain is {short(cls)}"
    return f"value of {short(via)}, whose range is {short(cls)}"


def disjoint_clashes(dataset: Dataset, tbox: TBox) -> list[Finding]:
    """cax-dw / cax-adc: individuals whose asserted, inherited or domain/range-implied classes are disjoint."""
    keys = set(tbox.disjoint)
    classes = {str(o) for o in tbox.graph.subjects(RDF.type, OWL.Class) if isinstance(o, URIRef)} | keys
    relevant = {c for c in classes if tbox.closure(c) & keys}
    if not relevant:
        return []
    types: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # individual -> class -> (how, via)
    rdf_type = str(RDF.type)
    for row in _query(dataset, f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {_values(relevant)} }} ?s <{rdf_type}> ?t }}"):
        if isinstance(row["s"], ox.NamedNode):
            types[row["s"].value][row["t"].value] = ("asserted", "")
    for kind, table, pattern in (("domain", tbox.domains, "?x ?p ?o"), ("range", tbox.ranges, "?o ?p ?x")):
        props = {p: cs & relevant for p, cs in table.items() if cs & relevant}
        if not props:
            continue
        q = f"SELECT DISTINCT ?x ?p WHERE {{ VALUES ?p {{ {_values(props)} }} {pattern} FILTER(isIRI(?x)) }}"
        for row in _query(dataset, q):
            ind, prop = row["x"].value, row["p"].value
            for cls in props[prop]:
                types[ind].setdefault(cls, (kind, prop))
    findings = []
    clashing: dict[frozenset[str], bool] = {}  # most individuals share a handful of class combinations
    for ind, reasons in sorted(types.items()):
        combo = frozenset(reasons)
        if combo not in clashing:
            union = set().union(*(tbox.closure(c) for c in combo)) & keys
            clashing[combo] = any(tbox.disjoint[a] & union for a in union)
        if not clashing[combo]:
            continue
        expanded = {sup: _why(cls, *how) for cls, how in sorted(reasons.items(), reverse=True)
                    for sup in tbox.closure(cls)}
        seen: set[frozenset[str]] = set()
        for a, why_a in sorted(expanded.items()):
            for b in sorted(tbox.disjoint.get(a, ())):
                if b in expanded and frozenset((a, b)) not in seen:
                    seen.add(frozenset((a, b)))
                    why_b = expanded[b]
                    findings.append(finding_at(
                        dataset, ind, severity="violation", check="owl",
                        message=f"OWL inconsistency: {short(ind)} is both a {short(a)} ({why_a}) "
                                f"and a {short(b)} ({why_b}), but the ontology declares "
                                f"{short(a)} and {short(b)} disjoint",
                        hint="an individual cannot belong to two disjoint classes: fix its type or the link"))
    return findings


def functional_clashes(dataset: Dataset, tbox: TBox) -> list[Finding]:
    """prp-fp for data properties: a functional data property with two different values."""
    if not tbox.functional_data:
        return []
    q = (f"SELECT ?s ?p ?a ?b WHERE {{ VALUES ?p {{ {_values(tbox.functional_data)} }} ?s ?p ?a . ?s ?p ?b "
         "FILTER(isLiteral(?a) && isLiteral(?b) && STR(?a) <= STR(?b) && !sameTerm(?a, ?b) "
         "&& !COALESCE(?a = ?b, false)) }")
    findings, seen = [], set()
    for row in _query(dataset, q):
        s, p = row["s"], row["p"].value
        if (s, p) in seen or not isinstance(s, ox.NamedNode):
            continue
        seen.add((s, p))
        findings.append(finding_at(
            dataset, s.value, severity="violation", check="owl",
            message=f"OWL inconsistency: {short(s.value)} has two values of the functional property "
                    f"{short(p)}: {row['a']} and {row['b']}",
            hint=f"{short(p)} takes one value: keep one"))
    return findings


def range_clashes(dataset: Dataset, tbox: TBox) -> list[Finding]:
    """dt-not-type: a literal outside the data range of its property (OWL 2 datatypes only)."""
    findings = []
    for prop, ranges in sorted(tbox.data_ranges.items()):
        for rng in sorted(ranges):
            admitted, extra = DATA_RANGES[rng]
            cond = f"DATATYPE(?o) NOT IN ({_values(admitted).replace(' ', ', ')})"
            if extra:
                cond = f"({cond}) || ({extra})"
            q = f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o FILTER(isLiteral(?o) && ({cond})) }}"
            for row in _query(dataset, q):
                s = row["s"]
                findings.append(finding_at(
                    dataset, s.value if isinstance(s, ox.NamedNode) else None, severity="violation",
                    check="owl", message=f"OWL inconsistency: {short(prop)} of {s} is {row['o']}, "
                                         f"outside its range {short(rng)}",
                    hint=f"write a {short(rng)} value"))
    return findings


def all_clashes(dataset: Dataset, tbox: TBox) -> list[Finding]:
    """Every rule over every triple of ontology + data."""
    return disjoint_clashes(dataset, tbox) + functional_clashes(dataset, tbox) + range_clashes(dataset, tbox)


def sample(dataset: Dataset, per_class: int = SAMPLE_PER_CLASS, exclude: AbstractSet[str] = frozenset()
           ) -> tuple[int, list[ox.Triple]]:
    """(individuals, triples): the first ``per_class`` individuals of each asserted class, ordered by SHA-1
    of the IRI (deterministic, spread over files), with all their triples and their values' types;
    individuals in ``exclude`` (the rules' findings) and every triple that mentions them are left out."""
    graphs: list[GraphName] = [ox.NamedNode(g) for g in dataset.graphs_of("data")]
    by_class: dict[str, list[tuple[bytes, str]]] = defaultdict(list)
    for row in solutions(dataset.store.query(f"SELECT DISTINCT ?s ?t WHERE {{ ?s <{RDF.type}> ?t FILTER(isIRI(?s)) }}",
                                             default_graph=graphs)):
        s = row["s"].value
        if s not in exclude:
            by_class[row["t"].value].append((hashlib.sha1(s.encode()).digest(), s))
    chosen = sorted({s for members in by_class.values() for _, s in sorted(members)[:per_class]})
    if not chosen:
        return 0, []
    q = (f"CONSTRUCT {{ ?s ?p ?o . ?o <{RDF.type}> ?t . ?o ?q ?v }} WHERE {{ VALUES ?s {{ {_values(chosen)} }} "
         f"?s ?p ?o OPTIONAL {{ ?o <{RDF.type}> ?t }} OPTIONAL {{ ?o ?q ?v FILTER(isBlank(?o)) }} }}")
    constructed = dataset.store.query(q, default_graph=graphs)
    assert isinstance(constructed, ox.QueryTriples)  # a CONSTRUCT
    triples = [t for t in constructed if lexical(t.subject) not in exclude and lexical(t.object) not in exclude]
    return len(chosen), triples


__all__ = ["TBox", "all_clashes", "disjoint_clashes", "functional_clashes", "range_clashes", "sample",
           "SAMPLE_PER_CLASS"]
