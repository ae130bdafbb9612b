"""The ontology's documentation page and the pages of other hash-IRI documents (shapes, dataset).

Implements the documentation part in the manner of LODE/pyLODE (W3C-style ontology pages: header
metadata, a table of contents, one section per class, property and concept), every term anchored at
its hash IRI's fragment (``…/ontology#attributedTo`` → ``id="attributedTo"``). pyLODE itself is not
used: docs/publishing.md says why. Other documents whose terms are hash IRIs (``…/shapes#…``,
``…/dataset#…``) get one generic page: a section per term, anchored the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from markupsafe import Markup, escape

from ..namespaces import PREFIXES
from ..query.results import lexical
from .links import Links
from .model import DCT, RDF_TYPE, RDFS, SKOS, compact, key_of
from .render import link, prop_link, term

if TYPE_CHECKING:
    from .pages import Site

OWL = PREFIXES["owl"]
GROUPS = ((OWL + "Class", "classes", "Classes"), (OWL + "ObjectProperty", "object-properties", "Object properties"),
          (OWL + "DatatypeProperty", "datatype-properties", "Datatype properties"),
          (OWL + "AnnotationProperty", "annotation-properties", "Annotation properties"),
          (SKOS + "ConceptScheme", "concept-schemes", "Concept schemes"), (SKOS + "Concept", "concepts", "Concepts"))
SHOWN = (RDFS + "label", SKOS + "prefLabel", SKOS + "definition", RDFS + "comment")
HEADER = ((DCT + "title", "title"), (OWL + "versionInfo", "version"), (OWL + "versionIRI", "version IRI"),
          (DCT + "issued", "issued"), (DCT + "license", "licence"), (DCT + "creator", "creator"),
          (DCT + "description", "description"))
INVERSE = (RDFS + "subClassOf", RDFS + "subPropertyOf", SKOS + "inScheme", SKOS + "broader")
UNIONS = ((OWL + "unionOf", "any of"), (OWL + "intersectionOf", "all of"), (OWL + "oneOf", "one of"))


def _value(site: Site, links: Links, value: Any) -> Markup:
    """A term, with OWL class expressions (unionOf, intersectionOf, oneOf lists) spelled out."""
    m = site.model
    if isinstance(value, ox.BlankNode):
        from .render import rdf_list

        for op, word in UNIONS:
            lists = m.values(str(value), op)
            if lists and isinstance(lists[0], ox.BlankNode):
                items = rdf_list(m, str(lists[0])) or []
                return Markup("{} {}").format(word, Markup(", ").join(_value(site, links, i) for i in items))
    return term(m, links, value)


def ontology_page(site: Site, links: Links) -> str:
    m = site.model
    ns = site.ontology_iri + "#"
    terms = [s for s in m.subjects_in(site.ontology_graphs, ns) if len(s) > len(ns)]
    groups: list[dict[str, Any]] = []
    placed: set[str] = set()
    for cls, anchor, title in GROUPS:
        members = [x for x in terms if cls in m.types(x) and x not in placed]
        placed.update(members)
        if members:
            groups.append({"anchor": anchor, "title": title, "terms": [_term(site, links, x) for x in members]})
    rest = [x for x in terms if x not in placed]
    if rest:
        groups.append({"anchor": "other-terms", "title": "Other terms",
                       "terms": [_term(site, links, x) for x in rest]})
    header = [(name, _value(site, links, o)) for prop, name in HEADER for o in m.values(site.ontology_iri, prop)]
    example = groups[0]["terms"][0]["id"] if groups else "Claim"
    title = m.value(site.ontology_iri, RDFS + "label") or m.value(site.ontology_iri, DCT + "title") or "Ontology"
    return site.render("ontology.html", links, title, site.alternates(site.ontology_iri, links), iri=site.ontology_iri,
                       header=header, groups=groups, example=example)


def _term(site: Site, links: Links, iri: str) -> dict[str, Any]:
    m = site.model
    rows = []
    for lang in ("en", "id"):
        labels = [o.value for o in m.values(iri, RDFS + "label") + m.values(iri, SKOS + "prefLabel")
                  if isinstance(o, ox.Literal) and o.language == lang]
        if labels:
            rows.append((f"label ({lang})", escape(", ".join(sorted(set(labels))))))
    for p, o in m.out(iri):
        if p in SHOWN or p == RDF_TYPE and compact(lexical(o)).startswith("owl:"):
            continue
        rows.append((escape(compact(p)), _value(site, links, o)))
    for s, p in m.inc(iri):
        if s.startswith(site.ontology_iri + "#") and p in INVERSE:
            rows.append((Markup("has {} (inverse)").format(compact(p)), link(m, links, s, compact(s))))
    definition = m.value(iri, SKOS + "definition") or m.value(iri, RDFS + "comment")
    return {"id": iri.split("#", 1)[1], "iri": iri, "label": m.label(iri), "definition": definition, "rows": rows}


def terms_page(site: Site, doc: str, links: Links) -> str:
    """A document whose terms are ``doc#…`` hash IRIs: the shapes, the dataset description."""
    m = site.model
    triples = site.data(doc)
    by_subject: dict[str, list[tuple[str, Any]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(key_of(t.subject), []).append((t.predicate.value, t.object))
    local = site.documents.get(doc) is not None
    terms = []
    for s in sorted(k for k in by_subject if k.startswith(doc + "#")):
        rows = [(prop_link(m, links, p), _local_term(site, links, o, triples) if local else _value(site, links, o))
                for p, o in sorted(by_subject[s], key=lambda po: (po[0], str(po[1])))]
        terms.append({"id": s.split("#", 1)[1], "label": _label(by_subject[s]) or s.split("#", 1)[1], "rows": rows})
    props = [(prop_link(m, links, p), _local_term(site, links, o, triples) if local else _value(site, links, o))
             for p, o in sorted(by_subject.get(doc, []), key=lambda po: (po[0], str(po[1])))]
    title = _label(by_subject.get(doc, [])) or {site.shapes_iri: "SHACL shapes"}.get(doc, compact(doc))
    return site.render("terms.html", links, title, site.alternates(doc, links), iri=doc, props=props, terms=terms,
                       intro="")


def _label(pairs: list[tuple[str, Any]]) -> str | None:
    for p, o in pairs:
        if p in (RDFS + "label", DCT + "title", PREFIXES["sh"] + "name") and isinstance(o, ox.Literal):
            return str(o.value)
    return None


def _local_term(site: Site, links: Links, value: Any, triples: list[ox.Triple]) -> Markup:
    """A term of a document that is not in the model (the dataset description): plain links."""
    if isinstance(value, ox.NamedNode):
        return link(None, links, value.value, compact(value.value))
    return term(site.model, links, value)

