"""The entities a Reconciliation Service (W3C Entity Reconciliation CG, API v0.2) answers about, read once.

:func:`build_index` reads a loaded :class:`~dprk_ld.load.Dataset` (the project's own graphs only, never
a view added beside them) into an :class:`EntityIndex`: every typed, named node of the data with its
names (``rdfs:label`` in every language, ``skos:prefLabel``, ``skos:altLabel``, ``dcterms:title``), a
description (``rdfs:comment`` or ``dprk:gloss``, English first), its types with their super-classes, and
its property values. Identifiers are short and stable:

- entity ``state/RUS`` = ``https://w3id.org/dprk-ld/id/state/RUS`` (the path under the identifier space);
- type and property ``State``, ``partOf`` = terms of our ontology by local name, other vocabularies by
  prefixed name (``dcterms:issued``), anything else by full IRI;
- computed properties: ``qid`` (the Wikidata QID of ``dprk:wikidata``), ``iso3166`` (a state's ISO 3166-1
  alpha-3 code, the slug of its IRI as docs/conventions.md mints it), ``claims`` (the claims that involve
  the entity, any sub-property of ``dprk:involves``) and ``counterparts`` (the other actors of those claims).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..load import Dataset
from ..namespaces import ID, ONTOLOGY_NS, PREFIXES
from ..query.results import lexical, solutions

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
NAME_PREDICATES = {RDFS + "label": "label", SKOS + "prefLabel": "label", PREFIXES["dcterms"] + "title": "label",
                   SKOS + "altLabel": "alias"}
DESCRIPTION_PREDICATES = (RDFS + "comment", ONTOLOGY_NS + "gloss", SKOS + "definition")
STATE_CODE = re.compile(r"state/([A-Z]{3})")

#: Properties computed from the data rather than read from one triple: id -> (name, description).
COMPUTED = {
    "qid": ("Wikidata QID", "The Wikidata item of this entity (only QIDs checked by the curators)."),
    "iso3166": ("ISO 3166-1 alpha-3 code", "A state's three-letter ISO code, as its IRI carries it."),
    "claims": ("claims involving", "The claims in which this entity is a party, subject, speaker, host ..."),
    "counterparts": ("counterparts", "The other actors of the claims that involve this entity."),
}


def short_term(iri: str) -> str:
    """A term's identifier: local name in our ontology, prefixed name in a published vocabulary, else the IRI."""
    if iri.startswith(ONTOLOGY_NS):
        return iri[len(ONTOLOGY_NS):]
    for prefix, ns in PREFIXES.items():
        if prefix != "dprk" and iri.startswith(ns) and not iri.startswith(ID):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def entity_id(iri: str, ids: str) -> str:
    """An entity's identifier: its path under the identifier space ``ids`` (the dataset's ``<base>id/``),
    else its full IRI."""
    return iri[len(ids):] if iri.startswith(ids) else iri


def entity_iri(ident: str, ids: str) -> str:
    """The IRI of an identifier (its inverse: a short id, a full IRI, or a prefixed name such as ``state:RUS``)."""
    if "://" in ident:
        return ident
    prefix, _, rest = ident.partition(":")
    if rest and prefix in PREFIXES:
        return PREFIXES[prefix] + rest
    return ids + ident


@dataclass(frozen=True)
class Value:
    """One property value: an entity (``ref``: its IRI) or a literal (``text`` with ``datatype``)."""

    text: str
    ref: str | None = None
    datatype: str | None = None


@dataclass
class Entity:
    iri: str
    id: str
    name: str
    names: list[tuple[str, str, str]]  # (text, language, "label" | "alias")
    description: str
    types: list[str]  # direct types (IRIs)
    properties: dict[str, list[Value]] = field(default_factory=dict)  # property id -> values


@dataclass
class Term:
    """A class or property of the schema space."""

    iri: str
    id: str
    name: str
    description: str
    broader: list[str] = field(default_factory=list)  # direct super-classes (ids), classes only


@dataclass
class EntityIndex:
    entities: dict[str, Entity]           # id -> entity
    types: dict[str, Term]                # id -> class with instances
    properties: dict[str, Term]           # id -> property usable in constraints and extension
    ancestors: dict[str, frozenset[str]]  # class IRI -> itself and every super-class (IRIs)
    type_of: dict[str, str]               # type id -> IRI
    ids: str                              # the identifier space: the dataset's <base>id/

    def type_iris(self, entity: Entity) -> frozenset[str]:
        """Every class the entity belongs to, super-classes included."""
        out: set[str] = set()
        for t in entity.types:
            out |= self.ancestors.get(t, frozenset({t}))
        return frozenset(out)

    def label(self, iri: str) -> str:
        """A display name for any IRI: the entity's or term's name, else its identifier."""
        ident = entity_id(iri, self.ids)
        if ident in self.entities:
            return self.entities[ident].name
        term = self.types.get(short_term(iri)) or self.properties.get(short_term(iri))
        return term.name if term else short_term(iri)


def _rows(store: ox.Store, text: str, graphs: list[ox.NamedNode]) -> list[ox.QuerySolution]:
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(graphs)  # the stub's (invariant) list type
    return list(solutions(store.query(text, default_graph=default, prefixes=PREFIXES)))


