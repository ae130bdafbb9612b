"""The project's ``queries/*-violation.rq``: canned SELECT queries whose rows are data errors.

Each row becomes a violation; the row's ``?focus`` (or first) variable names
the node, a ``?message`` variable (if any) the text, else the query's title.
"""

from __future__ import annotations

from ..load import Dataset
from ..query.catalog import load_catalog, violation_queries
from ..query.engine import run_canned
from .common import finding_at
from .report import Finding


def check_violation_queries(dataset: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for q in violation_queries(load_catalog(dataset.project)):
        results = run_canned(dataset, q.name, {})
        for row in results.rows:
            var = "focus" if "focus" in results.variables else (results.variables[0] if results.variables else None)
            focus = row.get(var) if var else None
            message = row.get("message")
            findings.append(finding_at(
                dataset, focus.value if focus is not None else None, severity="violation", check="queries",
                message=(message.value if message is not None else q.title),
                hint=f"found by queries/{q.path.name}: {q.description}".strip()))
    return findings
