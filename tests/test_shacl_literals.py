"""Literals as written, through the engine (dprk_ld.shacl) and pyshacl alike.

RDF 1.1 Concepts §3.3: ``"1"^^xsd:boolean`` and ``"true"^^xsd:boolean`` are different literals (with the
same value); SHACL compares terms in ``sh:in`` and ``sh:hasValue`` (§4.8.1, §4.8.2) and reports value
nodes as they are. Oxigraph's store rewrites such literals in canonical form, so :func:`validate_graphs`
stores them under a wrapped datatype (:mod:`dprk_ld.shacl.terms`); rdflib's parser normalises them too,
so the graphs here are read with :func:`dprk_ld.shacl.terms.parse_graph`.
"""

from __future__ import annotations

import pyshacl

from dprk_ld.shacl import results_from_pyshacl, validate_graphs
from dprk_ld.shacl.terms import parse_graph

XSD = "http://www.w3.org/2001/XMLSchema#"
SHAPES = b"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:flag ; sh:in ( true ) ] ,
              [ sh:path ex:when ; sh:maxInclusive "2020-01-01T00:00:00Z"^^xsd:dateTime ] ,
              [ sh:path ex:n ; sh:hasValue 1 ; sh:datatype xsd:integer ] .
"""
DATA = b"""@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:flag "1"^^xsd:boolean ; ex:when "2021-01-01T00:00:00.000Z"^^xsd:dateTime ; ex:n "01"^^xsd:integer .
"""


def test_non_canonical_literals_are_terms_of_their_own() -> None:
    sg, dg = parse_graph(data=SHAPES), parse_graph(data=DATA)
    ours = sorted((r.component.rsplit("#")[-1], r.value) for r in validate_graphs(dg, sg).results)
    assert ours == [
        ("HasValueConstraintComponent", None),  # "01" is not the term 1
        ("InConstraintComponent", f'"1"^^<{XSD}boolean>'),  # "1" is not the term true
        ("MaxInclusiveConstraintComponent", f'"2021-01-01T00:00:00.000Z"^^<{XSD}dateTime>'),
    ]
    _, rg, _ = pyshacl.validate(dg, shacl_graph=sg, inference="none")
    assert sorted((r.component.rsplit("#")[-1], r.value) for r in results_from_pyshacl(rg)) == ours  # type: ignore[arg-type]
