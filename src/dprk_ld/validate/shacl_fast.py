"""The SHACL engine (:mod:`dprk_ld.shacl`) on a loaded project, and its results as findings.

Validates a :class:`dprk_ld.load.Dataset`'s data graphs plus what pyshacl's data graph borrows
from the ontology (:func:`copy_update`), both copied into one temporary named graph of the store
that is dropped afterwards. :func:`findings_from_results` is the one converter from engine results
to :class:`~dprk_ld.validate.report.Finding` values, each at the file:line of its focus node.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from .. import oneshot
from .. import shacl as engine
from ..errors import DprkError
from ..lines import Location
from ..load import Dataset
from ..query.results import solutions
from ..shacl.shapes import Shape
from ..shacl.terms import ox_nt, rdflib_term
from .common import short
from .report import Finding

#: the validated graph, a temporary copy: data graphs + hierarchy (``{}``: a fresh id per run)
VALIDATED_GRAPH = "urn:x-fastshacl:validated:{}"
SEVERITY = {str(SH.Violation): "violation", str(SH.Warning): "warning", str(SH.Info): "info"}


def copy_update(target: str, data_graphs: list[str], ontology_graphs: list[str]) -> str:
    """SPARQL Update building the graph pyshacl validates: the data graphs merged into one graph, plus
    the ontology's named class hierarchy and its named individuals' types. One graph rather than a
    default graph made of one graph per file: Oxigraph then answers each triple pattern with one index
    lookup instead of one per graph (measured: 30 -> 18 CPU s of queries at 1M triples, for 1.9 s of copy).
    The graphs are copied one operation each: a single INSERT over all of them holds every solution at
    once (1M triples: peak RSS 1,016 -> 771 MB, CPU 4.2 -> 4.4 s, our shapes' project)."""
    parts = []
    for g in data_graphs:
        parts.append(f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
    if ontology_graphs:
        using = " ".join(f"USING <{g}>" for g in ontology_graphs)
        for template, where in _ONTOLOGY_PART:
            parts.append(f"INSERT {{ GRAPH <{target}> {{ {template} }} }} {using} WHERE {{ {where} }}")
    return " ;\n".join(parts)


_OWL_NI = "http://www.w3.org/2002/07/owl#NamedIndividual"
#: what the validated graph borrows from the ontology (pyshacl's ontology mixing, without inference):
#: its named class hierarchy, and its named individuals' types — (template, pattern) pairs
_ONTOLOGY_PART = (
    (f"?s <{RDFS.subClassOf}> ?o", f"?s <{RDFS.subClassOf}> ?o FILTER(isIRI(?s) && isIRI(?o))"),
    ("?i a ?t", f"?i a <{_OWL_NI}> ; a ?t FILTER(isIRI(?t) && ?t != <{_OWL_NI}>)"),
)


def ontology_part(ontology_graphs: list[str]) -> str:
    """CONSTRUCT query of the ontology's part of the validated graph (see :func:`copy_update`), over
    the union of ``ontology_graphs``."""
    froms = " ".join(f"FROM <{g}>" for g in ontology_graphs)
    return (f"CONSTRUCT {{ {' . '.join(t for t, _ in _ONTOLOGY_PART)} }} {froms} WHERE {{ "
            + " UNION ".join(f"{{ {w} }}" for _, w in _ONTOLOGY_PART) + " }")


def validate_dataset(dataset: Dataset, fallback: bool = True) -> tuple[list[Finding], engine.Report]:
    """SHACL findings for ``dataset``'s data graphs (plus the ontology's class hierarchy), as pyshacl's,
    and the engine's report (for its fallbacks). Without ``fallback``, a constraint the engine cannot
    compile is a :class:`DprkError` raised before any validation work."""
    store, shapes = dataset.store, dataset.shapes
    if not fallback:
        try:
            missing = engine.uncompiled(shapes)
        except engine.ShapesError as exc:
            return [_shapes_finding(dataset, str(exc))], engine.Report(False, [])
        if missing:
            raise DprkError("the fast SHACL engine cannot compile " + "; ".join(missing),
                            hint="use --engine auto (pyshacl for those constraints) or --engine pyshacl")
    merged = dataset.take_merged()
    if merged is not None:  # the data files merged into a store of their own (load_project(data="both"/"merged"))
        oneshot.keep(merged)  # the dprk-ld command exits without freeing it (1.3M quads: 0.4-0.6 s)
        return _validate_in(dataset, merged, None, shapes, fallback)
    target = VALIDATED_GRAPH.format(uuid.uuid4().hex)
    update = copy_update(target, dataset.graphs_of("data"), dataset.graphs_of("ontology"))
    try:  # the store is the dataset's: leave it as found
        if update:
            store.update(update)
        return _validate_in(dataset, store, target, shapes, fallback)
    finally:
        store.remove_graph(ox.NamedNode(target))


def _validate_in(dataset: Dataset, store: ox.Store, target: str | None, shapes: Graph, fallback: bool
                 ) -> tuple[list[Finding], engine.Report]:
    """Validate the graph ``target`` of ``store`` (None: its default graph, a merged store, which gets the
    ontology's part of the validated graph added here)."""
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
    if target is None:
        borrowed = dataset.graphs_of("ontology")
        if borrowed:
            extra = dataset.store.query(ontology_part(borrowed))
            assert isinstance(extra, ox.QueryTriples)  # a CONSTRUCT
            store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in extra])
        graphs = [ox.DefaultGraph()]
    else:
        graphs = [ox.NamedNode(target)]
    try:
        report = engine.validate_store(store, shapes, [target] if target else None, None, wrap=False,
                                       fallback=fallback)
    except engine.ShapesError as exc:
        return [_shapes_finding(dataset, str(exc))], engine.Report(False, [])
    findings = findings_from_results(dataset, report, "shacl", lambda n: _store_anchor(store, n, graphs))
    return findings, report


