"""SHACL validation of data/ against shapes/ (W3C SHACL Core, §2–4), and of the shapes themselves.

The data graph is data/ plus only the ontology's class hierarchy
(``rdfs:subClassOf`` between named classes) and the types of the ontology's
named individuals (SKOS concepts): SHACL's own subclass semantics then let a
shape targeting a superclass see instances of its subclasses, without OWL
axioms entering the validated graph. The shapes graph is validated against
the W3C shapes-for-shapes graph (SHACL Appendix C), as shipped by pyshacl.

Engines: ``pyshacl`` (the reference) or ``fast`` (shapes compiled to SPARQL on
the embedded store, :mod:`dprk_ld.shacl` via :mod:`.shacl_fast`); ``auto`` uses
the fast engine and hands pyshacl only what it cannot compile, saying so in the
report's detail; ``fast`` refuses such shapes before doing any work.
"""

from __future__ import annotations

from importlib import resources

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..load import Dataset
from ..shacl import validate_graphs
from ..shacl.errors import Unsupported
from ..shacl.results import Fallback
from ..shacl.terms import path_sparql, rdflib_term, shape_key
from . import shacl_fast
from .common import finding_at, short
from .report import Finding

SEVERITY = {str(SH.Violation): "violation", str(SH.Warning): "warning", str(SH.Info): "info"}


def hierarchy_graph(dataset: Dataset) -> Graph:
    """What the data graph borrows from the ontology: the named class hierarchy and individuals' types."""
    g = Graph()
    onto = dataset.ontology
    for s, o in onto.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            g.add((s, RDFS.subClassOf, o))
    for ind in onto.subjects(RDF.type, OWL.NamedIndividual):
        for t in onto.objects(ind, RDF.type):
            if isinstance(t, URIRef) and t != OWL.NamedIndividual:
                g.add((ind, RDF.type, t))
    return g


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node) if isinstance(node, (URIRef, Literal)) else node.n3()


def _anchor(graph: Graph | None, node: Node | None) -> str | None:
    """The nearest IRI above a blank node (e.g. the node shape that holds a property shape)."""
    seen: set[Node] = set()
    while graph is not None and isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(graph.subjects(None, node), None)
    return str(node) if isinstance(node, URIRef) else None


def path_text(path: Node | None, *graphs: Graph) -> str | None:
    """A result path as findings print it: the IRI of a predicate path, else the SPARQL 1.1 property path
    (``(<a>/<b>)``, ``^<p>``, ``<p>*`` ...) — never a blank-node label, which differs from run to run."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    for graph in graphs:
        try:
            return path_sparql(graph, path)
        except Unsupported:
            continue
    return path.n3() if isinstance(path, BNode) else str(path)


def shape_text(shape: Node | None, shapes: Graph | None) -> str | None:
    """A source shape: its IRI, or for a blank-node shape a content key stable across runs (``_:shape-…``)."""
    if isinstance(shape, BNode) and shapes is not None:
        return shape_key(shapes, shape)
    return _text(shape)


def findings_from_report(dataset: Dataset, report: Graph, check: str, validated: Graph | None = None,
                         shapes: Graph | None = None) -> list[Finding]:
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        severity = SEVERITY.get(str(report.value(result, SH.resultSeverity)), "violation")
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        focus_text = _text(focus)
        comp = str(component).rsplit("#", 1)[-1].replace("ConstraintComponent", "") if component else "?"
        text = str(message) if message else f"{comp} constraint not met"
        hint = None
        if value is not None:
            hint = f"offending value: {short(str(value)) if isinstance(value, URIRef) else value.n3()}"
        above = _anchor(validated, focus) if isinstance(focus, BNode) else None
        where = dataset.locate(above) if above is not None else None
        extra = {"file": where.relpath, "line": where.line} if where else {}
        findings.append(finding_at(
            dataset, focus_text, severity=severity, check=check, message=text, **extra,
            path=path_text(path, report, *([shapes] if shapes is not None else [])),
            component=str(component) if component else None, value=_text(value), shape=shape_text(shape, shapes),
            hint=hint))
    return findings


def check_data(dataset: Dataset, engine: str = "auto") -> list[Finding]:
    """SHACL findings for data/ against shapes/."""
    return check_data_detailed(dataset, engine)[0]


def check_data_detailed(dataset: Dataset, engine: str = "auto") -> tuple[list[Finding], str | None]:
    """SHACL findings for data/ against shapes/, and a detail for the report: which constraints went
    to pyshacl (the fallback) and what they cost."""
    if engine in ("auto", "fast"):
        findings, report = shacl_fast.validate_dataset(dataset, fallback=(engine == "auto"))
        return findings, fallback_detail(report.fallbacks)
    import pyshacl  # only here and below: `validate --check shacl` on the fast engine never imports it (0.1 s)
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    data = dataset.data + hierarchy_graph(dataset)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=dataset.shapes, inference="none",
                                        allow_warnings=True, allow_infos=True, advanced=False)
    except (ConstraintLoadError, ShapeLoadError, ReportableRuntimeError) as exc:
        return [Finding("violation", "shapes", f"pyshacl cannot use the shapes: {exc}".split("\nFor reference")[0],
                        file=(dataset.graphs_of("shapes") and dataset.files[dataset.graphs_of("shapes")[0]].relpath)
                        or None, hint="fix the shape the message names")], "engine: pyshacl"
    return findings_from_report(dataset, report, "shacl", data, dataset.shapes), "engine: pyshacl"


def fallback_detail(fallbacks: list[Fallback]) -> str | None:
    """``pyshacl fallback for N constraints (...)``: what the compiled engine handed to pyshacl, and the cost."""
    if not fallbacks:
        return None
    secs = sum(f.seconds for f in fallbacks)
    items = "; ".join(f"{f.shape} {f.constraint} ({f.reason})" for f in fallbacks)
    return (f"pyshacl fallback for {len(fallbacks)} constraint(s), {secs:.2f} s on "
            f"{max(f.triples for f in fallbacks)} triples: {items}")


def shacl_shacl() -> Graph:
    g = Graph()
    g.parse(source=str(resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    return g


def check_shapes(dataset: Dataset, engine: str = "auto") -> list[Finding]:
    """The shapes graph validated against the SHACL shapes-for-shapes graph."""
    shapes = dataset.shapes
    if engine != "pyshacl":
        report = validate_graphs(shapes, shacl_shacl())
        return shacl_fast.findings_from_results(dataset, report, "shapes",
                                                lambda n: _anchor(shapes, rdflib_term(n)))
    import pyshacl

    meta = shacl_shacl()
    _, report, _ = pyshacl.validate(shapes, shacl_graph=meta, inference="none", allow_warnings=True)
    return findings_from_report(dataset, report, "shapes", shapes, meta)
