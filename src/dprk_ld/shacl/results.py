"""Validation results as plain values (SHACL §3.6 validation report), and pyshacl's as the same values."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .shapes import Shape
from .terms import nt, path_sparql, shape_key


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One validation result, every term in N-Triples form; ``message`` is not part of equality.
    Slots: a 1M-triple run may hold hundreds of thousands (96 bytes each, no ``__dict__``)."""

    focus: str
    path: str | None  # a SPARQL property path
    component: str
    severity: str
    source_shape: str  # see :func:`dprk_ld.shacl.terms.shape_key`
    value: str | None
    message: str | None = field(default=None, compare=False)
    source_constraint: str | None = None  # the sh:sparql node of a SPARQL-based constraint (N-Triples)


@dataclass
class Fallback:
    """A constraint the compiler could not handle, validated by pyshacl instead (or not at all)."""

    shape: str  # the top-level shape holding it
    constraint: str  # the parameter (component) not compiled, or "shape"
    reason: str
    seconds: float = 0.0
    focus_nodes: int = 0
    triples: int = 0  # size of the neighbourhood handed to pyshacl


@dataclass
class Report:
    conforms: bool
    results: list[ShaclResult]
    fallbacks: list[Fallback] = field(default_factory=list)
    shapes: dict[Node, Shape] = field(default_factory=dict, repr=False)  # shape node -> compiled Shape

    @property
    def fallback_shapes(self) -> list[str]:
        return list(dict.fromkeys(f.shape for f in self.fallbacks))


def results_from_pyshacl(report_graph: Graph) -> list[ShaclResult]:
    """pyshacl's report graph as :class:`ShaclResult` values (top-level sh:result only)."""
    out = []
    g = report_graph.value
    for rep in report_graph.subjects(RDF.type, SH.ValidationReport):
        for r in report_graph.objects(rep, SH.result):
            path, value, sc = g(r, SH.resultPath), g(r, SH.value), g(r, SH.sourceConstraint)
            msgs = sorted(str(m) for m in report_graph.objects(r, SH.resultMessage))
            out.append(ShaclResult(
                nt(g(r, SH.focusNode)), None if path is None else path_sparql(report_graph, path),
                str(g(r, SH.sourceConstraintComponent)), str(g(r, SH.resultSeverity)),
                shape_key(report_graph, g(r, SH.sourceShape)), None if value is None else nt(value),
                msgs[0] if msgs else None, None if sc is None else shape_key(report_graph, sc)))
    return out
