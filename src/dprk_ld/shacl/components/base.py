"""The component model (SHACL §2.4 constraint components): one class per component.

A :class:`Component` names its parameters and says how a constraint using it is checked over a
whole focus set at once, in one or both of two forms:

- :meth:`Component.condition`: a SPARQL expression true when value node ``?v`` violates it. Such
  conditions of the property shapes sharing a focus set and path are merged into one query, and
  logical constraints over condition-only shapes are inlined.
- :meth:`Component.queries`: SELECT queries, each projecting the focus node ``?f`` first.

The engine (:class:`Context`) supplies node sets, nested shapes and the focus patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

from .. import sparql as q
from ..shapes import Shape
from ..sparql import Focus
from ..terms import SH_NS


@dataclass(frozen=True)
class Hit:
    """One violation a query row stands for (before it becomes a result)."""

    focus: str
    value: str | None = None
    path: str | None = None  # None: the shape's path
    message: str | None = None  # None: the shape's message
    component: str | None = None  # None: the query's component
    shape: Shape | None = None  # None: the shape the query was made for
    source_constraint: str | None = None


#: a row: N-Triples strings or None (unbound), in projection order
Row = list[str | None]
#: a row of a ``named`` query: variable -> N-Triples string or None
NamedRow = dict[str, str | None]
#: how a query's rows become hits: "fv" (?f ?v), "f" (?f only), "closed" (?f ?p ?o), or a function
#: (of a :data:`NamedRow` for a ``named`` query)
Decode = str | Callable[[Row], list[Hit]] | Callable[[NamedRow], list[Hit]]


@dataclass(frozen=True)
class Query:
    """A SELECT; ``decode`` turns a row into hits; ``named``: ``decode`` gets rows as distinct dicts by
    variable name (else lists in projection order); ``repeats``: a SELECT ``?n ?w`` of the focus nodes
    validated ``?w`` > 1 times, whose hits count that often (:func:`.sparql.repeats`). ``prepare``: an
    engine that can materialise node sets may call it (with itself) for a text answering the same,
    planned from the data (else ``text``)."""

    component: str
    text: str
    decode: Decode = "fv"
    named: bool = False
    repeats: str | None = None
    prepare: Callable[[Context], str] | None = field(default=None, compare=False)


class Context(Protocol):
    """What components need from the engine."""

    g: Graph
    wrap: bool

    def member(self, c: str, var: str) -> str: ...
    def shape(self, node: Node) -> Shape: ...
    def fails(self, m: Shape) -> str | None: ...
    def fail_focus(self, s: Shape, focus: Focus) -> Focus: ...
    def pairs(self, focus: Focus, s: Shape, v: str = "?v") -> str: ...
    def fresh(self) -> str: ...
    def shapes_graph(self) -> str: ...
    def node_set(self, query: str) -> str: ...
    def in_set(self, key: str, var: str) -> str: ...
    def set_size(self, key: str) -> int: ...
    def count_upto(self, pattern: str, limit: int) -> int: ...


class Component:
    """A SHACL constraint component; subclasses set ``name``, ``parameter`` and ``extra``."""

    name: ClassVar[str]  # local name, e.g. "ClassConstraintComponent"
    parameter: ClassVar[URIRef]  # the parameter whose presence makes a constraint of this component
    extra: ClassVar[tuple[URIRef, ...]] = ()  # other parameters it reads (optional or co-required)

    @property
    def iri(self) -> str:
        return SH_NS + self.name

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        """A condition true when ``?v`` violates the constraint; None if this is no value condition."""
        return None

    def count(self, s: Shape, arg: Node) -> tuple[str, int] | None:
        """(op, n) for a min/max count on the values that can be merged (``COUNT op n`` violates)."""
        return None

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        """The queries finding the violations of every focus node of ``focus`` at once."""
        return []


_IRI = r"<[^<>\s]+>"
_SIMPLE_PATH = re.compile(rf"\^?{_IRI}|\({_IRI}(?:\|{_IRI})+\)")


def path_scan(path: str, f: str = "?f", v: str = "?v") -> str | None:
    """A pattern binding ``f`` and ``v`` to every pair the path links, or None when the path is not
    a predicate, an inverse predicate or an alternative of predicates (a closure cannot be scanned)."""
    if not _SIMPLE_PATH.fullmatch(path):
        return None
    if path.startswith("^"):
        return q.triple(v, path[1:], f)
    if path.startswith("("):
        return q.values("?__pv", path[1:-1].split("|")) + " " + q.triple(f, "?__pv", v)
    return q.triple(f, path, v)


def values_pattern(focus: Focus, s: Shape, hashed: bool = False) -> str:
    """``?f`` bound to focus nodes and ``?v`` to their value nodes.

    ``hashed``: for a large focus set, the path's pairs come from a subquery, which Oxigraph joins
    by hashing instead of one index lookup per focus node (1M triples, 50k claims: 0.27 -> 0.17 s
    for a predicate, 1.5 -> 0.2 s for an alternative of 13 predicates, written as VALUES)."""
    if s.path is None:
        return focus("?f") + " " + q.bind("?f", "?v")
    scan = path_scan(s.path) if hashed else None
    if scan is not None:
        return focus("?f") + " " + q.subselect(["?f", "?v"], scan)
    if q.zero_length(s.path):
        return q.path_step("?f", s.path, "?v", focus)
    return focus("?f") + " " + q.triple("?f", s.path, "?v")


def cond_query(component: str, focus: Focus, s: Shape, cond: str) -> Query:
    """The query of a value condition alone: the focus nodes and value nodes violating it."""
    return Query(component, q.select(["?f", "?v"], values_pattern(focus, s, focus.big), q.filter_(cond),
                                     distinct=True))


#: :func:`pairs_first` starts from the pairs when there are fewer than this many per focus node (counting
#: them costs a scan of up to that many pairs; between this and 1 both plans take about the same time)
PAIRS_FIRST_RATIO = 0.25


def pairs_first(scan: str, size: int, first: str, hashed: str) -> Callable[[Context], str]:
    """For the value conditions of a large focus set of ``size`` nodes on a path whose pairs ``scan``
    gives: ``first`` (the pairs, each focus node looked up in the set) when the path has few pairs for the
    set (:data:`PAIRS_FIRST_RATIO`), else ``hashed`` (the set hashed and joined to all the pairs).

    1M triples, 50k claims, dprk:startDate on 382 of them: 0.027 -> 0.002 s. With more pairs than focus
    nodes, most of them outside the set, the lookups cost more than the hash: always starting from the
    pairs took generated shapes seed 4 from 14.4 to 16.3 CPU s (the engine alone; 14.1 with the count)."""
    limit = max(1, int(size * PAIRS_FIRST_RATIO))

    def prepare(ctx: Context) -> str:
        return first if ctx.count_upto(scan, limit) < limit else hashed
    return prepare
