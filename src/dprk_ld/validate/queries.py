"""The project's ``queries/*-violation.rq``: canned SELECT queries whose rows are data errors.

Each row becomes a violation; the row's ``?focus`` (or first) variable names
the node, a ``?message`` variable (if any) the text, else the query's title.
A query with ``SERVICE`` is not run (validation never goes online): it is a violation itself.
"""

from __future__ import annotations

from ..load import Dataset
from ..query.catalog import load_catalog, violation_queries
from ..query.engine import run_canned
from ..query.results import lexical
from .common import finding_at
from .offline import uses_service
from .report import Finding


def check_violation_queries(dataset: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for q in violation_queries(load_catalog(dataset.project)):
        if uses_service(q.text):
            rel = q.path.relative_to(dataset.project.root).as_posix() if q.path.is_relative_to(
                dataset.project.root) else str(q.path)
            line = next((i for i, ln in enumerate(q.text.splitlines(), 1) if "SERVICE" in ln.upper()), None)
            findings.append(Finding(
                "violation", "queries", "the violation query uses SERVICE: validation never queries another "
                "endpoint, so it was not run", file=rel, line=line,
                hint="a violation query must work on the project's data alone; remove SERVICE"))
            continue
        results = run_canned(dataset, q.name, {})
        for row in results.rows:
            var = "focus" if "focus" in results.variables else (results.variables[0] if results.variables else None)
            focus = row.get(var) if var else None
            message = row.get("message")
            findings.append(finding_at(
                dataset, lexical(focus) if focus is not None else None, severity="violation", check="queries",
                message=(lexical(message) if message is not None else q.title),
                hint=f"found by queries/{q.path.name}: {q.description}".strip()))
    return findings
