"""Ontology quality checks in the spirit of ROBOT's ``report`` (OBO's QC profile).

For every class and property of our namespace: exactly one English
``rdfs:label`` (ERROR in ROBOT: missing_label, multiple_labels), a
``skos:definition`` (WARN: missing_definition), no two terms sharing an
English label (ERROR: duplicate_label). The ontology header must carry a
title, a description, a license and a version IRI.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..load import Dataset
from .common import finding_at, is_ours, short
from .report import Finding

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
HEADER = {
    "title": (DCTERMS.title,),
    "description": (DCTERMS.description, RDFS.comment),
    "license": (DCTERMS.license,),
    "version IRI": (OWL.versionIRI,),
}


def check_ontology(dataset: Dataset) -> list[Finding]:
    g = dataset.ontology
    findings: list[Finding] = []
    # [type-var]: rdflib's stubs give Node no ordering; its terms (str subclasses) order at run time
    ontologies = sorted(set(g.subjects(RDF.type, OWL.Ontology)))  # type: ignore[type-var]
    if not ontologies:
        findings.append(Finding("violation", "ontology", "no owl:Ontology header in ontology/",
                                hint="declare the ontology IRI with title, description, license and version"))
    for onto in ontologies:
        for what, props in HEADER.items():
            if not any(g.value(onto, p) is not None for p in props):
                findings.append(finding_at(dataset, str(onto), severity="violation", check="ontology",
                                           message=f"the ontology header has no {what}",
                                           hint=f"add {short(str(props[0]))} to the owl:Ontology node"))
    labels: dict[str, list[str]] = defaultdict(list)
    terms = sorted({s for t in TERM_TYPES for s in g.subjects(RDF.type, t)
                    if isinstance(s, URIRef) and is_ours(str(s))})
    for term in terms:
        iri = str(term)
        en = [lbl for lbl in g.objects(term, RDFS.label) if getattr(lbl, "language", None) == "en"]
        if not en:
            findings.append(finding_at(dataset, iri, severity="violation", check="ontology",
                                       message=f"{short(iri)} has no English label",
                                       hint='add rdfs:label "…"@en'))
        elif len(en) > 1:
            findings.append(finding_at(dataset, iri, severity="violation", check="ontology",
                                       message=f"{short(iri)} has {len(en)} English labels",
                                       hint="keep one rdfs:label per language; use skos:altLabel for others"))
        for lbl in en:
            labels[str(lbl).strip().lower()].append(iri)
        if not any(getattr(d, "language", None) in ("en", None) for d in g.objects(term, SKOS.definition)):
            findings.append(finding_at(dataset, iri, severity="warning", check="ontology",
                                       message=f"{short(iri)} has no definition",
                                       hint='add skos:definition "…"@en in our own words'))
    for label, iris in sorted(labels.items()):
        if len(iris) > 1:
            for iri in iris:
                findings.append(finding_at(dataset, iri, severity="violation", check="ontology",
                                           message=f"label {label!r} is shared by "
                                                   f"{', '.join(short(i) for i in iris)}",
                                           hint="give each term a distinct English label"))
    return findings
