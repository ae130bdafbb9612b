"""The closed vocabulary namespace matches the ontology, term for term."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, URIRef
from rdflib.namespace import SKOS

from dprk_ld.load import load_project
from dprk_ld.namespaces import DPRK, ONTOLOGY_NS

DECLARING = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
             SKOS.Concept, SKOS.ConceptScheme)


def test_misspelled_term_fails():
    with pytest.raises(AttributeError):
        DPRK.Tranfser  # noqa: B018


def test_namespace_equals_ontology():
    onto = load_project().ontology
    declared = {str(s) for t in DECLARING for s in onto.subjects(RDF.type, t)
                if isinstance(s, URIRef) and str(s).startswith(ONTOLOGY_NS)}
    listed = {str(DPRK[name]) for name in DPRK.__annotations__}
    assert sorted(listed - declared) == [], "in namespaces.py but not declared in ontology/"
    assert sorted(declared - listed) == [], "declared in ontology/ but missing from namespaces.py"