def _pick(texts: list[tuple[str, str]]) -> str:
    """English first, then no language, then Indonesian, then anything."""
    for want in ("en", "", "id"):
        for text, lang in texts:
            if lang == want:
                return text
    return texts[0][0] if texts else ""


def _terms(store: ox.Store, graphs: list[ox.NamedNode], iris: set[str]) -> dict[str, tuple[str, str]]:
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    defs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    text = "SELECT ?t ?p ?o WHERE { ?t ?p ?o FILTER(?p IN (rdfs:label, skos:definition, rdfs:comment)) }"
    for row in _rows(store, text, graphs):
        t, p, o = row["t"].value, row["p"].value, row["o"]
        if t in iris and isinstance(o, ox.Literal):
            (names if p == RDFS + "label" else defs)[t].append((o.value, o.language or ""))
    return {t: (_pick(names[t]) or short_term(t), _pick(defs[t])) for t in iris}


def build_index(dataset: Dataset) -> EntityIndex:
    """Read the dataset's entities, classes and properties (project files only)."""
    store = dataset.store
    data = [ox.NamedNode(g) for g in dataset.graphs_of("data")]
    schema = [ox.NamedNode(g) for g in dataset.graphs_of("ontology")]
    everything = data + schema
    # class hierarchy: the ontology's subClassOf, reflexive and transitive
    ancestors: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, "SELECT ?c ?d WHERE { ?c rdfs:subClassOf+ ?d FILTER(isIRI(?d)) }", schema):
        ancestors[row["c"].value].add(row["d"].value)
    for row in _rows(store, "SELECT ?c ?d WHERE { ?c rdfs:subClassOf ?d FILTER(isIRI(?d)) }", schema):
        broader[row["c"].value].append(row["d"].value)
    involves = {r["p"].value for r in _rows(store, "SELECT ?p WHERE { ?p rdfs:subPropertyOf* dprk:involves }", schema)}
    involves.add(ONTOLOGY_NS + "involves")

    names: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    descriptions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    types: dict[str, list[str]] = defaultdict(list)
    props: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    used_props: set[str] = set()
    claims_of: dict[str, set[str]] = defaultdict(set)
    parties_of: dict[str, set[str]] = defaultdict(set)
    rdf_type = PREFIXES["rdf"] + "type"
    for quad in store.quads_for_pattern(None, None, None, None):
        if quad.graph_name not in data or not isinstance(quad.subject, ox.NamedNode):
            continue
        s, p, o = quad.subject.value, quad.predicate.value, quad.object
        if p == rdf_type:
            types[s].append(lexical(o))
            continue
        if isinstance(o, ox.Literal):
            kind = NAME_PREDICATES.get(p)
            if kind:
                names[s].append((o.value, o.language or "", kind))
            if p in DESCRIPTION_PREDICATES:
                descriptions[s].append((o.value, o.language or ""))
            value = Value(o.value, None, o.datatype.value if o.language is None else None)
        elif isinstance(o, ox.NamedNode):
            value = Value(o.value, o.value)
            if p in involves:
                claims_of[o.value].add(s)
                parties_of[s].add(o.value)
        else:
            continue
        props[s][short_term(p)].append(value)
        used_props.add(p)

    entities: dict[str, Entity] = {}
    for iri, tlist in types.items():
        if not names.get(iri):
            continue
        labels = [(t, lang) for t, lang, k in names[iri] if k == "label"] or [(t, lang) for t, lang, _ in names[iri]]
        entity = Entity(iri, entity_id(iri, dataset.base + "id/"), _pick(labels), names[iri], _pick(descriptions[iri]),
                        sorted(tlist),
                        {k: v for k, v in props[iri].items()})
        for value in props[iri].get("wikidata", []):
            if value.ref and value.ref.startswith(WIKIDATA_ENTITY):
                entity.properties.setdefault("qid", []).append(Value(value.ref[len(WIKIDATA_ENTITY):]))
        match = STATE_CODE.fullmatch(entity.id)
        if match and ONTOLOGY_NS + "State" in tlist:
            entity.properties["iso3166"] = [Value(match.group(1))]
        claims = sorted(claims_of.get(iri, ()))
        if claims:
            entity.properties["claims"] = [Value(c, c) for c in claims]
            others = sorted({o for c in claims for o in parties_of[c] if o != iri})
            if others:
                entity.properties["counterparts"] = [Value(o, o) for o in others]
        entities[entity.id] = entity

    class_iris = {t for e in entities.values() for t in e.types}
    class_iris |= {a for t in list(class_iris) for a in ancestors.get(t, ()) if a.startswith(ONTOLOGY_NS)}
    term_names = _terms(store, everything, class_iris | used_props)
    full = {c: frozenset(ancestors.get(c, set()) | {c}) for c in class_iris}
    type_terms = {short_term(c): Term(c, short_term(c), *term_names[c],
                                      broader=[short_term(b) for b in broader.get(c, []) if b in class_iris])
                  for c in sorted(class_iris)}
    prop_terms = {short_term(p): Term(p, short_term(p), *term_names[p]) for p in sorted(used_props)}
    for ident, (name, description) in COMPUTED.items():
        prop_terms[ident] = Term("", ident, name, description)
    return EntityIndex(entities, type_terms, prop_terms, full, {t.id: t.iri for t in type_terms.values()},
                       dataset.base + "id/")
