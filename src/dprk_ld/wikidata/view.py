"""A Wikidata-style RDF view of the dataset: statements with ranks, qualifiers and references.

Implements the shape of the Wikibase RDF dump format (mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format)
with properties of our own: every claim becomes one ``wikibase:Statement`` node, reached from its
subject through ``dp:<prop>`` and carrying its main value on ``dps:<prop>``, its other fields as
``dpq:`` qualifiers, its ``wikibase:rank`` and one ``wikibase:Reference`` per citation
(``prov:wasDerivedFrom``, with ``dpr:`` reference values). Best-rank statements are typed
``wikibase:BestRank`` and get truthy ``dpt:<prop>`` triples. Property entities carry the
``wikibase:claim``/``statementProperty``/``qualifier``/``reference``/``directClaim`` links and
``skos:exactMatch``/``skos:closeMatch`` to Wikidata's properties where one exists.

The view is computed from the claim nodes of the loaded store (nothing is written by hand):
change the data, and the view follows. docs/wikidata.md describes it; the shapes in
``wikidata/shapes.ttl`` check that every statement has a rank and at least one reference.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox
import rdflib

from ..load import GRAPH_BASE, Dataset
from ..namespaces import BASE, ID, ONTOLOGY_NS
from ..query.results import Term, lexical, solutions

VIEW_GRAPH = GRAPH_BASE + "wikidata-view"
PROP = BASE + "prop/"
PROP_STATEMENT = PROP + "statement/"
PROP_QUALIFIER = PROP + "qualifier/"
PROP_REFERENCE = PROP + "reference/"
PROP_DIRECT = PROP + "direct/"
PROPERTY_ENTITY = ID + "property/"
STATEMENT = ID + "statement/"
REFERENCE = ID + "reference/"
WIKIBASE = "http://wikiba.se/ontology#"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
WD_PQ = "http://www.wikidata.org/prop/qualifier/"
WD_PR = "http://www.wikidata.org/prop/reference/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"

#: Prefixes of the view (docs, example queries, Turtle output), mirroring Wikidata's p: ps: pq: pr: wdt:.
VIEW_PREFIXES: dict[str, str] = {
    "dp": PROP, "dps": PROP_STATEMENT, "dpq": PROP_QUALIFIER, "dpr": PROP_REFERENCE, "dpt": PROP_DIRECT,
    "dprop": PROPERTY_ENTITY, "statement": STATEMENT, "reference": REFERENCE, "wikibase": WIKIBASE,
    "wd": WD, "wdt": WDT,
}


@dataclass(frozen=True)
class MainSnak:
    """How a claim class becomes a statement: its property, who the subject is, what the value is."""

    prop: str
    subject: tuple[str, ...] | None  # role properties (dprk local names); None: the claim node itself
    value: tuple[str, ...]
    symmetric: bool = False


#: Claim classes, most specific first, and their main snak. Roles not used here become qualifiers.
MAIN_SNAKS: dict[str, MainSnak] = {
    "DiplomaticRelation": MainSnak("diplomaticRelation", ("party",), ("party",), True),
    "Treaty": MainSnak("treatyWith", ("party",), ("party",), True),
    "Ratification": MainSnak("ratifies", ("ratifiedBy",), ("ratifies",)),
    "Sanction": MainSnak("sanctions", ("imposer",), ("target",)),
    "Transfer": MainSnak("transfersTo", ("supplier",), ("recipient",)),
    "Visit": MainSnak("visits", ("visitor",), ("host",)),
    "Pledge": MainSnak("pledgesTo", ("speaker",), ("addressee",)),
    "Statement": MainSnak("statementTo", ("speaker",), ("addressee",)),
    "RelationAssessment": MainSnak("relationWith", ("party",), ("party",), True),
    "Characterisation": MainSnak("characterises", None, ("subject",)),
    "Meeting": MainSnak("meetsWith", ("host", "participant"), ("participant",), True),
    "HistoricalEvent": MainSnak("participant", None, ("participant", "party", "involves")),
    "Claim": MainSnak("involves", None, ("involves",)),
}

#: Claim fields renamed as qualifiers (the others keep their dprk local name).
QUALIFIER_NAMES = {"date": "pointInTime", "startDate": "startTime", "endDate": "endTime",
                   "deprecationReason": "reasonForDeprecatedRank"}
#: Claim fields that are not qualifiers: evidence, rank, links and prose.
NOT_QUALIFIERS = {"citation", "rank", "wikidata", "gloss", "reviewNote"}
#: Claim fields whose values are other claims: in the view they point to those claims' statements.
CLAIM_LINKS = {"contradicts", "sameEventAs"}
FLAGGED = ONTOLOGY_NS + "FlaggedForReview"
#: Statuses that say there are no relations: such a statement has no truthy triple.
NEGATIVE_STATUSES = {ONTOLOGY_NS + "Absent"}

#: Mappings to Wikidata properties (only PIDs in ../shared/wikidata-properties.tsv), by (kind, name).
#: kind: direct (→ wdt:), qualifier (→ pq:), reference (→ pr:); match: exact or close.
WIKIDATA_MAPPINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("direct", "diplomaticRelation"): ("close", "P530"),  # ours also records absent/severed relations
    ("direct", "participant"): ("close", "P710"),
    ("qualifier", "participant"): ("close", "P710"),
    ("qualifier", "pointInTime"): ("exact", "P585"),
    ("qualifier", "startTime"): ("exact", "P580"),
    ("qualifier", "endTime"): ("exact", "P582"),
    ("qualifier", "reasonForDeprecatedRank"): ("close", "P2241"),  # text here, an item in Wikidata
    ("reference", "quote"): ("exact", "P1683"),
    ("reference", "referenceUrl"): ("exact", "P854"),
    ("reference", "statedIn"): ("close", "P248"),  # our article node, an item in Wikidata
    ("reference", "language"): ("close", "P407"),  # a language code here, an item in Wikidata
}
_KIND_BASE = {"direct": (PROP_DIRECT, WDT), "qualifier": (PROP_QUALIFIER, WD_PQ),
              "reference": (PROP_REFERENCE, WD_PR)}

RANKS = {ONTOLOGY_NS + "PreferredRank": WIKIBASE + "PreferredRank",
         ONTOLOGY_NS + "NormalRank": WIKIBASE + "NormalRank",
         ONTOLOGY_NS + "DeprecatedRank": WIKIBASE + "DeprecatedRank"}
_RANK_ORDER = {WIKIBASE + "PreferredRank": 2, WIKIBASE + "NormalRank": 1, WIKIBASE + "DeprecatedRank": 0}

#: Citation fields → reference properties.
REFERENCE_FIELDS = {"quote": "quote", "stance": "stance", "attributedTo": "attributedTo",
                    "startOffset": "startOffset", "endOffset": "endOffset"}


Props = dict[str, list[Term]]  # predicate IRI -> sorted objects


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _slug(iri: str) -> str:
    """The last path segment of an IRI, made safe for a slash IRI."""
    tail = re.split(r"[/#]", iri.rstrip("/"))[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "-", tail) or "x"


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def triples_by_subject(dataset: Dataset, where: str) -> dict[str, Props]:
    """``{subject IRI: {predicate IRI: [objects]}}`` for the subjects the WHERE pattern binds to ?s."""
    query = f"PREFIX dprk: <{ONTOLOGY_NS}>\nSELECT DISTINCT ?s ?p ?o WHERE {{ {where} ?s ?p ?o }}"
    out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in solutions(dataset.store.query(query, use_default_graph_as_union=True)):
        if isinstance(row["s"], ox.NamedNode):
            out[row["s"].value][row["p"].value].append(row["o"])
    for props in out.values():
        for values in props.values():
            values.sort(key=str)
    return out


def claim_class(types: Iterable[Term]) -> str | None:
    iris = (t.value for t in types if isinstance(t, ox.NamedNode))
    names = {iri[len(ONTOLOGY_NS):] for iri in iris if iri.startswith(ONTOLOGY_NS)}
    return next((c for c in MAIN_SNAKS if c in names), None)


@dataclass
class _Statement:
    node: str
    claim: str
    prop: str
    subject: ox.NamedNode
    value: Term | None
    rank: str
    symmetric: bool
    negative: bool
    flagged: bool = False


class _Builder:
    """The view's triples; its statements and references are minted under ``ids``, the dataset's ``<base>id/``."""

    def __init__(self, ids: str) -> None:
        self.ids = ids
        self.triples: set[ox.Triple] = set()
        self.props: set[str] = set()
        self.qualifiers: set[str] = set()
        self.references: set[str] = set()

    def add(self, s: str | ox.NamedNode | ox.BlankNode, p: str, o: str | Term) -> None:
        self.triples.add(ox.Triple(_n(s) if isinstance(s, str) else s, _n(p), _n(o) if isinstance(o, str) else o))


def claim_nodes(dataset: Dataset) -> tuple[dict[str, Props], dict[str, Props], dict[str, Props]]:
    """The claims, their citations and the citations' source articles: ``{IRI: {predicate: [objects]}}``."""
    claims = triples_by_subject(dataset, "?s a ?t . FILTER(STRSTARTS(STR(?t), STR(dprk:)))")
    claims = {iri: props for iri, props in claims.items() if claim_class(props.get(RDF_TYPE, ()))}
    citations = triples_by_subject(dataset, "?c a ?t . FILTER(STRSTARTS(STR(?t), STR(dprk:))) ?c dprk:citation ?s .")
    sources = triples_by_subject(dataset, "?x dprk:citation ?c . ?c dprk:source ?s .")
    return claims, citations, sources


