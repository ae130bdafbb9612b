"""Helpers shared by the checks: where a node or a term is written, and term lookups."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..load import Dataset
from ..namespaces import ONTOLOGY_NS
from .report import Finding

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=256)
def _file_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def term_line(dataset: Dataset, graph: str, iri: str) -> int | None:
    """The first line of the graph's file where ``iri`` is written (full or prefixed)."""
    file = dataset.files.get(graph)
    if file is None:
        return None
    text = _file_text(file.path)
    forms = [f"<{iri}>"]
    for m in _PREFIX.finditer(text):
        prefix, ns = m.group(1) or "", m.group(2)
        if iri.startswith(ns) and len(iri) > len(ns):
            forms.append(f"{prefix}:{iri[len(ns):]}")
    pattern = re.compile("|".join(re.escape(f) + r"(?![\w-])" for f in forms))
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return lineno
    return None


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
