"""Differential test: the SHACL engine (dprk_ld.shacl) against pyshacl on generated shape sets.

benchmarks/shapegen.py makes, from a seed, a shape set nobody tuned the engine for (every Core
component, nested logical shapes, every kind of path and target, SHACL-SPARQL constraints, a
SPARQL-based constraint component) and data with injected violations. Hypothesis draws the seeds
(derandomised, so CI runs the same ones every time), with the generator's extra features on
(``extra=True``: ``sh:equals``, every node kind and blank-node values, ``sh:property`` under property
shapes, ``sh:qualifiedValueShapesDisjoint``, closures and sequences of inverse and alternative paths,
nested logical shapes, ``sh:deactivated``, a component with a SELECT ``sh:propertyValidator`` and an
optional parameter, SHACL-SPARQL on alternative paths and with ``?path``). Every field of every result is compared,
multiplicity included (focus, path, value, component, severity, source shape, source constraint),
and the message wherever the shape or constraint defines one (pyshacl writes its own text otherwise).
More seeds: ``SHACL_GEN_EXAMPLES=2000 pytest tests/test_shacl_generated.py``.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter

import pyshacl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from dprk_ld.shacl import ShaclResult, results_from_pyshacl, validate_graphs

from .conftest import benchmark_module

shapegen = benchmark_module("shapegen")

EXAMPLES = int(os.environ.get("SHACL_GEN_EXAMPLES", "200"))


def _fields(r: ShaclResult, message: str | None) -> tuple:
    return (*dataclasses.astuple(dataclasses.replace(r, message=None)), message)


def compare(seed: int, nodes: int = 12, extra: bool = True) -> tuple[Counter, Counter]:
    onto, shapes, data = shapegen.generate(seed, nodes, 2 + seed % 2, extra=extra)
    dg = Graph().parse(data=onto + "".join(data), format="turtle")
    sg = Graph().parse(data=shapes, format="turtle")
    ours = validate_graphs(dg, sg)
    _, rg, _ = pyshacl.validate(dg, shacl_graph=sg, inference="none", advanced=True)
    ref = results_from_pyshacl(rg)  # type: ignore[arg-type]
    defined = {r for r in ours.results if r.message is not None}
    return (Counter(_fields(r, r.message) for r in ours.results),
            Counter(_fields(r, r.message if r in defined else None) for r in ref))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_generated_shapes_same_results_as_pyshacl(seed: int) -> None:
    ours, ref = compare(seed)
    assert ours == ref, f"seed {seed}: only ours {ours - ref}, only pyshacl {ref - ours}"


def test_generated_shapes_cover_the_components() -> None:
    """The generator's shape sets use every SHACL Core component, SHACL-SPARQL and every kind of path."""
    text = "".join(shapegen.generate(seed, 5, extra=True)[1] for seed in range(40))
    for term in ("sh:class", "sh:datatype", "sh:nodeKind", "sh:minCount", "sh:maxCount", "sh:minExclusive",
                 "sh:minInclusive", "sh:maxExclusive", "sh:maxInclusive", "sh:minLength", "sh:maxLength",
                 "sh:pattern", "sh:flags", "sh:languageIn", "sh:uniqueLang", "sh:disjoint", "sh:lessThan",
                 "sh:lessThanOrEquals", "sh:not", "sh:and", "sh:or", "sh:xone", "sh:node ", "sh:qualifiedValueShape",
                 "sh:qualifiedMinCount", "sh:qualifiedMaxCount", "sh:closed", "sh:ignoredProperties", "sh:hasValue",
                 "sh:in", "sh:sparql", "sh:select", "$PATH", "sh:validator", "sh:inversePath", "sh:alternativePath",
                 "sh:zeroOrMorePath", "sh:oneOrMorePath", "sh:zeroOrOnePath", "( ex:link ex:count )",
                 "sh:targetClass", "sh:targetNode", "sh:targetSubjectsOf", "sh:targetObjectsOf",
                 "sh:equals", "sh:BlankNode ", "sh:BlankNodeOrIRI", "sh:BlankNodeOrLiteral", "sh:IRIOrLiteral",
                 "sh:qualifiedValueShapesDisjoint", "sh:deactivated", "sh:severity sh:Info",
                 "sh:property [ sh:path ex:count ; sh:minInclusive", "[ sh:zeroOrMorePath [ sh:inversePath",
                 "( [ sh:inversePath ex:link ] ex:count )", "[ sh:oneOrMorePath [ sh:alternativePath",
                 "sh:not [ sh:or", "sh:node [ sh:property", "sh:propertyValidator", "sh:optional true",
                 "sh:deactivated true ; sh:select", "SELECT $this ?path ?value"):
        assert term in text, term


NESTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path [ sh:alternativePath ( ex:home ex:work ) ] ;
    sh:property [ sh:path ex:city ; sh:property [ sh:path ex:mayor ; sh:datatype ex:Name ; sh:minCount 2 ] ] ] .
"""
NESTED_DATA = """
@prefix ex: <http://example.org/> .
ex:p1 a ex:Person ; ex:home ex:a1 ; ex:work ex:a1 , ex:a2 .
ex:p2 a ex:Person ; ex:home ex:a2 .
ex:a1 ex:city ex:c1 . ex:a2 ex:city ex:c1 , ex:c2 .
ex:c1 ex:mayor "m" . ex:c2 ex:mayor "n" , "o" .
"""


def test_nested_property_shapes_report_once_per_derivation() -> None:
    """SHACL §4.5.2: each value node of each focus node is validated against the nested shape, so a node
    reached from several parents (ex:c1: via p1/a1, p1/a2, p2/a2) has its results that many times
    (W3C core/property/property-001 has one level; this has two, and an alternative path)."""
    dg = Graph().parse(data=NESTED_DATA, format="turtle")
    sg = Graph().parse(data=NESTED, format="turtle")
    ours = Counter(_fields(r, None) for r in validate_graphs(dg, sg).results)
    _, rg, _ = pyshacl.validate(dg, shacl_graph=sg, inference="none")
    ref = Counter(_fields(r, None) for r in results_from_pyshacl(rg))  # type: ignore[arg-type]
    assert ours == ref
    assert sorted(ours.values()) == [2, 2, 3, 3]  # c1: datatype, minCount x3; c2: two datatype x2


def test_inverse_of_a_sequence_path() -> None:
    """SHACL §2.3.1.4: the values of ``[ sh:inversePath ( ex:p ex:q ) ]`` are the nodes reaching the focus
    node by ``ex:p/ex:q``, SPARQL's ``^(ex:p/ex:q)`` (SPARQL 1.1 §9.1): here ex:a (ex:a ex:p ex:b,
    ex:b ex:q ex:c), so ``sh:hasValue ex:a`` holds. pyshacl 0.40 computes another set and reports a
    violation, so the generator leaves this path kind out of the differential test."""
    sg = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:c ;
  sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:hasValue ex:a ; sh:maxCount 1 ] .""", format="turtle")
    dg = Graph().parse(data="@prefix ex: <http://example.org/> . ex:a ex:p ex:b . ex:b ex:q ex:c . "
                            "ex:c ex:p ex:x . ex:y ex:q ex:x .", format="turtle")
    assert validate_graphs(dg, sg).results == []
