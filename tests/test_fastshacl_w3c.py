"""W3C SHACL Core test suite against the fast (SPARQL-compiled) validator.

Manifest-driven: every ``sht:Validate`` entry under ../shared/w3c/shacl-tests/core
is run through :func:`validate_graphs`; our results are written as a
``sh:ValidationReport`` graph and judged by pyshacl's own ``check_sht_result``
(conforms flag, result count, and (focus, value, path) per result, blank-node
insensitive, multiplicity included). Shapes the compiler does not support go to pyshacl (the
fallback), and no case is excluded. Test files are read by pyoxigraph into rdflib terms with every
literal as written (:func:`dprk_ld.shacl.terms.parse_graph`), as ``dprk-ld validate`` reads a project.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from dprk_ld.shacl import ShaclResult, ShapesError, shape_key, uncompiled, validate_graphs
from dprk_ld.shacl.terms import parse_graph, rdflib_term

SUITE = Path(__file__).resolve().parents[2] / "shared" / "w3c" / "shacl-tests"
ROOT = SUITE / "core"
SPARQL_ROOT = SUITE / "sparql"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"

def _cases(root: Path = ROOT) -> list[tuple[str, Path, URIRef]]:
    if not root.exists():
        return []
    out: list[tuple[str, Path, URIRef]] = []
    todo, seen = [root / "manifest.ttl"], set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        g = Graph().parse(m, format="turtle")
        todo += [Path(str(i).removeprefix("file://")) for i in g.objects(None, URIRef(MF + "include"))]
        for e in g.subjects(RDF.type, URIRef(SHT + "Validate")):
            out.append((str(m.parent.relative_to(root) / m.name) + "#" + str(e).rsplit("/", 1)[-1], m, e))
    return sorted(out, key=lambda c: c[0])


CASES = _cases()
SPARQL_CASES = _cases(SPARQL_ROOT)


def _term(s: str) -> object:
    return rdflib_term(s)


def _copy(dst: Graph, src: Graph, node: object, seen: set) -> None:
    """Copy the blank-node closure of ``node`` from ``src``."""
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    for p, o in src.predicate_objects(node):
        dst.add((node, p, o))
        _copy(dst, src, o, seen)


def to_report_graph(conforms: bool, results: list[ShaclResult], shapes: Graph, data: Graph) -> Graph:
    keys = {shape_key(shapes, n): n for n in set(shapes.subjects())}
    rg, seen = Graph(), set()
    for g in (shapes, data):
        for prefix, ns in g.namespaces():
            rg.bind(prefix, ns, override=False)
    rep = BNode()
    rg.add((rep, RDF.type, SH.ValidationReport))
    rg.add((rep, SH.conforms, Literal(conforms)))
    for r in results:
        n = BNode()
        shape = keys[r.source_shape]
        rg.add((rep, SH.result, n))
        rg.add((n, RDF.type, SH.ValidationResult))
        rg.add((n, SH.focusNode, _term(r.focus)))
        rg.add((n, SH.sourceShape, shape))
        rg.add((n, SH.resultSeverity, URIRef(r.severity)))
        rg.add((n, SH.sourceConstraintComponent, URIRef(r.component)))
        if r.path is not None:
            simple = r.path.startswith("<") and r.path.endswith(">") and r.path.count("<") == 1
            path = _term(r.path) if simple else shapes.value(shape, SH.path)
            rg.add((n, SH.resultPath, path))
            _copy(rg, shapes, path, seen)
        if r.value is not None:
            rg.add((n, SH.value, _term(r.value)))
            _copy(rg, data, _term(r.value), seen)
        own = {str(m): m for m in shapes.objects(shape, SH.message)}
        if r.message is not None and r.message not in own:
            own = {r.message: Literal(r.message)}
        for m in own.values():
            rg.add((n, SH.resultMessage, m))
        if r.source_constraint is not None:
            rg.add((n, SH.sourceConstraint, _term(r.source_constraint)))
        _copy(rg, shapes, shape, seen)
        _copy(rg, data, _term(r.focus), seen)
    return rg


@pytest.mark.parametrize("case", [c[0] for c in CASES] or ["none"])
def test_w3c_core(case: str) -> None:
    if not CASES:
        from .conftest import missing

        missing(f"W3C SHACL tests not found at {ROOT} (../shared beside the checkout)")
    _run_case(CASES, case)


@pytest.mark.parametrize("case", [c[0] for c in SPARQL_CASES] or ["none"])
def test_w3c_sparql(case: str) -> None:
    """The SHACL-SPARQL suite (SPARQL-based constraints and constraint components, pre-binding): all
    compiled, no fallback; an ``sht:Failure`` case must raise the engine's :class:`ShapesError`."""
    if not SPARQL_CASES:
        from .conftest import missing

        missing(f"W3C SHACL tests not found at {SPARQL_ROOT} (../shared beside the checkout)")
    _run_case(SPARQL_CASES, case, fallback=False)


def _parse(path: str) -> Graph:
    """A test file as rdflib terms with every literal as written (rdflib's parser would normalise
    ``"none"^^xsd:boolean`` and ``"1"^^xsd:boolean``, the very terms or-datatypes-001 and uniqueLang-002
    are about); one parse per file, so a file that is data, shapes and manifest has one set of blank nodes."""
    return parse_graph(path, base="file://" + path)


def _run_case(cases: list, case: str, fallback: bool = True) -> None:
    from pyshacl.validator_conformance import check_sht_result

    _, manifest, entry = next(c for c in cases if c[0] == case)
    mg = _parse(str(manifest))
    action = mg.value(entry, URIRef(MF + "action"))
    expected = mg.value(entry, URIRef(MF + "result"))
    loaded: dict[str, Graph] = {}

    def load(which: str) -> Graph:
        f = str(mg.value(action, URIRef(SHT + which))).removeprefix("file://")
        if f not in loaded:
            loaded[f] = mg if f == str(manifest) else _parse(f)
        return loaded[f]

    data, shapes = load("dataGraph"), load("shapesGraph")
    if expected == URIRef(SHT + "Failure"):
        with pytest.raises(ShapesError):
            validate_graphs(data, shapes)
        return
    if not fallback:
        assert uncompiled(shapes) == []
    report = validate_graphs(data, shapes)
    if not fallback:
        assert report.fallbacks == []
    rg = to_report_graph(report.conforms, report.results, shapes, data)
    ok = check_sht_result(rg, mg, expected, logging.getLogger("w3c"))
    assert ok, f"{case}: {report.results}"
