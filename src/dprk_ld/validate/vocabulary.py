"""Vocabulary closure: every ``dprk:`` term used in data/ or shapes/ is declared in ontology/.

A misspelled term would otherwise silently mint a new IRI; the finding gives
file:line and the closest declared term (difflib), like a compiler's
"did you mean".
"""

from __future__ import annotations

import difflib

from ..load import Dataset
from ..namespaces import ONTOLOGY_NS
from ..query.results import solutions
from .common import short, term_line
from .report import Finding

DECLARING_TYPES = [
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
    "http://www.w3.org/2002/07/owl#NamedIndividual",
    "http://www.w3.org/2002/07/owl#Ontology",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/2004/02/skos/core#Concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",
]


def declared_terms(dataset: Dataset) -> set[str]:
    graphs = " ".join(f"<{g}>" for g in dataset.graphs_of("ontology"))
    if not graphs:
        return set()
    types = " ".join(f"<{t}>" for t in DECLARING_TYPES)
    q = f"SELECT DISTINCT ?t WHERE {{ VALUES ?g {{ {graphs} }} VALUES ?type {{ {types} }} GRAPH ?g {{ ?t a ?type }} }}"
    return {s["t"].value for s in solutions(dataset.store.query(q))}


def used_terms(dataset: Dataset, kinds: tuple[str, ...] = ("data", "shapes")) -> dict[str, set[str]]:
    """Terms of our namespace used in files of the given kinds: term -> graphs using it."""
    graphs = " ".join(f"<{g}>" for g in dataset.graphs_of(*kinds))
    if not graphs:
        return {}
    q = f"""SELECT DISTINCT ?g ?t WHERE {{
      VALUES ?g {{ {graphs} }}
      GRAPH ?g {{ {{ ?t ?p ?o }} UNION {{ ?s ?t ?o }} UNION {{ ?s ?p ?t }} }}
      FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{ONTOLOGY_NS}"))
    }}"""
    used: dict[str, set[str]] = {}
    for s in solutions(dataset.store.query(q)):
        used.setdefault(s["t"].value, set()).add(s["g"].value)
    return used


def check_vocabulary(dataset: Dataset, used: dict[str, set[str]] | None = None) -> list[Finding]:
    """Findings for undeclared terms; ``used`` (term -> graphs) replaces the terms read from the store
    (a remote run passes what the store's data graphs use)."""
    declared = declared_terms(dataset)
    names = sorted(t[len(ONTOLOGY_NS):] for t in declared)
    findings = []
    for term, graphs in sorted((used_terms(dataset) if used is None else used).items()):
        if term in declared:
            continue
        local = term[len(ONTOLOGY_NS):]
        close = difflib.get_close_matches(local, names, n=3, cutoff=0.6)
        hint = (f"did you mean {', '.join('dprk:' + c for c in close)}?" if close
                else "declare it in ontology/ (with a label and a definition) or use a declared term")
        for graph in sorted(graphs):
            findings.append(Finding(
                severity="violation", check="vocabulary",
                message=f"{short(term)} is not declared in ontology/",
                focus=term, file=dataset.files[graph].relpath if graph in dataset.files else None,
                line=term_line(dataset, graph, term), hint=hint))
    return findings
