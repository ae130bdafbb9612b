"""Run canned and ad-hoc SPARQL 1.1 queries on the embedded store; the Python API.

Implements SPARQL 1.1 Query (W3C Recommendation) through pyoxigraph for the embedded store.
Canned-query parameters (docs/queries.md) are bound by type, never spliced into the text
(:mod:`dprk_ld.query.params`), so a local run and a remote one (:mod:`dprk_ld.query.remote`) run
the very same query text. Every answer is a :class:`~dprk_ld.query.results.Results` value;
:func:`dprk_ld.query.render.render` turns it into text or bytes.

``dprk_ld.canned("claims-between", a="state:RUS")`` runs a canned query on the bundled dataset.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import DprkError, ParameterError, QueryError
from ..load import Dataset, load_project
from ..namespaces import PREFIXES
from ..project import Project, find_project
from .catalog import load_catalog
from .guard import check_query
from .holds import check_endpoint
from .params import find_query, prepare, row_limit
from .remote import run_canned_remote
from .results import Results, Term, collect, syntax_error


def run_sparql(dataset: Dataset, text: str, substitutions: Mapping[str, Term] | None = None,
               where: str = "query") -> Results:
    """Run a query on the embedded store (default graph = union of all graphs; published prefixes known).

    The query first passes :func:`~dprk_ld.query.guard.check_query` — the same structure bounds and
    refusals as the web service — so no query can crash the process (the engine's parser overflows
    its stack on deeply nested queries) or make it connect anywhere (SERVICE).
    """
    try:
        check_query(text, None, None, PREFIXES)
    except DprkError as exc:
        raise type(exc)(exc.message, where if exc.location in (None, "query") else exc.location, exc.hint) from None
    subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        result = dataset.store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES,
                                     substitutions=subs or None)
        return collect(result)
    except SyntaxError as exc:
        raise syntax_error(exc, where) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}", where) from exc


def run_canned(dataset: Dataset, name: str, params: Mapping[str, Any] | None = None) -> Results:
    """Run the canned query ``name`` of the dataset's project with typed parameters."""
    query = find_query(load_catalog(dataset.project), name)
    results = run_sparql(dataset, prepare(query, params), where=str(query.path))
    results.limit = row_limit(query, params or {})
    return results


# ---------------------------------------------------------------- the Python API

_DATASETS: dict[tuple[str, float], Dataset] = {}


def dataset_for(project: Project | Path | str | None = None) -> Dataset:
    """The loaded dataset of a project, cached until one of its files changes."""
    if not isinstance(project, Project):
        project = find_project(project)
    stamp = max((f.path.stat().st_mtime for f in project.files), default=0.0)
    key = (str(project.root.resolve()), stamp)
    if key not in _DATASETS:
        _DATASETS.clear()
        _DATASETS[key] = load_project(project)
    return _DATASETS[key]


def canned(name: str, *, project: Project | Path | str | None = None, endpoint: str | None = None,
           timeout: float = 30, **params: Any) -> Results:
    """Run canned query ``name`` with keyword parameters, on the bundled (or given) project or an endpoint.

    >>> import dprk_ld
    >>> dprk_ld.query("claims-between", a="state:PRK", b="state:RUS").values()  # doctest: +SKIP
    """
    if endpoint:
        proj = project if isinstance(project, Project) else find_project(project)
        check_endpoint(endpoint, proj, timeout)
        return run_canned_remote(endpoint, load_catalog(proj), name, params, timeout)
    return run_canned(dataset_for(project), name, params)


def parse_param_pairs(pairs: Any) -> dict[str, str]:
    """``["a=state:RUS", "year=2024"]`` -> dict; raises :class:`ParameterError` for a pair without ``=``."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"malformed parameter {pair!r}", hint="write --param NAME=VALUE")
        values[key.strip()] = value
    return values


def read_query_text(text: str | None, path: Path | None) -> tuple[str, str]:
    """The query from an argument or a file ('-' = stdin), and where it came from (for error locations)."""
    if (text is None) == (path is None):
        raise QueryError("give the query either as an argument or with -f FILE (not both)")
    if path is None:
        return (sys.stdin.read() if text == "-" else str(text)), "query"
    if str(path) == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the query file: {exc}", str(path)) from exc
