"""SHACL validation of data/ against shapes/ (W3C SHACL Core, §2–4), and of the shapes themselves.

The data graph is data/ plus only the ontology's class hierarchy
(``rdfs:subClassOf`` between named classes) and the types of the ontology's
named individuals (SKOS concepts): SHACL's own subclass semantics then let a
shape targeting a superclass see instances of its subclasses, without OWL
axioms entering the validated graph. The shapes graph is validated against
the W3C shapes-for-shapes graph (SHACL Appendix C), as shipped by pyshacl.

Engines: ``pyshacl`` (the reference) or ``fast`` (SHACL Core compiled to
SPARQL on the embedded store, :mod:`dprk_ld.validate.fastshacl`); ``auto``
uses the fast engine and falls back to pyshacl for what it cannot compile.
"""

from __future__ import annotations

from importlib import resources

import pyshacl
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from ..load import Dataset
from .common import finding_at, short
from .report import Finding

ShaclError = (ConstraintLoadError, ShapeLoadError, ReportableRuntimeError)

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


def _text(node) -> str | None:
    if node is None:
        return None
    return str(node) if isinstance(node, (URIRef, Literal)) else node.n3()


def _anchor(graph: Graph | None, node) -> str | None:
    """The nearest IRI above a blank node (e.g. the node shape that holds a property shape)."""
    seen = set()
    while graph is not None and isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(graph.subjects(None, node), None)
    return str(node) if isinstance(node, URIRef) else None


def findings_from_report(dataset: Dataset, report: Graph, check: str, validated: Graph | None = None
                         ) -> list[Finding]:
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
        where = dataset.locate(_anchor(validated, focus)) if isinstance(focus, BNode) else None
        extra = {"file": where.relpath, "line": where.line} if where else {}
        findings.append(finding_at(
            dataset, focus_text, severity=severity, check=check, message=text, **extra,
            path=_text(path) if isinstance(path, URIRef) else (path.n3() if path is not None else None),
            component=str(component) if component else None, value=_text(value), shape=_text(shape), hint=hint))
    return findings


def check_data(dataset: Dataset, engine: str = "auto") -> list[Finding]:
    """SHACL findings for data/ against shapes/."""
    if engine in ("auto", "fast"):
        try:
            from .fastshacl import validate_dataset_fast
        except ImportError:
            validate_dataset_fast = None
        if validate_dataset_fast is not None:
            return validate_dataset_fast(dataset, fallback=(engine == "auto"))
        if engine == "fast":
            raise RuntimeError("the fast SHACL engine is not available")
    data = dataset.data + hierarchy_graph(dataset)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=dataset.shapes, inference="none",
                                        allow_warnings=True, allow_infos=True, advanced=False)
    except ShaclError as exc:
        return [Finding("violation", "shapes", f"pyshacl cannot use the shapes: {exc}".split("\nFor reference")[0],
                        file=(dataset.graphs_of("shapes") and dataset.files[dataset.graphs_of("shapes")[0]].relpath)
                        or None, hint="fix the shape the message names")]
    return findings_from_report(dataset, report, "shacl", data)


def shacl_shacl() -> Graph:
    g = Graph()
    g.parse(source=str(resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    return g


def _term(nt: str | None) -> URIRef | BNode | None:
    if not nt:
        return None
    if nt.startswith("<") and nt.endswith(">"):
        return URIRef(nt[1:-1])
    if nt.startswith("_:"):
        return BNode(nt[2:])
    return None


def findings_from_fast(dataset: Dataset, results: list, check: str, validated: Graph) -> list[Finding]:
    """Findings from the fast engine's results (N-Triples-form terms), located like pyshacl's."""
    findings = []
    for r in results:
        focus = _term(r.focus)
        focus_text = str(focus) if isinstance(focus, URIRef) else r.focus
        where = dataset.locate(_anchor(validated, focus)) if isinstance(focus, BNode) else None
        extra = {"file": where.relpath, "line": where.line} if where else {}
        comp = r.component.rsplit("#", 1)[-1].replace("ConstraintComponent", "")
        path = _term(r.path)
        findings.append(finding_at(
            dataset, focus_text, severity=SEVERITY.get(r.severity, "violation"), check=check,
            message=r.message or f"{comp} constraint not met" + (f" by {r.value}" if r.value else ""), **extra,
            path=str(path) if isinstance(path, URIRef) else r.path, component=r.component,
            value=r.value, shape=r.source_shape, hint=f"offending value: {r.value}" if r.value else None))
    return findings


def check_shapes(dataset: Dataset, engine: str = "auto") -> list[Finding]:
    """The shapes graph validated against the SHACL shapes-for-shapes graph."""
    shapes = dataset.shapes
    if engine != "pyshacl":
        from .fastshacl import validate_graphs

        return findings_from_fast(dataset, validate_graphs(shapes, shacl_shacl()).results, "shapes", shapes)
    _, report, _ = pyshacl.validate(shapes, shacl_graph=shacl_shacl(), inference="none", allow_warnings=True)
    return findings_from_report(dataset, report, "shapes", shapes)
