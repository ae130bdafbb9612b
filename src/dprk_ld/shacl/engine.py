"""SHACL validation on a pyoxigraph store, shapes compiled to SPARQL (W3C SHACL, Core and SPARQL).

:func:`validate_store` validates the data graphs of a store against an rdflib shapes graph and
returns plain :class:`~dprk_ld.shacl.results.ShaclResult` values, meant to be exactly pyshacl's
(same focus nodes, paths, components, severities, source shapes and values).

Each top-level shape's focus nodes and each class's instances (subclasses included) are
materialised once into a temporary named graph of the store, removed before returning; every
constraint is then one query over all focus nodes at once (:mod:`dprk_ld.shacl.plan`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from . import sparql as q
from .components import Hit, Query
from .components.base import Decode, NamedRow, Row
from .errors import Unsupported
from .fallback import run_fallback
from .plan import Deferred, Planner
from .results import Fallback, Report, ShaclResult
from .shapes import Shape, target_parts, top_level
from .sparql import Focus
from .sparql import focus as make_focus
from .terms import SH_NS, GraphName, graph_to_store, ox_nt, solutions, to_ox

ONTOLOGY_GRAPH = "urn:x-dprk-ld:ontology"
#: the one variable of a node set's query (:meth:`Validator.node_set`)
_SELECT_VAR = re.compile(r"\s*SELECT\s+(?:DISTINCT\s+)?(\?\w+)\s+WHERE\b")
HAS = ox.NamedNode("urn:x-fastshacl:has")
#: focus sets from this size on are joined to their values by hashing (below, one lookup per node is cheaper)
HASH_MIN = 1000


class Validator(Planner):
    """Node sets, query running and results; the queries come from :class:`Planner`."""

    def __init__(self, store: ox.Store, shapes: Graph, graphs: list[GraphName], ontology: str | None,
                 wrap: bool = True) -> None:
        super().__init__(shapes, wrap)
        self.store, self.graphs, self.ontology = store, graphs, ontology
        self.one_graph = len(graphs) == 1
        #: temporary named graph of materialised node sets: ``<set> <urn:x-fastshacl:has> node``
        self.sets_graph = ox.NamedNode(f"urn:x-fastshacl:sets:{uuid.uuid4().hex}")
        self.class_sets: dict[str, str] = {}  # class IRI -> set IRI (its instances, subclasses included)
        self.set_sizes: dict[str, int] = {}
        self.counts: dict[str, int] = {}  # count_upto's memo
        self.set_ids = itertools.count()
        self.set_memo: dict[str, str] = {}  # query -> the set of its nodes
        self.set_locks: dict[str, threading.Lock] = {}
        self.focus_sets: dict[Node, str] = {}  # top-level shape node -> its focus set IRI
        hier = graphs + ([ox.NamedNode(ontology)] if ontology else [])
        self.children: dict[str, set[str]] = defaultdict(set)
        for row in solutions(store.query(f"SELECT ?s ?o WHERE {{ ?s <{RDFS.subClassOf}> ?o }}", default_graph=hier)):
            self.children[ox_nt(row[1])].add(ox_nt(row[0]))
        self.sub_memo: dict[str, list[str]] = {}
        self.shapes_iri: str | None = None

    def subclasses(self, c: str) -> list[str]:
        if c not in self.sub_memo:
            seen, todo = {f"<{c}>"}, [f"<{c}>"]
            while todo:
                for k in self.children.get(todo.pop(), ()):
                    if k not in seen and k.startswith("<"):
                        seen.add(k)
                        todo.append(k)
            self.sub_memo[c] = sorted(x[1:-1] for x in seen)
        return self.sub_memo[c]

    def node_set(self, query: str) -> str:
        """Materialise the nodes ``query`` (a SELECT of one variable) returns as a new set; its IRI (the
        same query twice: the same set). Inserted by one SPARQL update, in the store, where the validated
        graphs can be named in USING (65k nodes: 0.26 s, against 0.42 s through Python quads)."""
        with self.set_locks.setdefault(query, threading.Lock()):  # setdefault: atomic; one build per query
            if query not in self.set_memo:
                self.set_memo[query] = self._build_set(query)
        return self.set_memo[query]

    def _build_set(self, query: str) -> str:
        key = ox.NamedNode(f"urn:x-fastshacl:set:{next(self.set_ids)}")  # next(): atomic, queries run on threads
        var = _SELECT_VAR.match(query)
        using = self._using()
        if var is not None and using is not None:
            # no DISTINCT: the store holds each quad once anyway (65k nodes: 0.21 -> 0.16 s)
            where = query[:var.start(1)].replace("DISTINCT", "", 1) + query[var.start(1):]
            self.store.update(f"INSERT {{ GRAPH <{self.sets_graph.value}> {{ <{key.value}> <{HAS.value}> "
                              f"{var.group(1)} }} }} {using} WHERE {{ {where} }}")
            count = solutions(self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{self.sets_graph.value}> "
                                               f"{{ <{key.value}> <{HAS.value}> ?x }} }}"))
            self.set_sizes[key.value] = int(next(iter(count))[0].value)
        else:
            rows = solutions(self.store.query(query, default_graph=self.graphs))
            quads = [ox.Quad(key, HAS, row[0], self.sets_graph) for row in rows]
            self.store.extend(quads)
            self.set_sizes[key.value] = len(quads)
        return key.value

    def _using(self) -> str | None:
        """The USING clauses making the validated graphs an update's default graph ("": the store's default
        graph; None: a mix of both, which USING cannot name). USING NAMED keeps the node sets visible."""
        if all(isinstance(g, ox.DefaultGraph) for g in self.graphs):
            return ""
        named = [g.value for g in self.graphs if isinstance(g, ox.NamedNode)]
        if len(named) == len(self.graphs):
            return " ".join([*(f"USING <{g}>" for g in named), f"USING NAMED <{self.sets_graph.value}>"])
        return None

    def set_size(self, key: str) -> int:
        return self.set_sizes[key]

    def count_upto(self, pattern: str, limit: int) -> int:
        """The number of solutions of ``pattern``, counted up to ``limit`` (once per pattern and limit)."""
        key = f"{limit} {pattern}"
        if key not in self.counts:
            text = f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} LIMIT {limit} }} }}"
            self.counts[key] = int(next(iter(solutions(self.store.query(text, default_graph=self.graphs))))[0].value)
        return self.counts[key]

    def in_set(self, key: str, var: str) -> str:
        """Pattern: ``var`` is in the node set ``key``."""
        return q.graph(f"<{self.sets_graph.value}>", f"<{key}> <{HAS.value}> {var}")

    def member(self, c: str, var: str) -> str:
        """Pattern: ``var`` is an instance of class ``c`` (or of a subclass); instances materialised once."""
        if c not in self.class_sets:
            vals = [f"<{x}>" for x in self.subclasses(c)]
            self.class_sets[c] = self.node_set(q.select(["?x"], "?x a ?c .", q.values("?c", vals), distinct=True))
        return self.in_set(self.class_sets[c], var)

    def focus(self, s: Shape) -> Focus | None:
        """The focus of top-level shape ``s``: its target nodes, materialised once as a node set."""
        parts, one_class = target_parts(self.g, s, self.member, self.wrap)
        if not parts:
            return None
        if one_class is not None:
            self.member(one_class, "?x")  # materialises the class's set
            key = self.class_sets[one_class]
        else:
            key = self.node_set(q.select(["?x"], q.union(p("?x") for p in parts), distinct=True))
        self.focus_sets[s.node] = key
        size = self.set_sizes[key]
        return make_focus(lambda var: q.group(self.in_set(key, var)), big=size >= HASH_MIN, size=size)

    def results_of(self, s: Shape, query: Query, strings: dict[str, str],
                   times: dict[str, dict[str | None, int]]) -> list[ShaclResult]:
        """The results of one compiled query, in row order; ``strings``, ``times``: shared memos.

        The rows become results as they are read (no query's rows are held whole), and the results share
        one copy of each string (terms, messages): generated shapes seed 4 at 1M triples, 333k results,
        153 -> 47 MB of Python heap at the most, peak RSS of the whole validation 1,129 -> 1,063 MB."""
        out: list[ShaclResult] = []
        n: dict[str | None, int] | None = None  # focus node -> times validated (a ``repeats`` query)
        for row in self.iter_rows(query, strings):
            if n is None:  # first row: only a query with hits needs its repeats
                n = {} if query.repeats is None else self.times(query.repeats, times)
            for h in decode(query.decode, row):
                r = self.result(s, query.component, h, strings)
                out += [r] * n.get(h.focus, 1)
        release_memory()
        return out

    def times(self, repeats: str, memo: dict[str, dict[str | None, int]]) -> dict[str | None, int]:
        """Focus node -> times validated, for the nodes a :func:`.sparql.repeats` query lists (once per query)."""
        if repeats not in memo:
            memo[repeats] = {r[0]: int(str(r[1]).split('"')[1]) for r in self.rows(Query("", repeats))
                             if isinstance(r, list)}
        return memo[repeats]

    def rows(self, query: Query) -> list[Row] | list[NamedRow]:
        """The rows of ``query``: lists of N-Triples terms (None: unbound); distinct dicts if ``named``."""
        return list(self.iter_rows(query))  # type: ignore[return-value]  # all lists or all dicts

    def iter_rows(self, query: Query, strings: dict[str, str] | None = None) -> Iterator[Row | NamedRow]:
        """:meth:`rows`, one at a time; with ``strings`` (a memo), equal terms are one string object."""
        text = query.prepare(self) if query.prepare is not None else query.text
        res = solutions(self.store.query(text, default_graph=self.graphs))
        if strings is None:
            rows: Iterator[Row] = ([ox_nt(t) if t is not None else None for t in row] for row in res)
        else:
            one = strings.setdefault
            rows = ([None if t is None else one(x, x) for t in row for x in (ox_nt(t),)] for row in res)
        if not query.named:
            yield from rows
            return
        names = [v.value for v in res.variables]
        seen: set[tuple[str | None, ...]] = set()  # distinct rows, first occurrences in order
        for r in rows:
            key = tuple(r)
            if key not in seen:
                seen.add(key)
                yield dict(zip(names, r, strict=True))

    def shapes_graph(self) -> str:
        """The IRI of the shapes graph, copied into the store on first use (``$shapesGraph``, SHACL §5.2)."""
        if self.shapes_iri is None:
            self.shapes_iri = f"urn:x-fastshacl:shapes:{uuid.uuid4().hex}"
            gn = ox.NamedNode(self.shapes_iri)
            # [arg-type]: an rdflib triple's subject is no literal and its predicate an IRI; to_ox's type cannot say so
            self.store.extend([ox.Quad(to_ox(a, self.wrap), to_ox(b, self.wrap), to_ox(c, self.wrap), gn)  # type: ignore[arg-type]
                               for a, b, c in self.g])
        return self.shapes_iri

    def cleanup(self) -> None:
        """Remove the temporary graphs (node sets, shapes copy)."""
        self.store.remove_graph(self.sets_graph)
        if self.shapes_iri is not None:
            self.store.remove_graph(ox.NamedNode(self.shapes_iri))

    def result(self, s: Shape, component: str, h: Hit, strings: dict[str, str] | None = None) -> ShaclResult:
        """The result a hit stands for; with ``strings`` (a memo), its message is the one copy of that text."""
        shape = h.shape or s
        message = h.message if h.message is not None else shape.message
        if strings is not None and message is not None:
            message = strings.setdefault(message, message)
        return ShaclResult(h.focus, h.path if h.path is not None else shape.path, h.component or component,
                           shape.severity, shape.key, h.value, message, h.source_constraint)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None elsewhere)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Hand the heap freed by a finished query back to the system (glibc): a query's hash tables are
    freed when it ends, but the pages stay the process's and the next query (on another thread's
    arena) may not reuse them, so the peak grows with each one. 1M triples, generated shapes seeds
    3, 4, 5 (two runs each, load 2.6-4.9 on 2 cores): peak RSS 692 -> 596, 808 -> 754, 659 -> 614 MB,
    CPU within the runs' noise."""
    if _TRIM is not None:
        _TRIM(0)


def decode(how: Decode, row: Row | NamedRow) -> list[Hit]:
    """The hits of one row (see :data:`.components.base.Decode`)."""
    if isinstance(how, str):
        assert isinstance(row, list) and row[0] is not None  # these queries bind ?f in every row
        if how == "fv":
            return [Hit(row[0], row[1])]
        if how == "f":
            return [Hit(row[0])]
        if how == "closed":
            return [Hit(row[0], row[2], row[1])]
        raise TypeError(f"unknown decoding {how!r}")
    return how(row)  # type: ignore[arg-type]  # a named query's decoder gets its dict rows, the others lists


def validate_store(
    store: ox.Store,
    shapes: Graph,
    data_graphs: list[str] | None = None,
    ontology_graph: str | None = None,
    *,
    wrap: bool = True,
    fallback: bool = True,
    threads: int = 2,
) -> Report:
    """Validate the data graphs of ``store`` (default: every graph but the ontology) against ``shapes``.

    ``wrap``: the store holds typed literals wrapped (:func:`.terms.load_file`, :func:`.terms.graph_to_store`);
    False for a store loaded as is. ``fallback``: run pyshacl for constraints the compiler cannot
    handle (else they are only listed in :attr:`Report.fallbacks`). ``threads``: concurrent queries.

    The store is left as found: node sets live in a temporary named graph removed before returning.
    """
    if data_graphs is None:
        graphs: list[GraphName] = [ox.DefaultGraph()] + [g for g in store.named_graphs() if g.value != ontology_graph]
    else:
        graphs = [ox.NamedNode(g) for g in data_graphs]
    v = Validator(store, shapes, graphs, ontology_graph, wrap)
    try:
        results = _pipeline(v, top_level(shapes), threads)
        fallbacks = [Fallback(str(d.chain[0]), _describe(d, v), d.reason) for d in v.deferred]
        if v.deferred and fallback:
            results += run_fallback(v, v.deferred, fallbacks)
    finally:
        v.cleanup()
    return Report(not results, results, fallbacks, v.cache)


def _pipeline(v: Validator, nodes: list[Node], threads: int) -> list[ShaclResult]:
    """The results of the top-level shapes ``nodes``, in their order (each shape's queries in plan order).

    Each shape's focus set is materialised on a thread of its own, one set after another (each is a store
    update, and updates take the store's write lock in turn); a shape's queries go to the ``threads``
    query threads as soon as its set is there, so the queries of the first shapes run while the later
    sets are built (1M triples, ours: the sets take 0.65 s, which the queries had waited for)."""
    def one(node: Node) -> Focus | None | Unsupported:
        try:
            s = v.shape(node)
            if SH.target in s.params:
                raise Unsupported("SPARQL-based targets (sh:target)")
            return v.focus(s)
        except Unsupported as exc:
            return exc

    for node in nodes:  # the shapes parsed first, on this thread: the planner's caches are filled in one order
        try:
            v.shape(node)
        except Unsupported:
            pass
    strings: dict[str, str] = {}  # setdefault is atomic: the threads share it
    times: dict[str, dict[str | None, int]] = {}  # repeats query -> focus node -> times validated
    parts: list[Future[list[ShaclResult]]] = []
    with ThreadPoolExecutor(1, "dprk-ld-shacl-sets") as sets, ThreadPoolExecutor(max(1, threads)) as pool:
        try:
            foci = [sets.submit(one, node) for node in nodes]
            for node, pending in zip(nodes, foci, strict=True):
                focus = pending.result()
                if isinstance(focus, Unsupported):
                    v.deferred.append(Deferred((node,), SH.target, None, str(focus)))
                elif focus is not None:  # planned here, on one thread; run on the query threads
                    parts += [pool.submit(v.results_of, s, query, strings, times)
                              for s, query in v.evaluate(v.shape(node), focus)]
            return [r for part in parts for r in part.result()]
        except BaseException:
            sets.shutdown(cancel_futures=True)
            pool.shutdown(cancel_futures=True)
            raise


def _describe(d: Deferred, planner: Planner) -> str:
    """``sh:param`` of the shape holding it (the constraint the fallback runs)."""
    holder = planner.shape(d.chain[-1])
    where = "" if len(d.chain) == 1 else f" of [sh:path {holder.path}]" if isinstance(holder.node, BNode) \
        else f" of {holder.node}"
    name = "sh:" + str(d.param)[len(SH_NS):] if str(d.param).startswith(SH_NS) else f"<{d.param}>"
    return name + where


def validate_graphs(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """Convenience: copy rdflib graphs into a fresh in-memory store and validate.

    Typed literals are stored wrapped (exact lexical forms kept, see :mod:`.terms`) unless the shapes
    hold SHACL-SPARQL: a user's query must see plain literals (``?value > 40`` on an xsd:decimal)."""
    store = ox.Store()
    wrap = not any((None, p, None) in shapes for p in (SH.select, SH.ask))
    gn = ox.DefaultGraph()
    # [arg-type]: an rdflib triple's subject is no literal and its predicate an IRI; to_ox's type cannot say so
    store.extend([ox.Quad(to_ox(s, wrap), to_ox(p, wrap), to_ox(o, wrap), gn) for s, p, o in data])  # type: ignore[arg-type]
    if ontology is not None:
        graph_to_store(store, ontology, ONTOLOGY_GRAPH)
    return validate_store(store, shapes, None, ONTOLOGY_GRAPH if ontology is not None else None, wrap=wrap)


class _DryRun(Planner):
    """A planner with no store: compiles every shape without running anything."""

    def member(self, c: str, var: str) -> str:
        return q.triple(var, "a", f"<{c}>")

    def shapes_graph(self) -> str:
        return "urn:x-fastshacl:shapes"


def uncompiled(shapes: Graph) -> list[str]:
    """What the compiler cannot handle in ``shapes`` (one line per constraint), found without touching
    any data: ``--engine fast`` says so before doing the work."""
    p = _DryRun(shapes, True)
    for node in top_level(shapes):
        try:
            s = p.shape(node)
            if SH.target in s.params:
                raise Unsupported("SPARQL-based targets (sh:target)")
            target_parts(shapes, s, p.member)
        except Unsupported as exc:
            p.deferred.append(Deferred((node,), SH.target, None, str(exc)))
            continue
        p.evaluate(s, make_focus(lambda var: q.triple(var, "?__p", "?__o")))
    return [f"{d.chain[0]}: {_describe(d, p)}: {d.reason}" for d in p.deferred]