def wikidata_links(dataset: Dataset) -> dict[str, str]:
    """``{our IRI: QID}`` for every node with a ``dprk:wikidata`` link to a canonical entity IRI."""
    query = f"SELECT DISTINCT ?e ?q WHERE {{ ?e <{ONTOLOGY_NS}wikidata> ?q }}"
    links: dict[str, str] = {}
    for row in solutions(dataset.store.query(query, use_default_graph_as_union=True)):
        match = QID_IRI.fullmatch(row["q"].value) if isinstance(row["q"], ox.NamedNode) else None
        if match and isinstance(row["e"], ox.NamedNode):
            links[row["e"].value] = match.group(1)
    return links


QID_IRI = re.compile(re.escape(WD) + r"(Q[1-9][0-9]*)")


def view_triples(dataset: Dataset) -> list[ox.Triple]:
    """The Wikidata-style view of the dataset's claims, as sorted triples."""
    claims, citations, sources = claim_nodes(dataset)
    b = _Builder(dataset.base + "id/")
    statements: list[_Statement] = []
    for claim in sorted(claims):
        statements.append(_statement(b, claim, claims[claim], citations, sources))
    _best_ranks(b, statements)
    _property_entities(b)
    return sorted(b.triples, key=str)


def _statement(b: _Builder, claim: str, props: Props, citations: dict[str, Props],
               sources: dict[str, Props]) -> _Statement:
    cls = claim_class(props[RDF_TYPE])
    snak = MAIN_SNAKS[cls or "Claim"]
    node = b.ids + "statement/" + _slug(claim)
    used: set[tuple[str, str]] = set()

    def role_values(roles: tuple[str, ...]) -> list[tuple[str, Term]]:
        return [(r, v) for r in roles for v in props.get(ONTOLOGY_NS + r, ()) if (r, str(v)) not in used]

    if snak.subject is None:
        subject: ox.NamedNode = _n(claim)
    else:
        candidates = role_values(snak.subject)
        subject = candidates[0][1] if candidates and isinstance(candidates[0][1], ox.NamedNode) else _n(claim)
        if candidates and subject == candidates[0][1]:
            used.add((candidates[0][0], str(subject)))
    values = [(r, v) for r, v in role_values(snak.value) if v != subject]
    value = values[0][1] if values else None
    if values:
        used.add((values[0][0], str(value)))
    rank = RANKS.get(str(props.get(ONTOLOGY_NS + "rank", [None])[0]).strip("<>"), WIKIBASE + "NormalRank")
    b.props.add(snak.prop)
    b.add(subject, PROP + snak.prop, node)
    b.add(node, RDF_TYPE, WIKIBASE + "Statement")
    b.add(node, WIKIBASE + "rank", rank)
    b.add(node, RDFS + "seeAlso", claim)
    if value is not None:
        b.add(node, PROP_STATEMENT + snak.prop, value)
    for label in props.get(RDFS + "label", ()):
        b.add(node, RDFS + "label", label)
    for gloss in props.get(ONTOLOGY_NS + "gloss", ()):
        b.add(node, SCHEMA + "description", gloss)
    negative = False
    for pred, objects in sorted(props.items()):
        if not pred.startswith(ONTOLOGY_NS):
            continue
        name = pred[len(ONTOLOGY_NS):]
        if name in NOT_QUALIFIERS:
            continue
        qname = QUALIFIER_NAMES.get(name, name)
        for obj in objects:
            if (name, str(obj)) in used:
                continue
            if name in CLAIM_LINKS and isinstance(obj, ox.NamedNode):
                obj = _n(b.ids + "statement/" + _slug(obj.value))
            if name == "relationStatus" and lexical(obj) in NEGATIVE_STATUSES:
                negative = True
            b.qualifiers.add(qname)
            b.add(node, PROP_QUALIFIER + qname, obj)
    for citation in props.get(ONTOLOGY_NS + "citation", ()):
        _reference(b, node, lexical(citation), citations.get(lexical(citation), {}), sources)
    flagged = any(str(s).strip("<>") == FLAGGED for s in props.get(ONTOLOGY_NS + "reviewStatus", ()))
    return _Statement(node, claim, snak.prop, subject, value, rank, snak.symmetric, negative, flagged)


