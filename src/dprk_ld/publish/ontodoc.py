"""HTML documentation of the ontology, every term anchored at its hash IRI's fragment.

Implements the documentation part of the release in the manner of LODE/pyLODE (W3C-style
ontology pages: header metadata, a table of contents, one section per class, property and
concept). We generate it ourselves because pyLODE 3.4.1 fails on import (it reads a
``pyproject.toml`` its wheel does not ship) and pyLODE 3.2 anchors terms at lower-cased
labels (``#attributedto``), so ``…/ontology#attributedTo`` would not resolve to its term.
Here ``id`` = the local name, exactly the fragment of the term's IRI.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES
from .dumps import to_jsonld
from .model import DCT, RDF_TYPE, RDFS, SKOS, compact

if TYPE_CHECKING:
    from .site import Site

OWL = PREFIXES["owl"]
RDF = PREFIXES["rdf"]
GROUPS = ((OWL + "Class", "classes", "Classes"), (OWL + "ObjectProperty", "object-properties", "Object properties"),
          (OWL + "DatatypeProperty", "datatype-properties", "Datatype properties"),
          (OWL + "AnnotationProperty", "annotation-properties", "Annotation properties"),
          (SKOS + "ConceptScheme", "concept-schemes", "Concept schemes"), (SKOS + "Concept", "concepts", "Concepts"))
SHOWN = (RDFS + "label", SKOS + "prefLabel", SKOS + "definition", RDFS + "comment")
HEADER = ((DCT + "title", "title"), (PREFIXES["owl"] + "versionInfo", "version"),
          (PREFIXES["owl"] + "versionIRI", "version IRI"), (DCT + "issued", "issued"),
          (DCT + "license", "licence"), (DCT + "creator", "creator"), (DCT + "description", "description"))
PAGE = "ontology/index.html"


def _value(site: Site, term: Any) -> str:
    """A term, with OWL class expressions (unionOf, intersectionOf lists) spelled out."""
    m = site.m
    if isinstance(term, ox.BlankNode):
        key = str(term)
        for op, word in ((OWL + "unionOf", "any of"), (OWL + "intersectionOf", "all of"),
                         (OWL + "oneOf", "one of")):
            lists = m.values(key, op)
            if lists:
                return f"{word} " + ", ".join(_value(site, t) for t in _rdf_list(m, lists[0]))
    return site.term(term, PAGE)


def _rdf_list(m: Any, node: Any) -> list[Any]:
    items, seen = [], set()
    while isinstance(node, ox.BlankNode) and str(node) not in seen:
        seen.add(str(node))
        items += m.values(str(node), RDF + "first")
        rest = m.values(str(node), RDF + "rest")
        node = rest[0] if rest else None
    return items


def write_ontology_docs(site: Site, ontology_quads: list[ox.Quad]) -> None:
    """Write ``ontology/index.html`` and the ontology as Turtle and JSON-LD beside it."""
    m = site.m
    out = site.out / "ontology"
    out.mkdir(parents=True, exist_ok=True)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in ontology_quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ox.serialize(triples, str(out / "ontology.ttl"), ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    (out / "ontology.jsonld").write_bytes(to_jsonld(triples))
    terms = sorted(s for s in m.out if s.startswith(ONTOLOGY_NS) and len(s) > len(ONTOLOGY_NS))
    groups, placed = [], set()
    for cls, anchor, title in GROUPS:
        members = [t for t in terms if cls in m.types(t) and t not in placed]
        placed.update(members)
        if members:
            groups.append({"anchor": anchor, "title": title, "terms": [_term(site, t) for t in members]})
    rest = [t for t in terms if t not in placed]
    if rest:
        groups.append({"anchor": "other-terms", "title": "Other terms", "terms": [_term(site, t) for t in rest]})
    header = [(name, _value(site, o)) for prop, name in HEADER for o in m.values(ONTOLOGY_IRI, prop)]
    example = groups[0]["terms"][0]["id"] if groups else "Claim"
    title = m.value(ONTOLOGY_IRI, RDFS + "label") or "Ontology"
    site.write(PAGE, "ontology.html", title, ttl="ontology.ttl", jsonld="ontology.jsonld",
               header=header, groups=groups, example=example)


def _term(site: Site, iri: str) -> dict[str, Any]:
    m = site.m
    local = iri[len(ONTOLOGY_NS):]
    rows = []
    for lang in ("en", "id"):
        labels = [o.value for o in m.values(iri, RDFS + "label") + m.values(iri, SKOS + "prefLabel")
                  if isinstance(o, ox.Literal) and o.language == lang]
        if labels:
            rows.append((f"label ({lang})", escape(", ".join(sorted(set(labels))))))
    for p, o in m.out.get(iri, []):
        if p in SHOWN or p == RDF_TYPE and compact(o.value).startswith("owl:"):
            continue
        rows.append((escape(compact(p)), _value(site, o)))
    incoming = [(s, p) for s, p in m.inc.get(iri, []) if s.startswith(ONTOLOGY_NS)
                and p in (RDFS + "subClassOf", RDFS + "subPropertyOf", SKOS + "inScheme", SKOS + "broader")]
    for s, p in incoming:
        rows.append((f"has {escape(compact(p))} (inverse)", site.link(s, PAGE, compact(s))))
    definition = m.value(iri, SKOS + "definition") or m.value(iri, RDFS + "comment")
    return {"id": local, "iri": iri, "label": m.label(iri), "definition": definition, "rows": rows}
