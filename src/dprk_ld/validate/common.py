"""Helpers shared by the checks: where a node or a term is written, and term lookups."""

from __future__ import annotations

import re
from typing import Any

from ..load import Dataset
from ..namespaces import ONTOLOGY_NS
from .report import Finding

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


def term_line(dataset: Dataset, graph: str, iri: str) -> int | None:
    """The first line of the graph's file where ``iri`` is written (full or prefixed).

    The file is read line by line up to that line (Turtle declares a prefix before using it), so a
    data file of millions of triples is never held whole: reading it whole and keeping it cached, the
    client of ``validate --endpoint`` on 10M triples peaked at 600 MB for one undeclared term in
    three 250 MB files."""
    file = dataset.files.get(graph)
    if file is None or not file.path.is_file():
        return None
    forms = [f"<{iri}>"]
    pattern = _forms(forms)
    with file.path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = _PREFIX.match(line)
            if m:
                prefix, ns = m.group(1) or "", m.group(2)
                if iri.startswith(ns) and len(iri) > len(ns):
                    forms.append(f"{prefix}:{iri[len(ns):]}")
                    pattern = _forms(forms)
            if not line.lstrip().startswith("#") and pattern.search(line):
                return lineno
    return None


def _forms(forms: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(f) + r"(?![\w-])" for f in forms))


def finding_at(dataset: Dataset, focus: str | None, **kwargs: Any) -> Finding:
    """A finding located at the file:line where its focus node is defined (if it is)."""
    where = dataset.locate(focus) if focus else None
    if where is not None:
        kwargs.setdefault("file", where.relpath)
        kwargs.setdefault("line", where.line)
    return Finding(focus=focus, **kwargs)


def short(iri: str) -> str:
    """A prefixed form for messages."""
    from ..namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def is_ours(iri: str) -> bool:
    return iri.startswith(ONTOLOGY_NS)
