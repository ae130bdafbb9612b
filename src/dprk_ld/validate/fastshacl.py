"""Fast SHACL Core validation: shapes compiled to SPARQL, run on an embedded pyoxigraph store.

Queries cover all focus nodes at once (see :mod:`dprk_ld.validate.shacl_compile`): each
top-level shape's focus nodes and each class's instances are materialised once into a
temporary named graph (removed before returning); the value conditions and min/maxCount of
the property shapes sharing a focus set and a path are merged into one query each; logical
constraints over value-condition-only shapes are inlined; queries run on 2 threads. The findings are meant to be exactly
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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..load import Dataset
from ..report import Finding
from .shacl_compile import (
    ANNOTATION_ONLY,
    FV,
    SH_NS,
    WRAP,
    WRAPPED,
    Shape,
    Unsupported,
    bind,
    child_focus,
    component_iri,
    is_true,
    nt,
    nt_literal,
    pair_query,
    path_sparql,
    read_shape,
    shape_key,
    sparql_term,
    target_pattern,
    value_filter,
    values_pattern,
)

PROLOGUE = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_F = re.compile(r"\?f\b")  # the focus variable of a component query
_LOGICAL = (SH.node, SH["not"], SH["and"], SH["or"], SH.xone)
ONTOLOGY_GRAPH = "urn:x-dprk-ld:ontology"
HAS = ox.NamedNode("urn:x-fastshacl:has")
#: parameters that are no constraint by themselves (a shape of value conditions may carry them)
_PASSIVE = {*_TARGETS, SH.severity, SH.message, SH.flags, SH.deactivated, *ANNOTATION_ONLY}


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


Task = tuple[str, Callable[[list], list["ShaclResult"]]]  # (SELECT query, rows -> results)
_TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'


@dataclass
class _Merged:
    """The simple constraints of the property shapes that share a focus pattern and a path.

    They are checked by two queries in all instead of one per constraint: one over the value
    nodes with a flag per value condition, and one counting the value nodes for min/maxCount.
    """

    fp: str
    shape: Shape  # any of them (for the path)
    conds: list[tuple[Shape, str, str]] = field(default_factory=list)  # (shape, component, condition)
    counts: list[tuple[Shape, str, str, int]] = field(default_factory=list)  # (shape, component, op, n)


class _Validator:
    def __init__(self, store: ox.Store, shapes: Graph, graphs: list, ontology: str | None, wrap: bool = True) -> None:
        self.store, self.g, self.graphs, self.ontology, self.wrap = store, shapes, graphs, ontology, wrap
        self.cache: dict[object, Shape] = {}
        self.stack: list[object] = []
        self.fresh_n = 0
        #: temporary named graph of materialised node sets: ``<set> <urn:x-fastshacl:has> node``
        self.sets_graph = ox.NamedNode(f"urn:x-fastshacl:sets:{uuid.uuid4().hex}")
        self.class_sets: dict[str, str] = {}  # class IRI -> set IRI (its instances, subclasses included)
        self.n_sets = 0
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
        self.store.extend([ox.Quad(key, HAS, row[0], g) for row in rows])  # type: ignore[union-attr, index]
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
        if fp is None or is_set:
            return fp
        return "{ " + self.in_set(self.node_set(f"SELECT {FV} WHERE {{ {fp} }}"), FV) + " }"

    def run(self, tasks: list[Task], threads: int) -> list[ShaclResult]:
        """Run the compiled queries (Oxigraph releases the GIL while it evaluates: 2 threads use 2 cores)."""
        with ThreadPoolExecutor(max(1, threads)) as pool:
            answers = list(pool.map(lambda t: self.query(t[0]), tasks))
        return [r for (_, decode), rows in zip(tasks, answers, strict=True) for r in decode(rows)]

    def task(self, s: Shape, ci: str, q: str, kind: str) -> Task:
        """A query of :meth:`queries` and how its rows become results."""
        def decode(rows: list) -> list[ShaclResult]:
            if kind == "closed":
                return [self.result(s, ci, r[0], r[2], r[1]) for r in rows]
            return [self.result(s, ci, r[0], r[1] if kind == "fv" else None) for r in rows]
        return q, decode

    def merged(self, m: _Merged) -> list[Task]:
        """The (at most two) queries of a :class:`_Merged` group."""
        out: list[Task] = []
        if m.conds:
            flags = [f"?__b{i}" for i in range(len(m.conds))]
            binds = " ".join(f"BIND(COALESCE({c}, false) AS {b})" for (_, _, c), b in zip(m.conds, flags, strict=True))
            q = (f"SELECT DISTINCT ?f ?v {' '.join(flags)} WHERE {{ {values_pattern(m.fp, m.shape)} {binds} "
                 f"FILTER({' || '.join(flags)}) }}")

            def values(rows: list, conds: list = m.conds) -> list[ShaclResult]:
                return [self.result(s, ci, r[0], r[1]) for r in rows
                        for (s, ci, _), b in zip(conds, r[2:], strict=True) if b == _TRUE]
            out.append((q, values))
        if m.counts:
            having = " || ".join(f"COUNT(DISTINCT ?v) {op} {n}" for _, _, op, n in m.counts)
            q = (f"SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {bind(m.fp, '?f')} "
                 f"OPTIONAL {{ ?f {m.shape.path} ?v }} }} GROUP BY ?f HAVING({having})")

            def counted(rows: list, counts: list = m.counts) -> list[ShaclResult]:
                out = []
                for r in rows:
                    n = int(r[1].split('"')[1])  # type: ignore[union-attr]
                    out += [self.result(s, ci, r[0], None) for s, ci, op, k in counts
                            if (n < k if op == "<" else n > k)]
                return out
            out.append((q, counted))
        return out

    def fresh(self) -> str:
        self.fresh_n += 1
        return f"?__g{self.fresh_n}"

    def query(self, q: str) -> list[list[str | None]]:
        res = self.store.query(PROLOGUE + q, default_graph=self.graphs)
        return [[ox_nt(t) if t is not None else None for t in row] for row in res]  # type: ignore[union-attr]

    def shape(self, node: object) -> Shape:
        if node not in self.cache:
            self.cache[node] = read_shape(self.g, node)
        return self.cache[node]

    def result(self, s: Shape, comp: str, f: str, v: str | None, path: str | None = None) -> ShaclResult:
        return ShaclResult(f, path if path is not None else s.path, comp, s.severity, s.key, v, s.message)

    def evaluate(self, s: Shape, fp: str, groups: dict[tuple[str, str | None], _Merged] | None = None
                 ) -> list[Task]:
        """The queries giving all results of shape ``s`` for the focus nodes bound by focus pattern ``fp``.

        Value conditions and min/maxCount of the shapes that share ``fp`` and a path are merged
        (``groups``, flushed by the outermost call) into one query each.
        """
        if s.deactivated:
            return []
        top = groups is None
        groups = {} if groups is None else groups
        with self.visiting(s):
            out: list[Task] = []
            m = groups.setdefault((fp, s.path), _Merged(fp, s))
            for comp, args in s.params.items():
                for arg in args:
                    cond = self.condition(s, comp, arg)
                    if cond is not None:
                        m.conds.append((s, component_iri(comp), cond))
                    elif comp in (SH.minCount, SH.maxCount) and s.path is not None:
                        n, op = int(arg), "<" if comp == SH.minCount else ">"  # type: ignore[call-overload]
                        if n > 0 or op == ">":
                            m.counts.append((s, component_iri(comp), op, n))
                    else:
                        out += [self.task(s, ci, q, kind) for ci, q, kind in self.queries(s, comp, arg, fp)]
            for p in s.params.get(SH.property, []):
                out += self.evaluate(self.shape(p), child_focus(fp, s), groups)
        if top:
            out += [t for g in groups.values() for t in self.merged(g)]
        return out

    @contextmanager
    def visiting(self, s: Shape) -> Iterator[None]:
        if s.node in self.stack:
            raise Unsupported(f"recursive shape {s.node}")
        self.stack.append(s.node)
        try:
            yield
        finally:
            self.stack.pop()

    def fail_focus(self, s: Shape, fp: str) -> str:
        """A focus pattern of the nodes among those of ``fp`` that do not conform to ``s`` (all in SPARQL)."""
        parts: list[str] = []
        if not s.deactivated:
            if s.path is not None and s.params.get(SH.property):
                raise Unsupported("sh:property under a property shape inside a logical constraint")
            with self.visiting(s):
                for comp, args in s.params.items():
                    for arg in args:
                        for _, q, _ in self.queries(s, comp, arg, fp):
                            g = self.fresh()
                            q = _F.sub(g, q)
                            inner = f"{{ SELECT DISTINCT {g} WHERE {{ {{ {q} }} }} }}"
                            parts.append(f"{{ SELECT ({g} AS {FV}) WHERE {{ {inner} }} }}")
                parts += [self.fail_focus(self.shape(p), fp) for p in s.params.get(SH.property, [])]
        if not parts:
            return f"{{ SELECT {FV} WHERE {{ FILTER(false) }} }}"
        return f"{{ SELECT DISTINCT {FV} WHERE {{ {' UNION '.join(parts)} }} }}"

    def condition(self, s: Shape, comp: URIRef, arg: object) -> str | None:
        """A SPARQL condition true when value node ``?v`` violates ``comp`` (None: not a value condition).

        Logical constraints whose member shapes hold value conditions only (``sh:or ([sh:datatype
        xsd:date] [sh:datatype xsd:gYear])``) are inlined: no subquery per member."""
        cond = value_filter(s, comp, arg, self.g, self.member, self.wrap)
        if cond is not None or comp not in _LOGICAL:
            return cond
        members = [arg] if comp in (SH.node, SH["not"]) else list(Collection(self.g, arg))  # type: ignore[arg-type]
        fails = [self.fails(self.shape(m)) for m in members]
        if any(f is None for f in fails):
            return None
        if comp == SH.node:
            return fails[0]
        if comp == SH["not"]:
            return f"!{fails[0]}"
        if comp in (SH["and"], SH["or"]):
            return (" || " if comp == SH["and"] else " && ").join(fails) or str(comp == SH["or"]).lower()  # type: ignore[arg-type]
        return "(" + (" + ".join(f"IF({f}, 0, 1)" for f in fails) or "0") + ") != 1"  # type: ignore[str-format]

    def fails(self, m: Shape) -> str | None:
        """Condition: ``?v`` does not conform to shape ``m``; None unless ``m`` is value conditions only."""
        if m.deactivated:
            return "false"
        if m.path is not None:
            return None
        conds = []
        with self.visiting(m):
            for comp, args in m.params.items():
                if comp in _PASSIVE:
                    continue
                for a in args:
                    c = self.condition(m, comp, a)
                    if c is None:
                        return None
                    conds.append(f"COALESCE({c}, false)")
        return "(" + (" || ".join(conds) or "false") + ")"

    def queries(self, s: Shape, comp: URIRef, arg: object, fp: str) -> list[tuple[str, str, str]]:
        """(component IRI, SELECT query, kind) for one constraint; every query projects ``?f`` first.

        kind "fv": ``?f ?v`` (value reported); "f": ``?f`` only; "closed": ``?f ?p ?o``.
        """
        vp = values_pattern(fp, s)
        f = bind(fp, "?f")
        cond = self.condition(s, comp, arg)
        if cond is not None:
            return [(component_iri(comp), f"SELECT DISTINCT ?f ?v WHERE {{ {vp} FILTER({cond}) }}", "fv")]
        if comp in (SH.minCount, SH.maxCount):
            n = int(arg)  # type: ignore[call-overload]
            if comp == SH.minCount and n == 0:
                return []
            if comp == SH.minCount and n == 1:
                q = f"SELECT DISTINCT ?f WHERE {{ {f} FILTER NOT EXISTS {{ ?f {s.path} ?v }} }}"
            elif comp == SH.minCount:
                q = (f"SELECT ?f WHERE {{ {f} OPTIONAL {{ ?f {s.path} ?v }} }} "
                     f"GROUP BY ?f HAVING(COUNT(DISTINCT ?v) < {n})")
            else:
                q = f"SELECT ?f WHERE {{ {f} ?f {s.path} ?v }} GROUP BY ?f HAVING(COUNT(DISTINCT ?v) > {n})"
            return [(component_iri(comp), q, "f")]
        if comp == SH.hasValue:
            t = sparql_term(arg, self.wrap)
            cond = f"FILTER(!sameTerm(?f, {t}))" if s.path is None else f"FILTER NOT EXISTS {{ ?f {s.path} {t} }}"
            return [(component_iri(comp), f"SELECT DISTINCT ?f WHERE {{ {f} {cond} }}", "f")]
        if comp == SH.uniqueLang:
            if not is_true(arg) or s.path is None:
                return []
            q = (
                f"SELECT DISTINCT ?f (LCASE(lang(?v)) AS ?l) WHERE {{ {vp} ?f {s.path} ?w "
                f'FILTER(!sameTerm(?v, ?w) && lang(?v) != "" && LCASE(lang(?v)) = LCASE(lang(?w))) }}'
            )
            return [(component_iri(comp), q, "f")]
        if comp in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            return [(component_iri(comp), pair_query(s, comp, arg, fp, self.wrap), "fv")]
        if comp == SH.closed:
            return self.closed(s, arg, vp)
        if comp in _LOGICAL:
            return [(component_iri(comp), self.logical(s, comp, arg, fp, vp), "fv")]
        if comp == SH.qualifiedValueShape:
            return self.qualified(s, arg, fp)
        return []  # targets, path, severity, message, flags, annotations ...

    def closed(self, s: Shape, arg: object, vp: str) -> list[tuple[str, str, str]]:
        if not is_true(arg):
            return []
        allowed = set()
        for p in s.params.get(SH.property, []):
            path = self.g.value(p, SH.path)
            if isinstance(path, URIRef):
                allowed.add(nt(path))
        for ig in s.params.get(SH.ignoredProperties, []):
            allowed |= {nt(x) for x in Collection(self.g, ig)}  # type: ignore[arg-type]
        flt = f"FILTER(?p NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
        return [(component_iri(SH.closed), f"SELECT DISTINCT ?f ?p ?o WHERE {{ {vp} ?v ?p ?o {flt} }}", "closed")]

    def logical(self, s: Shape, comp: URIRef, arg: object, fp: str, vp: str) -> str:
        """sh:node/not/and/or/xone: the failing value nodes of each member are a SPARQL subquery."""
        members = [arg] if comp in (SH.node, SH["not"]) else list(Collection(self.g, arg))  # type: ignore[arg-type]
        cand = child_focus(fp, s)
        fails = [bind(self.fail_focus(self.shape(m), cand), "?v") for m in members]
        if comp == SH.node:
            body = fails[0]
        elif comp == SH["not"]:
            body = f"MINUS {fails[0]}"
        elif comp == SH["and"]:
            body = "{ " + " UNION ".join(fails) + " }" if fails else "FILTER(false)"
        elif comp == SH["or"]:
            body = " ".join(fails)
        else:  # xone: exactly one member conforms
            xs = [self.fresh() for _ in fails]
            opts = " ".join(f"OPTIONAL {{ {fl} BIND(1 AS {x}) }}" for fl, x in zip(fails, xs, strict=True))
            count = " + ".join(f"IF(BOUND({x}), 0, 1)" for x in xs) or "0"
            body = f"{opts} FILTER(({count}) != 1)"
        return f"SELECT DISTINCT ?f ?v WHERE {{ {vp} {body} }}"

    def qualified(self, s: Shape, arg: object, fp: str) -> list[tuple[str, str, str]]:
        if s.path is None:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        inline = self.fails(self.shape(arg))
        if inline is not None:
            keep = f"FILTER(!{inline})"
        else:
            keep = "MINUS " + bind(self.fail_focus(self.shape(arg), child_focus(fp, s)), "?v")
        base = f"SELECT ?f WHERE {{ {bind(fp, '?f')} OPTIONAL {{ ?f {s.path} ?v {keep} }} }} GROUP BY ?f "
        out = []
        lo, hi = s.one(SH.qualifiedMinCount), s.one(SH.qualifiedMaxCount)
        if lo is not None:
            q = base + f"HAVING(COUNT(DISTINCT ?v) < {int(lo)})"  # type: ignore[call-overload]
            out.append((SH_NS + "QualifiedMinCountConstraintComponent", q, "f"))
        if hi is not None:
            q = base + f"HAVING(COUNT(DISTINCT ?v) > {int(hi)})"  # type: ignore[call-overload]
            out.append((SH_NS + "QualifiedMaxCountConstraintComponent", q, "f"))
        return out

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
