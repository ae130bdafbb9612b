"""``dprk-ld validate --endpoint URL [--graph IRI …] [--page-size N]``: the gate on data in a SPARQL store.

A decorator for the ``validate`` command of :mod:`dprk_ld.cli` (kept apart so that module stays
small): it adds the options and, when ``--endpoint`` is given, runs
:func:`dprk_ld.validate.remote.validate_url` instead of the embedded validation and renders the
same report with the same exit codes (0 conforms, 1 violations, 2 cannot reach or read the store).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from . import clikit


def endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with ``--endpoint``, ``--graph`` and ``--page-size``; with ``--endpoint`` the data is
    validated where it is (read-only), the project (if not the bundled one) giving shapes and file:line."""

    @click.option("--endpoint", metavar="URL",
                  help="Validate the data in this SPARQL 1.1 store, read-only (docs/scale.md). Shapes, ontology "
                       "and file:line come from the project when one is found, else from the store.")
    @click.option("--graph", "graphs", multiple=True, metavar="IRI",
                  help="With --endpoint: a data graph to validate (repeatable; default: the store's data/… graphs).")
    @click.option("--page-size", type=click.IntRange(min=0), default=10_000, show_default=True,
                  help="With --endpoint: rows per page, at most the store's own answer cap (0: no paging).")
    @functools.wraps(command)
    def wrapper(*args: Any, endpoint: str | None, graphs: tuple[str, ...], page_size: int, **kw: Any) -> Any:
        if not endpoint:
            return command(*args, **kw)
        from .validate import ALL_CHECKS
        from .validate.remote import validate_url
        from .validate.report import STREAMS

        report = validate_url(endpoint, graphs, kw["project_dir"], sources=kw["sources"],
                              checks=kw["checks"] or ALL_CHECKS, require_reasoner=kw["require_reasoner"],
                              timeout=kw["timeout"], page_size=page_size)
        clikit.emit_stream(STREAMS[kw["fmt"]](report, kw["fail_on"]), kw["output"],
                           style=clikit.colour_report if kw["fmt"] == "text" else None)
        sys.exit(0 if report.conforms(kw["fail_on"]) else 1)

    return wrapper
