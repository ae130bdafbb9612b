"""The SHACL engine's data-dependent plans give the results of the plain ones (differential vs pyshacl).

The engine picks its joins from the data: a focus set from :data:`dprk_ld.shacl.engine.HASH_MIN`
nodes on is hashed against its values, and value conditions on a closure path (``X+``, ``X*``) are
checked from the violating values back to the focus nodes (:meth:`dprk_ld.shacl.plan.Planner.value_first`).
The generated differential test (tests/test_shacl_generated.py) runs on a dozen nodes, where neither
happens; here both are forced on every focus set, over generated shape sets (benchmarks/shapegen.py).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pyshacl
import pytest
from rdflib import Graph

from dprk_ld.shacl import engine, plan, results_from_pyshacl, validate_graphs
from dprk_ld.shacl.components import base

from .conftest import benchmark_module

shapegen = benchmark_module("shapegen")


@pytest.mark.parametrize("seed", range(40))
def test_forced_plans_same_results_as_pyshacl(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "HASH_MIN", 0)
    monkeypatch.setattr(plan, "VALUE_FIRST_RATIO", float("inf"))
    assert_same_as_pyshacl(seed)


def assert_same_as_pyshacl(seed: int) -> None:
    """The engine's results on generated shape set ``seed`` (30 nodes a class) are pyshacl's, but messages."""
    onto, shapes, data = shapegen.generate(seed, 30)
    dg = Graph().parse(data=onto + "".join(data), format="turtle")
    sg = Graph().parse(data=shapes, format="turtle")
    ours = validate_graphs(dg, sg)
    _, rg, _ = pyshacl.validate(dg, shacl_graph=sg, inference="none", advanced=True)
    ref = results_from_pyshacl(rg)  # type: ignore[arg-type]

    def key(r: object) -> tuple:
        return dataclasses.astuple(dataclasses.replace(r, message=None))  # type: ignore[type-var]
    assert Counter(map(key, ours.results)) == Counter(map(key, ref))


def test_value_first_plan_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A closure path on a large focus set gets the value-first plan (else this file tests nothing)."""
    monkeypatch.setattr(engine, "HASH_MIN", 0)
    used = []
    real = plan.Planner.value_first

    def spy(self: plan.Planner, *a: object) -> object:
        got = real(self, *a)  # type: ignore[arg-type]
        used.append(got is not None)
        return got
    monkeypatch.setattr(plan.Planner, "value_first", spy)
    for seed in range(40):
        onto, shapes, data = shapegen.generate(seed, 30)
        validate_graphs(Graph().parse(data=onto + "".join(data), format="turtle"),
                        Graph().parse(data=shapes, format="turtle"))
    assert any(used)


@pytest.mark.parametrize("ratio", [1e9, 0.0], ids=["pairs-first", "hashed"])
@pytest.mark.parametrize("seed", range(20))
def test_pairs_first_or_hashed_same_results_as_pyshacl(seed: int, ratio: float,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Value conditions on a large focus set start from the path's pairs or hash the set, as
    :func:`dprk_ld.shacl.components.base.pairs_first` finds from the data; each plan forced here."""
    monkeypatch.setattr(engine, "HASH_MIN", 0)
    monkeypatch.setattr(base, "PAIRS_FIRST_RATIO", ratio)
    assert_same_as_pyshacl(seed)


def test_pairs_first_chooses_by_the_data() -> None:
    """Few pairs for the focus set: the pairs first; as many pairs as focus nodes: the hashed join."""
    import pyoxigraph as ox

    store = ox.Store()
    ex = "http://example.org/"
    store.extend([ox.Quad(ox.NamedNode(f"{ex}n{i}"), ox.NamedNode(f"{ex}dense"), ox.Literal(str(i)))
                  for i in range(100)])
    store.extend([ox.Quad(ox.NamedNode(f"{ex}n{i}"), ox.NamedNode(f"{ex}sparse"), ox.Literal("x"))
                  for i in range(3)])
    v = engine.Validator(store, Graph(), [ox.DefaultGraph()], None)
    for pred, want in (("sparse", "first"), ("dense", "hashed")):
        prepare = base.pairs_first(f"?f <{ex}{pred}> ?v .", 100, "first", "hashed")
        assert prepare(v) == want
