"""Every canned query's answer is in one order on every engine: its outermost ORDER BY is total.

"Total" here: every projected variable is an ORDER BY key by itself (``?v``, ``ASC(?v)``, ``DESC(?v)``),
apart from the aggregates of a GROUP BY (one row per group: the group keys order them). Then two rows
can only tie if they are equal, so two engines — or one engine twice — return the same rows in the same
order, and a ``limit`` cuts the same rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from dprk_ld.query import load_catalog

from .conftest import ROOT

CATALOG = load_catalog(ROOT)


def _find(node: object, name: str) -> CompValue | None:
    """The first node called ``name`` below ``node``, not entering sub-SELECTs."""
    if isinstance(node, CompValue):
        if node.name == name:
            return node
        for key, value in node.items():
            if key in ("p", "p1", "p2") and not (isinstance(value, CompValue) and value.name == "ToMultiSet"):
                found = _find(value, name)
                if found is not None:
                    return found
    return None


def missing_keys(text: str) -> list[str] | None:
    """The projected variables the outermost ORDER BY leaves out (None for ASK, CONSTRUCT, DESCRIBE)."""
    algebra = prepareQuery(text).algebra
    if algebra.name != "SelectQuery":
        return None
    project = _find(algebra, "Project")
    assert project is not None
    projected = [v for v in project.PV]
    group = _find(algebra, "Group")
    if group is not None and group.expr:
        keys = {e for e in group.expr if isinstance(e, Variable)}
        projected = [v for v in projected if v in keys]
    order = _find(algebra, "OrderBy")
    conditions = [c.expr if isinstance(c, CompValue) and c.name == "OrderCondition" else c
                  for c in (order.expr if order is not None else [])]
    keys = {c for c in conditions if isinstance(c, Variable)}
    return [f"?{v}" for v in projected if v not in keys]


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_order_by_is_total(name: str) -> None:
    missing = missing_keys(CATALOG[name].text)
    assert not missing, f"queries/{name}.rq: ORDER BY leaves ties; add {' '.join(missing)} to it"


def test_the_check_sees_ties() -> None:
    assert missing_keys("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY ?a") == ["?b"]
    assert missing_keys("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) ?a") == []
    assert missing_keys("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY STR(?b) ?a") == ["?b"]
    assert missing_keys("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a ORDER BY ?a") == []
    assert missing_keys("SELECT ?a ?b WHERE { ?a ?p ?b }") == ["?a", "?b"]
    assert missing_keys("ASK { ?a ?p ?b }") is None
    assert Path(ROOT / "queries").is_dir()