def _shapes_finding(dataset: Dataset, message: str) -> Finding:
    files = dataset.graphs_of("shapes")
    return Finding("violation", "shapes", f"the shapes cannot be used: {message}",
                   file=dataset.files[files[0]].relpath if files else None, hint="fix the shape the message names")


def findings_from_results(dataset: Dataset, report: engine.Report, check: str,
                          anchor: Callable[[str], str | None]) -> list[Finding]:
    """The findings of the engine's results, each at the file:line of its focus node (of the nearest
    IRI above it, ``anchor``, for a blank node).

    Terms, paths, shapes and messages repeat over the results: each distinct one is converted once and
    its text is one string object shared by the findings (generated shapes seed 4 at 1M triples, 333k
    findings: 95 -> 58 MB of Python heap, with :class:`Finding`'s slots)."""
    keys: dict[str, Shape] = {}
    for x in report.shapes.values():
        keys.setdefault(x.key, x)
    foci = {r.focus for r in report.results}
    anchors = {f: anchor(f) for f in foci if f.startswith("_:")}
    where = dataset.locate_many({f[1:-1] for f in foci if f.startswith("<")} | {a for a in anchors.values() if a})
    del foci  # only the subjects that have findings are looked up: no full index
    focus_memo: dict[str, tuple[str | None, str | None, int | None]] = {}  # N-Triples -> (text, file, line)
    value_memo: dict[str, tuple[str | None, str]] = {}  # N-Triples -> (text, hint)
    shape_memo: dict[tuple[str, str | None], tuple[str | None, str]] = {}  # -> (path text, shape text)
    message_memo: dict[tuple[str | None, str], str] = {}  # (message, component) -> message text
    out = []
    for r in report.results:
        focus = focus_memo.get(r.focus)
        if focus is None:
            focus = focus_memo[r.focus] = _focus(r.focus, anchors, where)
        value_txt = hint = None
        if r.value is not None:
            if r.value not in value_memo:
                value = rdflib_term(r.value)
                value_memo[r.value] = (_txt(value), "offending value: " + (
                    short(str(value)) if isinstance(value, URIRef) else value.n3()))
            value_txt, hint = value_memo[r.value]
        if (r.source_shape, r.path) not in shape_memo:
            shape_memo[(r.source_shape, r.path)] = _path_and_shape(keys.get(r.source_shape), r)
        path_txt, shape_txt = shape_memo[(r.source_shape, r.path)]
        message = message_memo.get((r.message, r.component))
        if message is None:
            comp = r.component.rsplit("#", 1)[-1].replace("ConstraintComponent", "")
            message = message_memo[(r.message, r.component)] = r.message or f"{comp} constraint not met"
        out.append(Finding(
            focus=focus[0], severity=SEVERITY.get(r.severity, "violation"), check=check, message=message,
            file=focus[1], line=focus[2], path=path_txt, component=r.component, value=value_txt, shape=shape_txt,
            hint=hint))
    return out


def _focus(node: str, anchors: dict[str, str | None], where: dict[str, Location]
           ) -> tuple[str | None, str | None, int | None]:
    """A focus node's text and where it is written (its anchor's place, for a blank node)."""
    term = rdflib_term(node)
    text = _txt(term)
    a = anchors.get(node) if isinstance(term, BNode) else text
    loc = where.get(a) if a else None
    return (text, loc.relpath, loc.line) if loc else (text, None, None)


def _path_and_shape(s: Shape | None, r: engine.ShaclResult) -> tuple[str | None, str]:
    """A result's path (SPARQL path syntax for a complex path, no blank node label) and shape, as text."""
    path_node: Node | str | None = None
    if s is not None and r.path == s.path and s.path is not None:
        path_node = s.params[SH.path][0]
    if path_node is None and r.path is not None:
        path_node = URIRef(r.path[1:-1]) if r.path.startswith("<") and r.path.count("<") == 1 else r.path
    path = r.path if isinstance(path_node, BNode) else _txt(path_node)
    if s is None:
        return path, r.source_shape
    return path, s.key if isinstance(s.node, BNode) else str(_txt(s.node))


def _txt(node: object) -> str | None:
    """IRIs and literals as strings, blank nodes as ``_:x`` (as pyshacl's findings)."""
    if node is None:
        return None
    return node.n3() if isinstance(node, BNode) else str(node)


def _store_anchor(store: ox.Store, node: str, graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
                  ) -> str | None:
    """The nearest IRI above a blank node, climbing ``?s ?p node`` in the validated graphs."""
    seen: set[str] = set()
    while node.startswith("_:") and node not in seen:
        seen.add(node)
        rows = list(solutions(store.query(f"SELECT ?s WHERE {{ ?s ?p {node} }} LIMIT 1", default_graph=graphs)))
        if not rows:
            return None
        node = ox_nt(rows[0][0])
    return node[1:-1] if node.startswith("<") else None
