"""What the static site shows, read once from the release's quads: labels, pages, claims, citations.

Implements the page layout of the release (docs/conventions.md IRIs): every resource under
``https://w3id.org/dprk-ld/id/`` gets the page ``id/<kind>/<slug>.html`` with its Turtle and
JSON-LD beside it; ontology terms link to ``ontology/index.html#<LocalName>`` (their hash IRI's
fragment); any other IRI is linked as it is. All lists are sorted so the site is deterministic.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import ID, ONTOLOGY_NS, PREFIXES

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


def page_path(iri: str, ext: str = "html") -> str | None:
    """The site path of a resource's page (or data file), or None when it has no page."""
    if iri.startswith(ID) and len(iri) > len(ID):
        return "id/" + quote(iri[len(ID):], safe="/-_.~") + "." + ext
    return None


def href(iri: str, from_path: str) -> str:
    """A relative link from the page at ``from_path`` to ``iri`` (absolute for the outside world)."""
    target = page_path(iri)
    if target is None and iri.startswith(ONTOLOGY_NS):
        return rel(from_path, "ontology/index.html") + "#" + quote(iri[len(ONTOLOGY_NS):], safe="-_.~")
    if target is None:
        return iri
    return rel(from_path, target)


def rel(from_path: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def compact(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


@dataclass
class Model:
    """Indexes over the union graph of a release."""

    quads: list[ox.Quad]
    out: dict[str, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]] = field(
        default_factory=lambda: defaultdict(list))
    inc: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    graph_of: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen = set()
        for q in self.quads:
            key = (str(q.subject), str(q.predicate), str(q.object))
            if key in seen:
                continue
            seen.add(key)
            s = q.subject.value if isinstance(q.subject, ox.NamedNode) else str(q.subject)
            self.out[s].append((q.predicate.value, q.object))
            self.graph_of.setdefault(s, q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "")
            if isinstance(q.object, ox.NamedNode):
                self.inc[q.object.value].append((s, q.predicate.value))
        for values in self.out.values():
            values.sort(key=lambda pv: (pv[0], term_key(pv[1])))
        for values in self.inc.values():
            values.sort()
        self.claim_classes = self._subclasses(D + "Claim")

    def _subclasses(self, root: str) -> set[str]:
        found, todo = {root}, [root]
        while todo:
            cls = todo.pop()
            for s, p in self.inc.get(cls, []):
                if p == RDFS + "subClassOf" and s not in found:
                    found.add(s)
                    todo.append(s)
        return found

    def values(self, s: str, p: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return [o for pp, o in self.out.get(s, []) if pp == p]

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
        return c.split(":", 1)[1] if c != iri and ":" in c else c

    def is_claim(self, s: str) -> bool:
        return any(t in self.claim_classes for t in self.types(s))

    def of_type(self, cls: str) -> list[str]:
        return sorted(s for s, p in self.inc.get(cls, []) if p == RDF_TYPE)

    def pages(self) -> list[str]:
        return sorted(s for s in self.out if page_path(s))

    def claims(self) -> list[str]:
        return sorted(s for s in self.out if page_path(s) and self.is_claim(s))

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
        for citation, p in self.inc.get(source, []):
            if p == D + "source":
                pairs += [(c, citation) for c, pp in self.inc.get(citation, []) if pp == D + "citation"]
        return sorted(pairs)

    def claims_about(self, entity: str) -> list[tuple[str, str]]:
        """(claim, role property) pairs that name the entity."""
        return sorted((s, p) for s, p in self.inc.get(entity, []) if self.is_claim(s))

    def owned(self, s: str) -> list[str]:
        """Nodes described with a resource in its own data file: citations, quantities, blank nodes."""
        result = []
        for _, o in self.out.get(s, []):
            key = o.value if isinstance(o, ox.NamedNode) else str(o)
            if isinstance(o, ox.BlankNode) or key.startswith((ID + "citation/", ID + "quantity/")):
                if key in self.out and key != s:
                    result.append(key)
        return sorted(set(result))

    def description(self, s: str) -> list[ox.Triple]:
        """A resource's triples plus those of the nodes it owns (blank-node closure included)."""
        todo, done, triples = [s], set(), []
        while todo:
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            subject = ox.NamedNode(node) if not node.startswith("_:") else ox.BlankNode(node[2:])
            for p, o in self.out.get(node, []):
                triples.append(ox.Triple(subject, ox.NamedNode(p), o))
                if isinstance(o, ox.BlankNode):
                    todo.append(str(o))
            todo += self.owned(node) if node == s else []
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
        frm, to, other = set(), set(), set()
        for p, o in self.out.get(claim, []):
            if isinstance(o, ox.NamedNode) and o.value in states:
                (frm if p in FROM_ROLES else to if p in TO_ROLES else other).add(o.value)
        return sorted(frm), sorted(to), sorted(other - frm - to)
