"""Fast SHACL Core validation: shapes compiled to SPARQL, run on an embedded pyoxigraph store.

One SPARQL query per (shape, constraint component) covers all focus nodes at once
(see :mod:`dprk_ld.validate.shacl_compile`). The findings are meant to be exactly
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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from .shacl_compile import (
    SH_NS,
    WRAP,
    WRAPPED,
    Shape,
    Unsupported,
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
_LOGICAL = (SH.node, SH["not"], SH["and"], SH["or"], SH.xone)
ONTOLOGY_GRAPH = "urn:x-dprk-ld:ontology"


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


def ox_nt(t: object) -> str:
    """Canonical N-Triples form of a pyoxigraph term (same as :func:`shacl_compile.nt`)."""
    if isinstance(t, ox.Literal):
        return nt_literal(t.value, t.datatype.value.removeprefix(WRAP), t.language)
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return f"<{t.value}>"  # type: ignore[attr-defined]


class _Validator:
    def __init__(self, store: ox.Store, shapes: Graph, graphs: list, ontology: str | None) -> None:
        self.store, self.g, self.graphs, self.ontology = store, shapes, graphs, ontology
        self.cache: dict[object, Shape] = {}
        self.stack: list[object] = []
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

    def query(self, q: str) -> list[list[str | None]]:
        res = self.store.query(PROLOGUE + q, default_graph=self.graphs)
        return [[ox_nt(t) if t is not None else None for t in row] for row in res]  # type: ignore[union-attr]

    def shape(self, node: object) -> Shape:
        if node not in self.cache:
            self.cache[node] = read_shape(self.g, node)
        return self.cache[node]

    def _sub(self, cls: list[object]) -> dict[str, list[str]]:
        return {str(c): self.subclasses(str(c)) for c in cls}

    def result(self, s: Shape, comp: str, f: str, v: str | None, path: str | None = None) -> ShaclResult:
        return ShaclResult(f, path if path is not None else s.path, comp, s.severity, s.key, v, s.message)

    def evaluate(self, s: Shape, fp: str) -> list[ShaclResult]:
        """All results of shape ``s`` for the focus nodes bound by focus pattern ``fp``."""
        if s.deactivated:
            return []
        if s.node in self.stack:
            raise Unsupported(f"recursive shape {s.node}")
        self.stack.append(s.node)
        try:
            out: list[ShaclResult] = []
            for comp, args in s.params.items():
                for arg in args:
                    out += self.component(s, comp, arg, fp)
            for p in s.params.get(SH.property, []):
                out += self.evaluate(self.shape(p), child_focus(fp, s))
            return out
        finally:
            self.stack.pop()

    def component(self, s: Shape, comp: URIRef, arg: object, fp: str) -> list[ShaclResult]:
        vp = values_pattern(fp, s)
        f = fp.replace("?__F", "?f")
        sub = self._sub([arg]) if comp == SH["class"] else {}
        cond = value_filter(s, comp, arg, self.g, sub)
        if cond is not None:
            ci = component_iri(comp)
            rows = self.query(f"SELECT DISTINCT ?f ?v WHERE {{ {vp} FILTER({cond}) }}")
            return [self.result(s, ci, r[0], r[1]) for r in rows]  # type: ignore[arg-type]
        if comp in (SH.minCount, SH.maxCount):
            n = int(arg)  # type: ignore[call-overload]
            if comp == SH.minCount and n == 0:
                return []
            if comp == SH.minCount and n == 1:
                q = f"SELECT DISTINCT ?f WHERE {{ {f} FILTER NOT EXISTS {{ ?f {s.path} ?v }} }}"
            elif comp == SH.minCount:
                q = (
                    f"SELECT ?f WHERE {{ {f} OPTIONAL {{ ?f {s.path} ?v }} }} "
                    f"GROUP BY ?f HAVING(COUNT(DISTINCT ?v) < {n})"
                )
            else:
                q = f"SELECT ?f WHERE {{ {f} ?f {s.path} ?v }} GROUP BY ?f HAVING(COUNT(DISTINCT ?v) > {n})"
            return [self.result(s, component_iri(comp), r[0], None) for r in self.query(q)]  # type: ignore[arg-type]
        if comp == SH.hasValue:
            if s.path is None:
                cond = f"FILTER(!sameTerm(?f, {sparql_term(arg)}))"
            else:
                cond = f"FILTER NOT EXISTS {{ ?f {s.path} {sparql_term(arg)} }}"
            rows = self.query(f"SELECT DISTINCT ?f WHERE {{ {f} {cond} }}")
            return [self.result(s, component_iri(comp), r[0], None) for r in rows]  # type: ignore[arg-type]
        if comp == SH.uniqueLang:
            if not is_true(arg) or s.path is None:
                return []
            q = (
                f"SELECT DISTINCT ?f (LCASE(lang(?v)) AS ?l) WHERE {{ {vp} ?f {s.path} ?w "
                f'FILTER(!sameTerm(?v, ?w) && lang(?v) != "" && LCASE(lang(?v)) = LCASE(lang(?w))) }}'
            )
            return [self.result(s, component_iri(comp), r[0], None) for r in self.query(q)]  # type: ignore[arg-type]
        if comp in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            rows = self.query(pair_query(s, comp, arg, fp))
            return [self.result(s, component_iri(comp), r[0], r[1]) for r in rows]  # type: ignore[arg-type]
        if comp == SH.closed:
            return self.closed(s, arg, vp)
        if comp in _LOGICAL:
            return self.logical(s, comp, arg, fp, vp)
        if comp == SH.qualifiedValueShape:
            return self.qualified(s, arg, fp, vp)
        return []  # targets, path, severity, message, flags, annotations ...

    def closed(self, s: Shape, arg: object, vp: str) -> list[ShaclResult]:
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
        rows = self.query(f"SELECT DISTINCT ?f ?p ?o WHERE {{ {vp} ?v ?p ?o {flt} }}")
        ci = component_iri(SH.closed)
        return [self.result(s, ci, r[0], r[2], r[1]) for r in rows]  # type: ignore[arg-type]

    def failing(self, member: object, candidates: str) -> set[str]:
        """Nodes among ``candidates`` (a focus pattern) that do not conform to ``member``."""
        return {r.focus for r in self.evaluate(self.shape(member), candidates)}

    def logical(self, s: Shape, comp: URIRef, arg: object, fp: str, vp: str) -> list[ShaclResult]:
        members = [arg] if comp in (SH.node, SH["not"]) else list(Collection(self.g, arg))  # type: ignore[arg-type]
        cand = child_focus(fp, s)
        fails = [self.failing(m, cand) for m in members]
        out = []
        for f, v in self.query(f"SELECT DISTINCT ?f ?v WHERE {{ {vp} }}"):
            ok = [v not in fl for fl in fails]
            bad = {
                SH.node: not ok[0] if ok else False,
                SH["not"]: ok[0] if ok else False,
                SH["and"]: not all(ok),
                SH["or"]: not any(ok),
                SH.xone: sum(ok) != 1,
            }[comp]
            if bad:
                out.append(self.result(s, component_iri(comp), f, v))  # type: ignore[arg-type]
        return out

    def qualified(self, s: Shape, arg: object, fp: str, vp: str) -> list[ShaclResult]:
        lo, hi = s.one(SH.qualifiedMinCount), s.one(SH.qualifiedMaxCount)
        fails = self.failing(arg, child_focus(fp, s))
        focus = self.query(f"SELECT DISTINCT ?f WHERE {{ {fp.replace('?__F', '?f')} }}")
        count: dict[str, int] = {r[0]: 0 for r in focus}  # type: ignore[misc]
        for f, v in self.query(f"SELECT DISTINCT ?f ?v WHERE {{ {vp} }}"):
            count[f] = count.get(f, 0) + (v not in fails)  # type: ignore[index]
        out = []
        for f, n in count.items():
            if lo is not None and n < int(lo):  # type: ignore[call-overload]
                out.append(self.result(s, SH_NS + "QualifiedMinCountConstraintComponent", f, None))
            if hi is not None and n > int(hi):  # type: ignore[call-overload]
                out.append(self.result(s, SH_NS + "QualifiedMaxCountConstraintComponent", f, None))
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

        sg = Graph()
        for t in self.g:
            sg.add(t)
        for n in self.top_level():
            if n not in nodes:
                for t in _TARGETS:
                    sg.remove((n, t, None))
                sg.remove((n, RDF.type, RDFS.Class))
        ont = export([ox.NamedNode(self.ontology)]) if self.ontology else None
        _, rg, _ = pyshacl.validate(export(self.graphs), shacl_graph=sg, ont_graph=ont, inference="none")
        return results_from_pyshacl(rg)  # type: ignore[arg-type]


def validate_store(
    store: ox.Store,
    shapes: Graph,
    data_graphs: list[str] | None = None,
    ontology_graph: str | None = None,
) -> FastReport:
    """Validate the data graphs of ``store`` (default: every graph but the ontology) against ``shapes``."""
    if data_graphs is None:
        graphs: list = [ox.DefaultGraph()] + [g for g in store.named_graphs() if g.value != ontology_graph]
    else:
        graphs = [ox.NamedNode(g) for g in data_graphs]
    v = _Validator(store, shapes, graphs, ontology_graph)
    results: list[ShaclResult] = []
    unsupported: list[object] = []
    for node in v.top_level():
        try:
            s = v.shape(node)
            sub = {str(c): v.subclasses(str(c)) for c in s.params.get(SH.targetClass, [])}
            sub[str(node)] = v.subclasses(str(node))
            fp = target_pattern(shapes, s, sub)
            if fp is not None:
                results += v.evaluate(s, fp)
        except Unsupported:
            v.stack.clear()
            unsupported.append(node)
    if unsupported:
        results += v.fallback(unsupported)
    return FastReport(not results, results, [str(n) for n in unsupported])


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
