"""JSON-LD documents compacted with the context we publish (``dprk_ld/context.jsonld``).

Implements JSON-LD 1.1 compaction (W3C Recommendation) through rdflib, with the output put in a
canonical order (nodes by ``@id``, keys and unordered arrays sorted) so the same triples give the
same bytes. The context is inlined so that a reader needs no network; it asks for no JSON-LD 1.1
feature, so JSON-LD 1.0 readers (Jena's, for one) read the documents too.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pyoxigraph as ox
import rdflib

from .namespaces import PREFIXES


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term (blank node labels kept)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


def context() -> dict[str, Any]:
    """The JSON-LD context we publish: ``dprk_ld/context.jsonld`` when present, else our prefixes."""
    try:
        text = resources.files("dprk_ld").joinpath("context.jsonld").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {"@context": dict(PREFIXES)}
    data = json.loads(text)
    return data if "@context" in data else {"@context": data}


def to_jsonld(triples: list[ox.Triple], ctx: dict[str, Any] | None = None) -> bytes:
    """JSON-LD compacted with the published context (inlined so that any parser reads it offline).

    rdflib compacts; the result is then put in a canonical order (nodes by @id, keys and values
    sorted) because rdflib iterates sets whose order changes from run to run.
    """
    ctx = ctx or context()
    graph = rdflib.Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    doc = json.loads(graph.serialize(format="json-ld", context=ctx["@context"], auto_compact=True))
    if not isinstance(doc, dict):
        doc = {"@graph": doc}
    body = {k: v for k, v in doc.items() if k != "@context"}
    if "@graph" not in body:
        body = {"@graph": [body]} if body else {"@graph": []}
    nodes = [_sorted_node(n) for n in body["@graph"]]
    nodes.sort(key=lambda n: (str(n.get("@id", "")), json.dumps(n, sort_keys=True, ensure_ascii=False)))
    out = {"@context": ctx["@context"], "@graph": nodes}
    return (json.dumps(out, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sorted_node(value: Any, ordered: bool = False) -> Any:
    """Keys and (unordered) value arrays in a canonical order; ``@list`` arrays keep their order."""
    if isinstance(value, dict):
        return {k: _sorted_node(value[k], k == "@list")
                for k in sorted(value, key=lambda k: (not k.startswith("@"), k))}
    if isinstance(value, list):
        items = [_sorted_node(v) for v in value]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
