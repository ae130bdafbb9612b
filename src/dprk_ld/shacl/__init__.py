"""A SHACL engine that compiles shapes to SPARQL and runs them on a pyoxigraph store (W3C SHACL 2017).

Independent of the rest of dprk_ld: it takes a store (or rdflib graphs) and a shapes graph and
returns plain result values. Layout: :mod:`.terms` (RDF terms, paths, loading), :mod:`.sparql`
(a small query builder and focus patterns), :mod:`.shapes` (reading shapes and targets),
:mod:`.components` (the registry, one class per constraint component), :mod:`.plan` (shapes to
queries), :mod:`.engine` (node sets, running), :mod:`.fallback` (pyshacl for what is not compiled).
"""

from __future__ import annotations

from .engine import HASH_MIN, ONTOLOGY_GRAPH, uncompiled, validate_graphs, validate_store
from .errors import ShaclEngineError, ShapesError, Unsupported
from .results import Fallback, Report, ShaclResult, results_from_pyshacl
from .terms import graph_to_store, load_file, shape_key

__all__ = [
    "HASH_MIN", "ONTOLOGY_GRAPH", "Fallback", "Report", "ShaclEngineError", "ShaclResult", "ShapesError",
    "Unsupported", "graph_to_store", "load_file", "results_from_pyshacl", "shape_key", "uncompiled", "validate_graphs",
    "validate_store",
]
