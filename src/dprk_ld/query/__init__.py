"""The query stage: canned and ad-hoc SPARQL 1.1, on the embedded store or a remote endpoint.

- :mod:`.catalog`: the canned queries (``queries/*.rq`` with a metadata header, docs/queries.md)
- :mod:`.params`: typed parameters bound by a ``VALUES`` block, the row limit
- :mod:`.text`: pure text operations on queries (comments, VALUES, prologue, LIMIT)
- :mod:`.results`: :class:`Results`, the plain value every run returns
- :mod:`.engine`: local runs on the embedded pyoxigraph store, and :func:`canned`, the Python API
- :mod:`.remote`: runs on a SPARQL 1.1 Protocol endpoint (SPARQLWrapper)
- :mod:`.render`: results to table, CSV, TSV, JSON, XML, Markdown or RDF
"""

from __future__ import annotations

from .catalog import CannedQuery, Param, load_catalog, query_kind, violation_queries
from .engine import canned, dataset_for, parse_param_pairs, read_query_text, run_canned, run_sparql
from .params import LIMIT_PARAM, bind, expand_iri, find_query, prepare, row_limit, to_term
from .remote import run_canned_remote, run_remote
from .render import render
from .results import Results, Term, lexical, python_value, solutions, syntax_error
from .text import mask, strip_comments, with_limit, with_prologue, with_values

__all__ = [
    "LIMIT_PARAM", "CannedQuery", "Param", "Results", "Term", "bind", "canned", "dataset_for", "expand_iri",
    "find_query", "lexical", "load_catalog", "mask", "parse_param_pairs", "prepare", "python_value", "query_kind",
    "read_query_text", "render", "row_limit", "run_canned", "run_canned_remote", "run_remote", "run_sparql",
    "solutions", "strip_comments", "syntax_error", "to_term", "violation_queries", "with_limit", "with_prologue",
    "with_values",
]
