"""Fast SHACL Core validation: shapes compiled to SPARQL, run on an embedded pyoxigraph store.

Queries cover all focus nodes at once (see :mod:`dprk_ld.validate.shacl_compile`): each
top-level shape's focus nodes and each class's instances are materialised once into a
temporary named graph (removed before returning); the value conditions and min/maxCount of
the property shapes sharing a focus set and a path are merged into one query each; logical
constraints over value-condition-only shapes are inlined; large focus sets are joined to their values
by hashing (:mod:`dprk_ld.validate.fastshacl_queries`). The findings are meant to be exactly
pyshacl's (same focus nodes, paths, components, severities, source shapes and values);
``results_from_pyshacl`` turns a pyshacl report into the same :class:`ShaclResult` values
so the two can be compared as sets.

Fallback: a top-level shape the compiler cannot handle (SPARQL-based constraints,
non-Core parameters, ``sh:qualifiedValueShapesDisjoint``, recursive shapes ...) is not
skipped: the data graphs are exported from the store and pyshacl validates that shape
alone (``use_shapes``); its IRI is listed in :attr:`FastReport.fallback_shapes`.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from ..load import Dataset
from .fastshacl_queries import _TARGETS, QueryBuilder, Task
from .report import Finding
from .shacl_compile import (
    FV,
    WRAP,
    WRAPPED,
    Shape,
    Unsupported,
    nt,
    nt_literal,
    path_sparql,
    read_shape,
    shape_key,
    target_pattern,
)

PROLOGUE = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
ONTOLOGY_GRAPH = "urn:x-dprk-ld:ontology"
HAS = ox.NamedNode("urn:x-fastshacl:has")
#: focus sets from this size on are joined to their values by hashing (below, one lookup per node is cheaper)
HASH_MIN = 1000


@dataclass(frozen=True)
class ShaclResult:
    """One validation result; ``message`` is informative only (not part of equality)."""

    focus: str
    path: str | None
    component: str
    severity: str
    source_shape: str
    value: str | None
    message: str | None = field(default=None, compare=False)


@dataclass
class FastReport:
    conforms: bool
    results: list[ShaclResult]
    fallback_shapes: list[str] = field(default_factory=list)
    shapes: dict[object, Shape] = field(default_factory=dict, repr=False)  # shape node -> compiled shape


def ox_nt(t: object) -> str:
    """Canonical N-Triples form of a pyoxigraph term (same as :func:`shacl_compile.nt`)."""
    if isinstance(t, ox.Literal):
        return nt_literal(t.value, t.datatype.value.removeprefix(WRAP), t.language)
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return f"<{t.value}>"  # type: ignore[attr-defined]


class _Validator(QueryBuilder):
    """Node sets, query running and results; the queries themselves come from :class:`QueryBuilder`."""

    def __init__(self, store: ox.Store, shapes: Graph, graphs: list, ontology: str | None, wrap: bool = True) -> None:
        self.store, self.g, self.graphs, self.ontology, self.wrap = store, shapes, graphs, ontology, wrap
        self.cache: dict[object, Shape] = {}
        self.stack: list[object] = []
        self.fresh_n = 0
        #: temporary named graph of materialised node sets: ``<set> <urn:x-fastshacl:has> node``
        self.sets_graph = ox.NamedNode(f"urn:x-fastshacl:sets:{uuid.uuid4().hex}")
        self.class_sets: dict[str, str] = {}  # class IRI -> set IRI (its instances, subclasses included)
        self.n_sets = 0
        self.set_sizes: dict[str, int] = {}
        self.big: set[str] = set()
        hier = graphs + ([ox.NamedNode(ontology)] if ontology else [])
        self.children: dict[str, set[str]] = defaultdict(set)
        q = f"SELECT ?s ?o WHERE {{ ?s <{RDFS.subClassOf}> ?o }}"
        for row in store.query(q, default_graph=hier):  # type: ignore[union-attr]
            self.children[ox_nt(row[1])].add(ox_nt(row[0]))
        self.sub_memo: dict[str, list[str]] = {}

    def subclasses(self, c: str) -> list[str]:
        if c not in self.sub_memo:
            seen, todo = {f"<{c}>"}, [f"<{c}>"]
            while todo:
                for k in self.children.get(todo.pop(), ()):
                    if k not in seen and k.startswith("<"):
                        seen.add(k)
                        todo.append(k)
            self.sub_memo[c] = sorted(x[1:-1] for x in seen)
        return self.sub_memo[c]

    def node_set(self, query: str) -> str:
        """Materialise the nodes ``query`` (a SELECT of one variable) returns as a new set; its IRI."""
        key = ox.NamedNode(f"urn:x-fastshacl:set:{self.n_sets}")
        self.n_sets += 1
        g = self.sets_graph
        rows = self.store.query(PROLOGUE + query, default_graph=self.graphs)
        quads = [ox.Quad(key, HAS, row[0], g) for row in rows]  # type: ignore[union-attr, index]
        self.store.extend(quads)
        self.set_sizes[key.value] = len(quads)
        return key.value

    def in_set(self, key: str, var: str) -> str:
        """Pattern: ``var`` is in the node set ``key``."""
        return f"GRAPH <{self.sets_graph.value}> {{ <{key}> <{HAS.value}> {var} }}"

    def member(self, c: str, var: str) -> str:
        """Pattern: ``var`` is an instance of class ``c`` (or of a subclass); instances materialised once."""
        if c not in self.class_sets:
            vals = " ".join(f"<{x}>" for x in self.subclasses(c))
            self.class_sets[c] = self.node_set(f"SELECT DISTINCT ?x WHERE {{ ?x a ?c . VALUES ?c {{ {vals} }} }}")
        return self.in_set(self.class_sets[c], var)

    def focus(self, s: Shape) -> str | None:
        """The focus pattern of top-level shape ``s``: its target nodes, materialised once as a node set."""
        fp, is_set = target_pattern(self.g, s, self.member, self.wrap)
        if fp is None:
            return None
        if is_set:
            key = next(k for k in self.set_sizes if f"<{k}>" in fp)
        else:
            key = self.node_set(f"SELECT {FV} WHERE {{ {fp} }}")
            fp = "{ " + self.in_set(key, FV) + " }"
        if self.set_sizes[key] >= HASH_MIN:
            self.big.add(fp)
        return fp

    def run(self, tasks: list[Task], threads: int) -> list[ShaclResult]:
        """Run the compiled queries on a thread pool (measured: pyoxigraph keeps the GIL while results
        are iterated, so the threads overlap little)."""
        with ThreadPoolExecutor(max(1, threads)) as pool:
            answers = list(pool.map(lambda t: self.query(t[0]), tasks))
        return [r for (_, decode), rows in zip(tasks, answers, strict=True) for r in decode(rows)]

    def query(self, q: str) -> list[list[str | None]]:
        res = self.store.query(PROLOGUE + q, default_graph=self.graphs)
        return [[ox_nt(t) if t is not None else None for t in row] for row in res]  # type: ignore[union-attr]

    def shape(self, node: object) -> Shape:
        if node not in self.cache:
            self.cache[node] = read_shape(self.g, node)
        return self.cache[node]

    def result(self, s: Shape, comp: str, f: str, v: str | None, path: str | None = None) -> ShaclResult:
        return ShaclResult(f, path if path is not None else s.path, comp, s.severity, s.key, v, s.message)

    def top_level(self) -> list[object]:
        nodes = {n for t in _TARGETS for n in self.g.subjects(t, None)}
        for kind in (SH.NodeShape, SH.PropertyShape):
            nodes |= {n for n in self.g.subjects(RDF.type, kind) if (n, RDF.type, RDFS.Class) in self.g}
        return sorted(nodes, key=str)

    def fallback(self, nodes: list[object]) -> list[ShaclResult]:
        """pyshacl on the exported data, with targets removed from every top-level shape but ``nodes``."""
        import pyshacl

        def export(graphs: list) -> Graph:
            g = Graph()
            for gr in graphs:
                raw = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=gr)
                g.parse(data=raw.replace(b"^^<" + WRAP.encode(), b"^^<"), format="nt")  # type: ignore[union-attr]
            return g

        ont = export([ox.NamedNode(self.ontology)]) if self.ontology else None
        sg = only_shapes(self.g, nodes, self.top_level())
        _, rg, _ = pyshacl.validate(export(self.graphs), shacl_graph=sg, ont_graph=ont, inference="none")
        return results_from_pyshacl(rg)  # type: ignore[arg-type]


def only_shapes(shapes: Graph, keep: list[object], top: list[object]) -> Graph:
    """A copy of ``shapes`` in which only the top-level shapes ``keep`` still have targets."""
    sg = Graph()
    for t in shapes:
        sg.add(t)
    for n in top:
        if n not in keep:
            for t in _TARGETS:
                sg.remove((n, t, None))
            sg.remove((n, RDF.type, RDFS.Class))
    return sg


def validate_store(
    store: ox.Store,
    shapes: Graph,
    data_graphs: list[str] | None = None,
    ontology_graph: str | None = None,
    *,
    wrap: bool = True,
    fallback: bool = True,
    threads: int = 2,
) -> FastReport:
    """Validate the data graphs of ``store`` (default: every graph but the ontology) against ``shapes``.

    ``wrap``: the store holds numeric literals wrapped (:func:`load_file`, :func:`graph_to_store`);
    False for a store loaded as is (e.g. :class:`dprk_ld.load.Dataset`). ``fallback``: run pyshacl
    for shapes the compiler cannot handle (else they are only listed in ``fallback_shapes``).
    ``threads``: queries run concurrently on this many threads.

    Each top-level shape's focus nodes and each class's instances are computed once into a
    temporary named graph of ``store``, which is removed before returning (even on error).
    """
    if data_graphs is None:
        graphs: list = [ox.DefaultGraph()] + [g for g in store.named_graphs() if g.value != ontology_graph]
    else:
        graphs = [ox.NamedNode(g) for g in data_graphs]
    v = _Validator(store, shapes, graphs, ontology_graph, wrap)
    tasks: list[Task] = []
    unsupported: list[object] = []
    try:  # the store is the caller's: leave it as found (node sets live in a temporary graph)
        for node in v.top_level():
            try:
                s = v.shape(node)
                fp = v.focus(s)
                if fp is not None:
                    tasks += v.evaluate(s, fp)
            except Unsupported:
                v.stack.clear()
                unsupported.append(node)
        results = v.run(tasks, threads)
    finally:
        store.remove_graph(v.sets_graph)
    if unsupported and fallback:
        results += v.fallback(unsupported)
    return FastReport(not results, results, [str(n) for n in unsupported], v.cache)


def _to_ox(t: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        dt = str(t.datatype) if t.datatype else None
        return ox.Literal(str(t), datatype=ox.NamedNode(WRAP + dt if dt in WRAPPED else dt) if dt else None)
    return ox.NamedNode(str(t))


def graph_to_store(store: ox.Store, g: Graph, graph: str | None = None) -> None:
    """Copy an rdflib graph into ``store`` (blank-node labels are kept)."""
    gn = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    store.extend([ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), gn) for s, p, o in g])  # type: ignore[arg-type]


_WRAP_RE = re.compile(rb'"\^\^<(' + b"|".join(re.escape(d.encode()) for d in sorted(WRAPPED)) + rb")>")


def load_file(store: ox.Store, path: str | Path, graph: str | None = None) -> None:
    """Bulk-load an RDF file, keeping numeric literals exactly as written (see ``shacl_compile.WRAP``)."""
    fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    nt_bytes = ox.serialize(ox.parse(path=str(path), format=fmt), format=ox.RdfFormat.N_TRIPLES)
    nt_bytes = _WRAP_RE.sub(rb'"^^<' + WRAP.encode() + rb"\1>", nt_bytes)  # type: ignore[arg-type]
    gn = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    store.bulk_load(input=nt_bytes, format=ox.RdfFormat.N_TRIPLES, to_graph=gn)


def validate_graphs(data: Graph, shapes: Graph, ontology: Graph | None = None) -> FastReport:
    """Convenience: copy rdflib graphs into a fresh in-memory store and validate."""
    store = ox.Store()
    graph_to_store(store, data)
    if ontology is not None:
        graph_to_store(store, ontology, ONTOLOGY_GRAPH)
    return validate_store(store, shapes, None, ONTOLOGY_GRAPH if ontology is not None else None)


def results_from_pyshacl(report_graph: Graph) -> list[ShaclResult]:
    """pyshacl's report graph as :class:`ShaclResult` values (top-level sh:result only)."""
    out = []
    for rep in report_graph.subjects(RDF.type, SH.ValidationReport):
        for r in report_graph.objects(rep, SH.result):
            g = report_graph.value
            path, value = g(r, SH.resultPath), g(r, SH.value)
            msgs = sorted(str(m) for m in report_graph.objects(r, SH.resultMessage))
            out.append(
                ShaclResult(
                    nt(g(r, SH.focusNode)),
                    None if path is None else path_sparql(report_graph, path),
                    str(g(r, SH.sourceConstraintComponent)),
                    str(g(r, SH.resultSeverity)),
                    shape_key(report_graph, g(r, SH.sourceShape)),
                    None if value is None else nt(value),
                    msgs[0] if msgs else None,
                )
            )
    return out


def validate_dataset_fast(dataset: Dataset, fallback: bool = True) -> list[Finding]:
    """SHACL findings for a loaded project (see :func:`dprk_ld.validate.fastshacl_dataset.validate_dataset_fast`)."""
    from .fastshacl_dataset import validate_dataset_fast as run

    return run(dataset, fallback)
