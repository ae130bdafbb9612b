"""Deterministic dumps of a loaded dataset in every RDF format of :mod:`dprk_ld.formats`.

Implements RDF 1.1 N-Triples / N-Quads / Turtle / TriG / RDF/XML (W3C Recommendations) and
JSON-LD (compacted with our published ``@context``, :mod:`dprk_ld.jsonld`). The same input gives byte-identical
output: quads are sorted by their canonical N-Quads form, blank nodes get stable labels
derived from their content (a hash of their triples, refined by their neighbours, as in the
first rounds of RDFC-1.0 hashing), and gzip variants are written with ``mtime=0`` and no file
name. pyoxigraph serialises the big dumps; rdflib only compacts JSON-LD.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..formats import BY_NAME, Format, written
from ..jsonld import context, to_jsonld
from ..load import Dataset
from ..namespaces import PREFIXES

#: The dumps a release contains, in the order they are written (format names of dprk_ld.formats).
DUMP_FORMATS: tuple[str, ...] = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml")
QUAD_FORMATS = ("nquads", "trig")
STEM = "dprk-ld"


def _term_key(term: Any) -> str:
    return str(term)


def stable_blank_labels(quads: list[ox.Quad]) -> dict[str, str]:
    """Map each blank node id to a label derived from its content (deterministic across parses)."""
    blanks = sorted({t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)})
    if not blanks:
        return {}
    edges: dict[str, list[tuple[str, str, Any, str]]] = defaultdict(list)
    for q in quads:
        g = str(q.graph_name)
        if isinstance(q.subject, ox.BlankNode):
            edges[q.subject.value].append(("out", str(q.predicate), q.object, g))
        if isinstance(q.object, ox.BlankNode):
            edges[q.object.value].append(("in", str(q.predicate), q.subject, g))
    labels = {b: "" for b in blanks}
    for _ in range(4):  # refine: each round mixes in the neighbours' previous hashes
        new = {}
        for b in blanks:
            parts = sorted(
                f"{d} {p} {labels[o.value] if isinstance(o, ox.BlankNode) else str(o)} {g}"
                for d, p, o, g in edges[b])
            new[b] = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        labels = new
    result: dict[str, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for b in sorted(blanks, key=lambda x: labels[x]):  # identical structures: any order is isomorphic
        h = labels[b][:16]
        seen[h] += 1
        result[b] = f"b{h}" + (f"_{seen[h]}" if seen[h] > 1 else "")
    return result


def source_quads(dataset: Dataset) -> list[ox.Quad]:
    """The dataset's quads exactly as its files have them.

    Re-parsed from the files rather than read back from ``dataset.store``: pyoxigraph's Store
    (0.5) normalises derived integer datatypes (``xsd:nonNegativeInteger``, ``xsd:int``, ...) to
    ``xsd:integer``, and a release must keep the datatypes the curators wrote.
    """
    quads: list[ox.Quad] = []
    for iri, file in sorted(dataset.files.items()):
        graph = ox.NamedNode(iri)
        parsed = ox.parse(file.path.read_bytes(), format=ox.RdfFormat.TURTLE,
                          base_iri=file.path.resolve().as_uri())
        quads.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed)
    return quads


def canonical_quads(dataset: Dataset | list[ox.Quad]) -> list[ox.Quad]:
    """Every quad of the dataset, blank nodes relabelled stably, distinct, sorted by graph then text."""
    quads = list(set(source_quads(dataset) if isinstance(dataset, Dataset) else dataset))
    labels = stable_blank_labels(quads)

    def fix(term: Any) -> Any:
        return ox.BlankNode(labels[term.value]) if isinstance(term, ox.BlankNode) else term

    if labels:
        quads = [ox.Quad(fix(q.subject), q.predicate, fix(q.object), q.graph_name) for q in quads]
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def triples_of(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The union graph: distinct triples, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize(fmt: Format, quads: list[ox.Quad], triples: list[ox.Triple]) -> bytes:
    """One dump as bytes: quad formats keep the named graphs, the others are the union graph."""
    if fmt.name == "jsonld":
        return to_jsonld(triples)
    if fmt.name == "ntriples":
        lines = sorted(set(written(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)).decode("utf-8").splitlines()))
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    if fmt.name == "nquads":
        lines = sorted(set(written(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)).decode("utf-8").splitlines()))
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    data = quads if fmt.name in QUAD_FORMATS else triples
    return written(ox.serialize(data, format=fmt.oxigraph, prefixes=dict(PREFIXES)))


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header (mtime 0, no file name) so the bytes depend only on the content."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_dumps(quads: list[ox.Quad], out_dir: Path, progress: Any = None) -> list[Path]:
    """Write every dump and its gzip variant into ``out_dir``; returns the written paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    triples = triples_of(quads)
    written: list[Path] = []
    for name in DUMP_FORMATS:
        fmt = BY_NAME[name]
        if progress:
            progress(f"dump {fmt.name} ({fmt.media_type})")
        data = serialize(fmt, quads, triples)
        path = out_dir / f"{STEM}.{fmt.extension}"
        path.write_bytes(data)
        gz = out_dir / f"{STEM}.{fmt.extension}.gz"
        gz.write_bytes(gzip_bytes(data))
        written += [path, gz]
    ctx_path = out_dir.parent / "context.jsonld"
    ctx_path.write_text(json.dumps(context(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")
    written.append(ctx_path)
    return written
