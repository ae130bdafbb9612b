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
from collections.abc import Iterator
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
    FV,
    SH_NS,
    WRAP,
    WRAPPED,
    XSD_NS,
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


class _Validator:
    def __init__(self, store: ox.Store, shapes: Graph, graphs: list, ontology: str | None, wrap: bool = True) -> None:
        self.store, self.g, self.graphs, self.ontology, self.wrap = store, shapes, graphs, ontology, wrap
        self.cache: dict[object, Shape] = {}
        self.stack: list[object] = []
        self.fresh_n = 0
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

    def evaluate(self, s: Shape, fp: str) -> list[ShaclResult]:
        """All results of shape ``s`` for the focus nodes bound by focus pattern ``fp``."""
        if s.deactivated:
            return []
        with self.visiting(s):
            out: list[ShaclResult] = []
            for comp, args in s.params.items():
                for arg in args:
                    for ci, q, kind in self.queries(s, comp, arg, fp):
                        for r in self.query(q):
                            if kind == "closed":
                                out.append(self.result(s, ci, r[0], r[2], r[1]))  # type: ignore[arg-type]
                            else:
                                out.append(self.result(s, ci, r[0], r[1] if kind == "fv" else None))  # type: ignore[arg-type]
            for p in s.params.get(SH.property, []):
                out += self.evaluate(self.shape(p), child_focus(fp, s))
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

    def queries(self, s: Shape, comp: URIRef, arg: object, fp: str) -> list[tuple[str, str, str]]:
        """(component IRI, SELECT query, kind) for one constraint; every query projects ``?f`` first.

        kind "fv": ``?f ?v`` (value reported); "f": ``?f`` only; "closed": ``?f ?p ?o``.
        """
        vp = values_pattern(fp, s)
        f = bind(fp, "?f")
        sub = {str(arg): self.subclasses(str(arg))} if comp == SH["class"] else {}
        cond = value_filter(s, comp, arg, self.g, sub, self.wrap)
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
        fail = bind(self.fail_focus(self.shape(arg), child_focus(fp, s)), "?v")
        base = f"SELECT ?f WHERE {{ {bind(fp, '?f')} OPTIONAL {{ ?f {s.path} ?v MINUS {fail} }} }} GROUP BY ?f "
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
) -> FastReport:
    """Validate the data graphs of ``store`` (default: every graph but the ontology) against ``shapes``.

    ``wrap``: the store holds numeric literals wrapped (:func:`load_file`, :func:`graph_to_store`);
    False for a store loaded as is (e.g. :class:`dprk_ld.load.Dataset`). ``fallback``: run pyshacl
    for shapes the compiler cannot handle (else they are only listed in ``fallback_shapes``).
    """
    if data_graphs is None:
        graphs: list = [ox.DefaultGraph()] + [g for g in store.named_graphs() if g.value != ontology_graph]
    else:
        graphs = [ox.NamedNode(g) for g in data_graphs]
    v = _Validator(store, shapes, graphs, ontology_graph, wrap)
    results: list[ShaclResult] = []
    unsupported: list[object] = []
    for node in v.top_level():
        try:
            s = v.shape(node)
            sub = {str(c): v.subclasses(str(c)) for c in s.params.get(SH.targetClass, [])}
            sub[str(node)] = v.subclasses(str(node))
            fp = target_pattern(shapes, s, sub, wrap)
            if fp is not None:
                results += v.evaluate(s, fp)
        except Unsupported:
            v.stack.clear()
            unsupported.append(node)
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


HIERARCHY_GRAPH = "urn:x-dprk-ld:shacl-hierarchy"
_SEVERITY = {SH_NS + "Violation": "violation", SH_NS + "Warning": "warning", SH_NS + "Info": "info"}


def _hierarchy_update(ontology_graphs: list[str]) -> str:
    """SPARQL Update copying what :func:`dprk_ld.validate.shacl.hierarchy_graph` gives pyshacl."""
    using = " ".join(f"USING <{g}>" for g in ontology_graphs)
    owl = "http://www.w3.org/2002/07/owl#NamedIndividual"
    return (
        f"INSERT {{ GRAPH <{HIERARCHY_GRAPH}> {{ ?s <{RDFS.subClassOf}> ?o }} }} {using} "
        f"WHERE {{ ?s <{RDFS.subClassOf}> ?o FILTER(isIRI(?s) && isIRI(?o)) }} ;\n"
        f"INSERT {{ GRAPH <{HIERARCHY_GRAPH}> {{ ?i a ?t }} }} {using} "
        f"WHERE {{ ?i a <{owl}> ; a ?t FILTER(isIRI(?t) && ?t != <{owl}>) }}"
    )