def _reference(b: _Builder, statement: str, citation: str, fields: Props, sources: dict[str, Props]) -> None:
    ref = b.ids + "reference/" + _slug(citation)
    b.add(statement, PROV + "wasDerivedFrom", ref)
    b.add(ref, RDF_TYPE, WIKIBASE + "Reference")
    b.add(ref, RDFS + "seeAlso", citation)
    for name, rname in REFERENCE_FIELDS.items():
        for obj in fields.get(ONTOLOGY_NS + name, ()):
            b.references.add(rname)
            b.add(ref, PROP_REFERENCE + rname, obj)
    for src in fields.get(ONTOLOGY_NS + "source", ()):
        b.references.add("statedIn")
        b.add(ref, PROP_REFERENCE + "statedIn", src)
        meta = sources.get(lexical(src), {})
        for url in meta.get(SCHEMA + "url", ()):
            b.references.add("referenceUrl")
            b.add(ref, PROP_REFERENCE + "referenceUrl", _n(lexical(url)))
        for lang in meta.get(DCTERMS + "language", ()):
            b.references.add("language")
            b.add(ref, PROP_REFERENCE + "language", lang)
        for issued in meta.get(DCTERMS + "issued", ()):
            b.references.add("publicationDate")
            b.add(ref, PROP_REFERENCE + "publicationDate", issued)


