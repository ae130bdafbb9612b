"""The same compiled SHACL queries (W3C SHACL 2017, Core) run where the data is: any SPARQL 1.1 store.

:func:`validate_remote` validates what a ``select`` callable can query — typically a SPARQL 1.1
Protocol endpoint with the data graphs as its protocol dataset — and writes nothing there. What the
embedded engine (:mod:`.engine`) materialises in its store becomes, here:

- **node sets** (a shape's focus nodes, a class's instances): query patterns, inlined into every
  query that uses them (``SELECT DISTINCT`` of the target patterns, ``VALUES ?c {subclasses} ?x a ?c``);
- **the class hierarchy and the ontology's named individuals** (which the embedded run copies into
  the validated graph): client-side sets given by the caller — subclasses become a ``VALUES`` list,
  the individuals typed with a class a ``VALUES`` of nodes — so the store needs neither the
  ontology in the validated graphs nor a place to write a copy.

The results are the embedded engine's, value for value: the planner (:mod:`.plan`) and the
components are the same, only the node-set patterns differ. Constraints the compiler cannot handle
are listed in :attr:`Report.fallbacks` and not validated (pyshacl would need the whole data graph).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from rdflib import Graph
from rdflib.term import Node

from . import sparql as q
from .components import Query
from .engine import HASH_MIN, Validator, decode
from .errors import Unsupported
from .plan import Planner, Task
from .results import Fallback, Report, ShaclResult
from .shapes import Shape, target_parts, top_level
from .sparql import Focus
from .sparql import focus as make_focus
from .terms import ox_nt


class Row(Protocol):
    """A row ``select`` yields: pyoxigraph terms or None by position (a QuerySolution, or any sequence)."""

    def __getitem__(self, index: int, /) -> object: ...
    def __iter__(self) -> Iterator[object]: ...


#: runs a SELECT on the data and yields its rows (in projection order)
Select = Callable[[str], Iterable[Row]]


class RemoteValidator(Validator):
    """A :class:`Validator` whose node sets are query patterns and whose queries go to ``select``."""

    def __init__(self, select: Select, shapes: Graph, hierarchy: Iterable[tuple[str, str]],
                 individuals: Iterable[tuple[str, str]]) -> None:
        Planner.__init__(self, shapes, False)
        self.select = select
        self.children: dict[str, set[str]] = defaultdict(set)
        for sub, sup in hierarchy:
            self.children[f"<{sup}>"].add(f"<{sub}>")
        self.sub_memo: dict[str, list[str]] = {}
        self.typed: dict[str, set[str]] = defaultdict(set)  # class -> ontology individuals of that type
        for node, cls in individuals:
            self.typed[cls].add(node)
        self.focus_sets: dict[Node, str] = {}
        self.set_sizes: dict[str, int] = {}

    def member(self, c: str, var: str) -> str:
        """Pattern: ``var`` is an instance of ``c`` or of a subclass, in the data or among the ontology's
        named individuals (a client-side set)."""
        subs = self.subclasses(c)
        nodes = sorted({n for s in subs for n in self.typed.get(s, ())})
        if len(subs) == 1:
            typed = q.triple(var, "a", f"<{subs[0]}>")
        else:
            cv = self.fresh()
            typed = q.values(cv, [f"<{s}>" for s in subs]) + " " + q.triple(var, "a", cv)
        if not nodes:
            return typed
        return q.union([q.group(typed), q.group(q.values(var, [f"<{n}>" for n in nodes]))])

    def focus(self, s: Shape) -> Focus | None:
        """The focus of top-level shape ``s``: its target patterns as one subquery, sized once.

        The same query counts its rows with and without ``DISTINCT``: when they are equal the target
        patterns give no node twice, and the subquery goes without ``DISTINCT`` (every query using it
        then skips a hash of the whole focus set: 1M triples, 50k claims of 13 classes, 0.29 -> 0.11 s)."""
        parts, _ = target_parts(self.g, s, self.member, self.wrap)
        if not parts:
            return None

        def pattern(var: str) -> str:
            return q.union(p(var) for p in parts)

        rows = list(self.select(q.select(["(COUNT(*) AS ?n)", "(COUNT(DISTINCT ?x) AS ?d)"], pattern("?x"))))
        rows_n, size = (_count(rows[0][0]), _count(rows[0][1])) if rows else (0, 0)
        distinct = rows_n != size

        def render(var: str) -> str:
            return q.subselect([var], pattern(var), distinct=distinct)

        key = f"remote:{len(self.set_sizes)}"
        self.set_sizes[key] = size
        self.focus_sets[s.node] = key
        return make_focus(render, big=size >= HASH_MIN)

    def run(self, tasks: list[Task], threads: int) -> list[ShaclResult]:
        """The compiled queries on ``threads`` threads, the longest sent first (the logical constraints nest
        the most subqueries and take the longest): fewer idle threads at the end. Results keep the tasks'
        order."""
        order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i][1].text))
        with ThreadPoolExecutor(max(1, threads)) as pool:
            answers = dict(zip(order, pool.map(lambda i: self.rows(tasks[i][1]), order), strict=True))
        out = []
        for i, (s, query) in enumerate(tasks):
            for row in answers[i]:
                out += [self.result(s, query.component, h) for h in decode(query.decode, row)]
        return out

    def rows(self, text: str | Query) -> list[list[str | None]]:
        query = text.text if isinstance(text, Query) else text
        return [[ox_nt(t) if t is not None else None for t in row] for row in self.select(query)]

    def shapes_graph(self) -> str:
        raise Unsupported("SHACL-SPARQL reads $shapesGraph, which would need a copy of the shapes in the store")


def _count(term: object) -> int:
    return int(ox_nt(term).split('"')[1]) if term is not None else 0


def validate_remote(select: Select, shapes: Graph, hierarchy: Iterable[tuple[str, str]] = (),
                    individuals: Iterable[tuple[str, str]] = (), *, threads: int = 2) -> Report:
    """Validate the data ``select`` sees against ``shapes``, writing nothing anywhere.

    ``hierarchy``: ``(subclass, superclass)`` IRI pairs (the ontology's and the data's ``rdfs:subClassOf``);
    ``individuals``: ``(node, class)`` pairs the validated graph should also hold as ``rdf:type``
    (the ontology's named individuals, as the embedded run copies them). ``threads``: queries in flight.
    Constraints that cannot be compiled are in :attr:`Report.fallbacks`, unvalidated.
    """
    v = RemoteValidator(select, shapes, hierarchy, individuals)
    tasks: list[Task] = []
    unsupported: list[Fallback] = []
    for node in top_level(shapes):
        try:
            s = v.shape(node)
            fp = v.focus(s)
            if fp is not None:
                tasks += v.evaluate(s, fp)
        except Unsupported as exc:
            v.stack.clear()
            unsupported.append(Fallback(str(node), "shape", str(exc)))
    results = v.run(tasks, threads)
    return Report(not results, results, unsupported, v.cache)