def _rdflib_term(text: str) -> object:
    """An N-Triples term (as in :class:`ShaclResult`) as the rdflib term pyshacl would report."""
    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    lit = next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object
    if lit.language:
        return Literal(lit.value, lang=lit.language)
    dt = lit.datatype.value
    return Literal(lit.value) if dt == XSD_NS + "string" else Literal(lit.value, datatype=URIRef(dt))


def validate_dataset_fast(dataset: Dataset, fallback: bool = True) -> list[Finding]:
    """SHACL findings for ``dataset``'s data graphs (plus the ontology's class hierarchy), as pyshacl's.

    The findings follow :func:`dprk_ld.validate.shacl.findings_from_report`. Shapes the compiler
    cannot handle go to pyshacl when ``fallback`` is true; otherwise a :class:`DprkError` names them.
    """
    from ..errors import DprkError
    from . import shacl

    store, shapes = dataset.store, dataset.shapes
    hier = ox.NamedNode(HIERARCHY_GRAPH)
    onto = dataset.graphs_of("ontology")
    try:
        if onto:
            store.update(_hierarchy_update(onto))
        graphs = [*dataset.graphs_of("data"), HIERARCHY_GRAPH]
        report = validate_store(store, shapes, graphs, None, wrap=False, fallback=False)
        findings = [_finding(dataset, report, r, graphs) for r in report.results]
    finally:
        store.remove_graph(hier)
    if report.fallback_shapes:
        if not fallback:
            raise DprkError(f"the fast SHACL engine cannot compile {', '.join(report.fallback_shapes)}",
                            hint="use --engine auto (pyshacl for those shapes) or --engine pyshacl")
        keep = [n for n in report.shapes if str(n) in report.fallback_shapes]
        keep += [n for n in shapes.all_nodes() if str(n) in report.fallback_shapes and n not in keep]
        import pyshacl

        top = _Validator(store, shapes, [], None, False).top_level()
        data = dataset.data + shacl.hierarchy_graph(dataset)
        try:
            _, rg, _ = pyshacl.validate(data, shacl_graph=only_shapes(shapes, keep, top), inference="none",
                                        allow_warnings=True, allow_infos=True, advanced=False)
        except shacl.ShaclError as exc:
            return findings + [Finding("violation", "shapes", f"pyshacl cannot use the shapes: {exc}")]
        findings += shacl.findings_from_report(dataset, rg, "shacl", data)
    return findings


def _finding(dataset: Dataset, report: FastReport, r: ShaclResult, graphs: list[str]) -> Finding:
    from .common import finding_at, short

    s = next((x for x in report.shapes.values() if x.key == r.source_shape), None)
    focus = _rdflib_term(r.focus)
    value = _rdflib_term(r.value) if r.value is not None else None
    path_node = s.params[SH.path][0] if s is not None and r.path == s.path and s.path is not None else None
    if path_node is None and r.path is not None:
        path_node = URIRef(r.path[1:-1])
    comp = r.component.rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    hint = None
    if value is not None:
        hint = f"offending value: {short(str(value)) if isinstance(value, URIRef) else value.n3()}"
    extra = {}
    if isinstance(focus, BNode):
        where = dataset.locate(_anchor(dataset.store, r.focus, graphs))  # type: ignore[arg-type]
        extra = {"file": where.relpath, "line": where.line} if where else {}
    shape = s.node if s is not None else None
    return finding_at(
        dataset, _txt(focus), severity=_SEVERITY.get(r.severity, "violation"), check="shacl",
        message=r.message or f"{comp} constraint not met", **extra, path=_txt(path_node),
        component=r.component, value=_txt(value), shape=_txt(shape), hint=hint)


def _txt(node: object) -> str | None:
    """As :func:`dprk_ld.validate.shacl._text`: IRIs and literals as strings, blank nodes as ``_:x``."""
    if node is None:
        return None
    return node.n3() if isinstance(node, BNode) else str(node)


def _anchor(store: ox.Store, node: str, graphs: list[str]) -> str | None:
    """The nearest IRI above a blank node, climbing ``?s ?p node`` in the validated graphs."""
    seen: set[str] = set()
    dg = [ox.NamedNode(g) for g in graphs]
    while node.startswith("_:") and node not in seen:
        seen.add(node)
        rows = list(store.query(f"SELECT ?s WHERE {{ ?s ?p {node} }} LIMIT 1", default_graph=dg))
        if not rows:
            return None
        node = ox_nt(rows[0][0])
    return node[1:-1] if node.startswith("<") else None