def _best_ranks(b: _Builder, statements: list[_Statement]) -> None:
    """BestRank and truthy triples, among statements about the same subject, property and value.

    A claim flagged for review (``dprk:reviewStatus dprk:FlaggedForReview``) keeps its statement, rank,
    qualifiers and references, but takes no part: it is never best-rank and gives no truthy triple.
    """
    groups: dict[tuple[str, ...], list[_Statement]] = defaultdict(list)
    for st in statements:
        if st.flagged:
            continue
        ends = sorted([str(st.subject), str(st.value)]) if st.symmetric else [str(st.subject), str(st.value)]
        key = (st.prop, *ends) if st.value is not None else (st.prop, st.node)
        groups[key].append(st)
    for group in groups.values():
        best = max(_RANK_ORDER[st.rank] for st in group)
        for st in group:
            if _RANK_ORDER[st.rank] != best or st.rank == WIKIBASE + "DeprecatedRank":
                continue
            b.add(st.node, RDF_TYPE, WIKIBASE + "BestRank")
            if st.value is None or st.negative:
                continue
            b.add(st.subject, PROP_DIRECT + st.prop, st.value)
            if st.symmetric and isinstance(st.value, ox.NamedNode):
                b.add(st.value, PROP_DIRECT + st.prop, st.subject)


