"""RDF terms in the engine: N-Triples keys, SPARQL syntax, SHACL paths (SHACL §2.3.1) and loading.

Results name every term by its canonical N-Triples form (:func:`nt`, :func:`ox_nt`), so results of
this engine and of pyshacl compare as plain strings.

oxigraph canonicalises typed literals ("4.0"^^xsd:decimal -> "4", xsd:byte -> xsd:integer, "1"^^xsd:boolean
-> "true", dates, times and durations alike). To keep pyshacl's exact terms (RDF terms, as SHACL compares
them), :func:`load_file` and :func:`graph_to_store` store literals of these datatypes (``WRAPPED``)
under a wrapped datatype IRI (``WRAP`` + original IRI); results unwrap them and comparisons use
:func:`val`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from .errors import Unsupported

SH_NS = str(SH)
XSD_NS = str(XSD)
_CAST = ("integer decimal double float boolean date dateTime time gYear gYearMonth duration").split()
INT_RANGE: dict[str, tuple[int | None, int | None]] = {
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1), "short": (-32768, 32767),
    "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 65535), "unsignedByte": (0, 255),
}  # fmt: skip
WRAP = "urn:x-fastshacl:dt:"
#: datatypes whose literals Oxigraph's store rewrites in canonical form ("1"^^xsd:boolean as "true",
#: "2011-01-01T00:00:00.000Z" as "2011-01-01T00:00:00Z", xsd:byte as xsd:integer)
WRAPPED = {XSD_NS + n for n in ["decimal", "double", "float", "integer", "boolean", "dateTime", "dateTimeStamp",
                                "date", "time", "duration", "dayTimeDuration", "yearMonthDuration", "gYear",
                                "gYearMonth", "gMonthDay", "gDay", "gMonth", *INT_RANGE]}


def val(var: str, wrap: bool = True) -> str:
    """SPARQL expression: the comparable value of ``var`` (a wrapped literal unwrapped)."""
    if not wrap:
        return var
    return (f'IF(STRSTARTS(STR(DATATYPE({var})), "{WRAP}"), '
            f'STRDT(STR({var}), IRI(STRAFTER(STR(DATATYPE({var})), "{WRAP}"))), {var})')


def is_true(x: object) -> bool:
    """The term ``true`` exactly (as pyshacl and the W3C tests read it; ``"1"^^xsd:boolean`` is not)."""
    return isinstance(x, Literal) and str(x) == "true" and x.datatype == XSD.boolean


def esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def nt_literal(lex: str, datatype: str | None, lang: str | None) -> str:
    """Canonical N-Triples form of a literal (shared by both engines' results)."""
    if lang:
        return f'"{esc(lex)}"@{lang.lower()}'
    if datatype and datatype != XSD_NS + "string":
        return f'"{esc(lex)}"^^<{datatype}>'
    return f'"{esc(lex)}"'


#: what pyoxigraph's ``default_graph`` takes a list of
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The solutions of a SELECT run on a store (pyoxigraph types ``Store.query`` as any form's answer)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    return result


def integer(x: Node) -> int:
    """The integer a term's lexical form writes (``sh:minCount 1``): what ``int()`` reads from an rdflib term."""
    return int(str(x))


def nt(t: object) -> str:
    """Canonical N-Triples form of an rdflib term."""
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, Literal):
        return nt_literal(str(t), str(t.datatype) if t.datatype else None, t.language)
    return f"<{t}>"


def ox_nt(t: object) -> str:
    """Canonical N-Triples form of a pyoxigraph term (as :func:`nt`; wrapped datatypes unwrapped)."""
    if isinstance(t, ox.Literal):
        return nt_literal(t.value, t.datatype.value.removeprefix(WRAP), t.language)
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return f"<{t.value}>"  # type: ignore[attr-defined]  # anything else is a NamedNode


def rdflib_term(text: str) -> URIRef | BNode | Literal:
    """An N-Triples term (as in results) as the rdflib term pyshacl would report."""
    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    return from_ox(next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object)


def from_ox(t: object) -> URIRef | BNode | Literal:
    """A pyoxigraph term as an rdflib term: blank-node labels kept, wrapped datatypes unwrapped, and the
    lexical form kept as written (rdflib would otherwise normalise ``"01"^^xsd:integer`` to ``"1"`` and
    ``"1"^^xsd:boolean`` to ``"true"``: different RDF terms, RDF 1.1 Concepts §3.3)."""
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value.removeprefix(WRAP)
        return Literal(t.value) if dt == XSD_NS + "string" else Literal(t.value, datatype=URIRef(dt), normalize=False)
    return URIRef(t.value)  # type: ignore[attr-defined]  # anything else is a NamedNode


def parse_graph(path: str | Path | None = None, *, data: bytes | None = None,
                fmt: ox.RdfFormat = ox.RdfFormat.TURTLE, base: str | None = None) -> Graph:
    """An RDF file (or ``data``) as an rdflib graph, parsed by pyoxigraph so that every literal keeps its
    lexical form (:func:`from_ox`); rdflib's own parsers normalise them, which changes terms that SHACL
    compares by RDF term equality (``sh:in``, ``sh:hasValue``) or reads as the literal ``true``."""
    g = Graph()
    quads = ox.parse(data, path=None if path is None else str(path), format=fmt, base_iri=base)
    for t in quads:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g


def sparql_term(t: object, wrap: bool = True) -> str:
    """An rdflib term in SPARQL syntax (as stored: wrapped datatypes unless ``wrap`` is False)."""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        dt = str(t.datatype) if t.datatype else None
        if wrap and dt in WRAPPED:
            dt = WRAP + str(dt)
        return nt_literal(str(t), dt, t.language)
    raise Unsupported(f"cannot write {t!r} into SPARQL")


def path_sparql(g: Graph, p: Node) -> str:
    """A SHACL path (§2.3.1) as a SPARQL 1.1 property path; also the canonical path key."""
    if isinstance(p, URIRef):
        return f"<{p}>"
    if (p, RDF.first, None) in g:
        return "(" + "/".join(path_sparql(g, x) for x in Collection(g, p)) + ")"
    for pred, fmt in (
        (SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?"),
    ):  # fmt: skip
        o = g.value(p, pred)
        if o is not None:
            inner = path_sparql(g, o)
            return fmt.format(inner if inner.startswith(("<", "(")) else f"({inner})")
    alt = g.value(p, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(g, x) for x in Collection(g, alt)) + ")"
    raise Unsupported(f"unknown path {p!r}")


def shape_key(g: Graph, node: Node | None) -> str:
    """N-Triples for an IRI shape; a content hash for a blank-node shape (stable across copies)."""
    if not isinstance(node, BNode):
        return nt(node)

    def canon(n: Node, depth: int) -> str:
        if not isinstance(n, BNode) or depth > 20:
            return nt(n) if not isinstance(n, BNode) else "[]"
        return "[" + ";".join(sorted(f"{nt(p)} {canon(o, depth + 1)}" for p, o in g.predicate_objects(n))) + "]"

    return "_:shape-" + hashlib.sha1(canon(node, 0).encode()).hexdigest()[:16]


def wellformed(dt: str, v: str = "?v") -> str:
    """SPARQL condition: ``v`` (whose datatype is ``dt``) has a valid lexical form."""
    if not dt.startswith(XSD_NS):
        return "true"
    local = dt[len(XSD_NS):]
    if local in _CAST:
        return f"isLiteral(COALESCE(<{dt}>(STR({v})), <urn:x-bad>))"
    if local in INT_RANGE:
        lo, hi = INT_RANGE[local]
        cond = [f"isLiteral(COALESCE(<{XSD_NS}integer>(STR({v})), <urn:x-bad>))"]
        cond += [f"<{XSD_NS}integer>(STR({v})) >= {lo}"] if lo is not None else []
        cond += [f"<{XSD_NS}integer>(STR({v})) <= {hi}"] if hi is not None else []
        return "COALESCE(" + " && ".join(cond) + ", false)"
    return "true"


def to_ox(t: object, wrap: bool = True) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (numeric datatypes wrapped unless ``wrap`` is False)."""
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        dt = str(t.datatype) if t.datatype else None
        return ox.Literal(str(t), datatype=ox.NamedNode(WRAP + dt if wrap and dt in WRAPPED else dt) if dt else None)
    return ox.NamedNode(str(t))


def graph_to_store(store: ox.Store, g: Graph, graph: str | None = None) -> None:
    """Copy an rdflib graph into ``store`` (blank-node labels are kept)."""
    gn = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    # [arg-type]: an rdflib triple's subject is no literal and its predicate an IRI; to_ox's type cannot say so
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), gn) for s, p, o in g])  # type: ignore[arg-type]


_WRAP_RE = re.compile(rb'"\^\^<(' + b"|".join(re.escape(d.encode()) for d in sorted(WRAPPED)) + rb")>")


def load_file(store: ox.Store, path: str | Path, graph: str | None = None) -> None:
    """Load an RDF file, keeping numeric literals exactly as written (see ``WRAP``)."""
    fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    nt_bytes = ox.serialize(ox.parse(path=str(path), format=fmt), format=ox.RdfFormat.N_TRIPLES)
    assert nt_bytes is not None  # serialize without an output returns the bytes
    nt_bytes = _WRAP_RE.sub(rb'"^^<' + WRAP.encode() + rb"\1>", nt_bytes)
    gn = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    store.load(input=nt_bytes, format=ox.RdfFormat.N_TRIPLES, to_graph=gn)