def _property_entities(b: _Builder) -> None:
    for kind, names in (("claim", b.props), ("qualifier", b.qualifiers), ("reference", b.references)):
        for name in sorted(names):
            entity = PROPERTY_ENTITY + name
            b.add(entity, RDF_TYPE, WIKIBASE + "Property")
            b.add(entity, RDFS + "label", ox.Literal(_words(name), language="en"))
            if kind == "claim":
                links = {"claim": PROP, "statementProperty": PROP_STATEMENT, "directClaim": PROP_DIRECT}
            elif kind == "qualifier":
                links = {"qualifier": PROP_QUALIFIER}
            else:
                links = {"reference": PROP_REFERENCE}
            for link, base in links.items():
                b.add(entity, WIKIBASE + link, base + name)
    for (kind, name), (match, pid) in WIKIDATA_MAPPINGS.items():
        used = {"direct": b.props, "qualifier": b.qualifiers, "reference": b.references}[kind]
        if name in used:
            ours, theirs = _KIND_BASE[kind]
            b.add(ours + name, SKOS + ("exactMatch" if match == "exact" else "closeMatch"), theirs + pid)


# ---------------------------------------------------------------- public API

def wikidata_view(dataset: Dataset) -> rdflib.Graph:
    """The view as an rdflib Graph, with the view's prefixes bound."""
    graph = rdflib.Graph()
    data = ox.serialize(view_triples(dataset), format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8") if data else "", format="nt")
    for prefix, ns in VIEW_PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def view_graph(dataset: Dataset) -> str:
    """The named graph of the view of ``dataset``: ``<base>graph/wikidata-view`` under the project's base."""
    return dataset.base + "graph/wikidata-view"


def wikidata_view_nquads(dataset: Dataset, graph_iri: str = VIEW_GRAPH) -> bytes:
    """The view as N-Quads in the named graph ``graph_iri``, one quad a line, sorted (the release dump)."""
    graph = _n(graph_iri)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in view_triples(dataset)]
    lines = sorted((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8").splitlines())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def add_wikidata_view(dataset: Dataset, graph_iri: str = VIEW_GRAPH) -> int:
    """Insert (or replace) the view as the named graph ``graph_iri`` of ``dataset.store``; returns its size."""
    graph = _n(graph_iri)
    if dataset.store.contains_named_graph(graph):
        dataset.store.remove_graph(graph)
    triples = view_triples(dataset)
    dataset.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return len(triples)


def view_shapes() -> rdflib.Graph:
    """The SHACL shapes of the view (``dprk_ld/wikidata/shapes.ttl``)."""
    text = resources.files("dprk_ld.wikidata").joinpath("shapes.ttl").read_text(encoding="utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


def validate_view(dataset: Dataset) -> tuple[bool, str]:
    """Validate the view against its shapes with pySHACL: (conforms, report text)."""
    import pyshacl

    conforms, _graph, text = pyshacl.validate(wikidata_view(dataset), shacl_graph=view_shapes(),
                                              inference="none", advanced=True)
    return bool(conforms), str(text)
