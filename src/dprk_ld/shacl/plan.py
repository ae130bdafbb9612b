"""From shapes to queries (SHACL §2–§4 over a whole focus set): :class:`Planner`.

For each shape and focus set, every constraint becomes a query of its component
(:mod:`dprk_ld.shacl.components`). Value conditions and min/maxCount of the property shapes that
share a focus set and a path are merged (:class:`Merged`): one query flags every value condition,
one counts the values. Nested shapes (``sh:property``) get the values of their parent as focus.

Joins are written so that Oxigraph hashes them instead of looking up each focus node in turn:
value nodes come from a subquery over the path (:func:`.components.base.values_pattern`), and
``sh:class`` is an OPTIONAL over the class's materialised instances (measured at 1M triples: the
13-predicate alternative path of ``shape:Claim-roles-actor`` 1.75 -> 0.25 s).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import sparql as q
from .components import KNOWN, REGISTRY, Hit, Query, custom_components
from .components.base import Context, Row, cond_query, pairs_first, path_scan, values_pattern
from .errors import Unsupported
from .shapes import PASSIVE, Shape, read_shape
from .sparql import Focus, empty_focus, nodes_of, values_of
from .sparql import focus as make_focus
from .terms import integer, sparql_term

_TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
#: the value node variable of a condition (renamed when a condition is inlined on another variable)
_VAR_V = re.compile(r"\?v\b")
#: :meth:`Planner.value_first` walks back from the violating values when there are at most this many
#: per focus node (walking back from a value costs about what walking forward from a focus node does)
VALUE_FIRST_RATIO = 1.0
#: a path that is one predicate or its inverse
_PREDICATE = re.compile(r"\^?<[^<>\s]+>")


@dataclass
class Merged:
    """The simple constraints of the property shapes that share a focus set and a path."""

    focus: Focus
    shape: Shape  # any of them (for the path)
    #: (shape, component IRI, condition, class IRI when the condition is an sh:class to join by hashing)
    conds: list[tuple[Shape, str, str, str | None]] = field(default_factory=list)
    counts: list[tuple[Shape, str, str, int]] = field(default_factory=list)  # (shape, component, op, n)


#: a query and the shape whose results it gives
Task = tuple[Shape, Query]


@dataclass(frozen=True)
class Deferred:
    """A constraint left to the fallback: ``chain`` is the top-level shape, then the ``sh:property``
    shapes down to the one holding ``param`` (value ``arg``; None: every value)."""

    chain: tuple[Node, ...]
    param: URIRef
    arg: Node | None
    reason: str


class Planner:
    """Queries for the constraints of shapes; the engine provides :meth:`member` (class node sets)."""

    def __init__(self, shapes: Graph, wrap: bool) -> None:
        self.g, self.wrap = shapes, wrap
        self.cache: dict[Node, Shape] = {}
        self.stack: list[Node] = []
        self.fresh_n = 0
        self.custom = custom_components(shapes)
        self.deferred: list[Deferred] = []
        #: the validated graph is one graph, so a predicate links a node to each value once (the engine says)
        self.one_graph = False

    def shapes_graph(self) -> str:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def member(self, c: str, var: str) -> str:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def node_set(self, query: str) -> str:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def in_set(self, key: str, var: str) -> str:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def set_size(self, key: str) -> int:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def count_upto(self, pattern: str, limit: int) -> int:  # pragma: no cover - provided by the engine
        raise NotImplementedError

    def shape(self, node: Node) -> Shape:
        if node not in self.cache:
            self.cache[node] = read_shape(self.g, node)
        return self.cache[node]

    def fresh(self) -> str:
        self.fresh_n += 1
        return f"?__g{self.fresh_n}"

    def pairs(self, focus: Focus, s: Shape, v: str = "?v") -> str:
        """Pattern binding ``v`` to the values of ``?f`` on the path of ``s``: a subquery over the whole
        path, joined by hashing, when ``focus`` is a large set."""
        scan = path_scan(s.path, "?f", v) if focus.big and s.path is not None else None
        if s.path is not None and q.zero_length(s.path):
            return q.subselect(["?f", v], q.path_step("?f", s.path, v, focus))
        if scan is None:
            return q.triple("?f", str(s.path), v)
        return q.subselect(["?f", v], scan)

    @contextmanager
    def visiting(self, s: Shape) -> Iterator[None]:
        if s.node in self.stack:
            raise Unsupported(f"recursive shape {s.node}")
        self.stack.append(s.node)
        try:
            yield
        finally:
            self.stack.pop()

    def condition(self, s: Shape, comp: URIRef, arg: Node) -> str | None:
        """A condition true when ``?v`` violates the constraint (None: it is no value condition)."""
        c = REGISTRY.get(comp)
        return None if c is None else c.condition(self, s, arg)

    def queries(self, s: Shape, comp: URIRef, arg: Node, focus: Focus) -> list[Query]:
        """The queries of one constraint, each projecting ``?f`` first."""
        c = REGISTRY.get(comp)
        if c is None:
            return []  # targets, path, severity, message, annotations ...
        cond = c.condition(self, s, arg)
        if cond is not None:
            return [cond_query(c.iri, focus, s, cond)]
        return c.queries(self, s, arg, focus)

    def custom_queries(self, s: Shape, focus: Focus) -> list[Query]:
        """The queries of the SPARQL-based constraint components (declared in the shapes graph) ``s`` uses."""
        return [x for c in self.custom if c.applies(self.g, s) for x in c.custom_queries(self, s, focus)]

    def compilable(self, s: Shape) -> Shape:
        """``s``, if it holds no parameter unknown to the compiler (a member of a logical constraint)."""
        unknown = [p for p in s.params if p not in KNOWN]
        if unknown:
            raise Unsupported(f"shape {s.node} uses {', '.join(map(str, unknown))}")
        return s

    def evaluate(self, s: Shape, focus: Focus, groups: dict[tuple[Focus, str | None], Merged] | None = None,
                 chain: tuple[Node, ...] = ()) -> list[Task]:
        """The queries giving all results of shape ``s`` for the focus nodes of ``focus``.

        Value conditions and min/maxCount of the shapes that share ``focus`` and a path are merged
        (``groups``, flushed by the outermost call) into one query each. A constraint that cannot be
        compiled is recorded in :attr:`deferred` (with ``chain``, the shapes from the top-level shape
        down to ``s``) and the others still are.
        """
        if s.deactivated:
            return []
        top = groups is None
        groups = {} if groups is None else groups
        chain = (*chain, s.node)
        with self.visiting(s):
            out: list[Task] = []  # this shape's own queries (the nested shapes' are in ``nested``)
            nested: list[Task] = []
            m = groups.setdefault((focus, s.path), Merged(focus, s))
            for comp, args in s.params.items():
                c = REGISTRY.get(comp)
                if c is None:
                    if comp not in KNOWN:
                        self.defer(chain, comp, None, f"{comp} is not a parameter the compiler knows")
                    continue
                for arg in args:
                    try:
                        cond = c.condition(self, s, arg)
                        count = c.count(s, arg) if cond is None else None
                        if cond is not None:
                            cls = str(arg) if comp == SH["class"] and isinstance(arg, URIRef) and focus.big else None
                            m.conds.append((s, c.iri, cond, cls))
                        elif count is not None:
                            m.counts.append((s, c.iri, *count))
                        else:
                            out += [(s, x) for x in c.queries(self, s, arg, focus)]
                    except Unsupported as exc:
                        self.defer(chain, comp, arg, str(exc))
            for cc in self.custom:
                if cc.applies(self.g, s):
                    try:
                        out += [(s, x) for x in cc.custom_queries(self, s, focus)]
                    except Unsupported as exc:
                        self.defer(chain, URIRef(cc.iri), None, str(exc))
            for p in s.params.get(SH.property, []):
                try:
                    nested += self.evaluate(self.shape(p), values_of(focus, s.path), groups, chain)
                except Unsupported as exc:  # a recursive shape
                    self.defer(chain, SH.property, p, str(exc))
        out = repeated(out, focus) + nested
        if top:
            out += [t for g in groups.values() for t in repeated(self.merged(g), g.focus)]
        return out

    def defer(self, chain: tuple[Node, ...], param: URIRef, arg: Node | None, reason: str) -> None:
        """Record a constraint the compiler cannot handle (the fallback runs it)."""
        self.deferred.append(Deferred(chain, param, arg, reason))

    def merged(self, m: Merged) -> list[Task]:
        """The (at most two) queries of a :class:`Merged` group."""
        out: list[Task] = []
        if m.conds:
            flags = [f"?__b{i}" for i in range(len(m.conds))]
            opts, binds = [], []
            for i, ((_, _, c, cls), b) in enumerate(zip(m.conds, flags, strict=True)):
                if cls is not None:  # sh:class: hash-join the class's instances (one lookup per value otherwise)
                    opts.append(q.optional(q.subselect(["?v", f"(true AS ?__c{i})"], self.member(cls, "?v"))))
                    c = f"!BOUND(?__c{i})"
                binds.append(q.bind(f"COALESCE({c}, false)", b))
            checks = [*opts, *binds, q.filter_(q.any_of(flags))]
            text = q.select(["?f", "?v", *flags], values_pattern(m.focus, m.shape, m.focus.big), *checks,
                            distinct=True)
            size = m.focus.size if m.focus.big else None
            scan = path_scan(m.shape.path) if size is not None and m.shape.path is not None else None
            prepare: Callable[[Context], str] | None
            if scan is not None and size is not None:
                first = q.select(["?f", "?v", *flags], scan, q.filter_(q.exists(m.focus("?f"))), *checks,
                                 distinct=True)
                prepare = pairs_first(scan, size, first, text)
            else:
                prepare = self.value_first(m, flags, checks, text)

            def flagged(row: Row, conds: list[tuple[Shape, str, str, str | None]] = m.conds) -> list[Hit]:
                assert row[0] is not None  # ?f is bound in every row
                return [Hit(row[0], row[1], component=ci, shape=s)
                        for (s, ci, _, _), b in zip(conds, row[2:], strict=True) if b == _TRUE]
            out.append((m.shape, Query("", text, flagged, prepare=prepare)))
        if m.counts and all(op == "<" and k == 1 for _, _, op, k in m.counts):
            # only sh:minCount 1: the focus nodes without a value, by MINUS rather than counting every
            # node's values (1M triples, 65k focus nodes on one predicate: 0.17 -> 0.085 s)
            text = q.select(["?f"], m.focus("?f"), q.minus(q.group(self.pairs(m.focus, m.shape))), distinct=True)

            def missing(row: Row, counts: list[tuple[Shape, str, str, int]] = m.counts) -> list[Hit]:
                assert row[0] is not None  # ?f is bound in every row
                return [Hit(row[0], component=ci, shape=s) for s, ci, _, _ in counts]
            out.append((m.shape, Query("", text, missing)))
        elif m.counts:
            # a materialised focus set lists each node once and one graph holds each triple once, so the
            # pairs of a predicate (or its inverse) are distinct: COUNT needs no DISTINCT (0.17 -> 0.14 s)
            unique = self.one_graph and m.focus.size is not None and _PREDICATE.fullmatch(m.shape.path or "")
            n_v = "COUNT(?v)" if unique else "COUNT(DISTINCT ?v)"
            having = q.any_of([f"{n_v} {op} {n}" for _, _, op, n in m.counts])
            # the focus nodes without values (count 0) matter only if 0 violates a count (a minimum): else the
            # values are joined, not OPTIONAL (which holds every pair in a hash table: 1M triples, a sh:maxCount
            # on an X* path, generated shapes seed 4: +213 -> +67 MB while the query runs, same answers and time)
            pairs = self.pairs(m.focus, m.shape)
            zero = any((0 < k) if op == "<" else (0 > k) for _, _, op, k in m.counts)
            text = q.select(["?f", f"({n_v} AS ?n)"], m.focus("?f"), q.optional(pairs) if zero else pairs,
                            group_by="?f", having=having)

            def counted(row: Row, counts: list[tuple[Shape, str, str, int]] = m.counts) -> list[Hit]:
                assert row[0] is not None and row[1] is not None  # ?f and its count are bound in every row
                n = int(row[1].split('"')[1])
                return [Hit(row[0], component=ci, shape=s) for s, ci, op, k in counts
                        if (n < k if op == "<" else n > k)]
            out.append((m.shape, Query("", text, counted)))
        return out

    def value_first(self, m: Merged, flags: list[str], checks: list[str], text: str
                    ) -> Callable[[Context], str] | None:
        """For the value conditions of a large focus set on a closure path (``X+``, ``X*``), a plan that
        starts from the values: the candidate values (one step of ``X`` from anywhere) that violate a
        condition are materialised first (once for all the shapes with the same path and conditions),
        then walked back to the focus nodes, ``?f X+ ?v`` with ``?v`` bound (``X*`` adds each focus
        node itself). Walking forward from every focus node enumerates every (focus, value) pair instead
        (1M triples, 30k focus nodes on ``ex:part+``: 33 s, for no result). Used when there are fewer
        violating values than focus nodes, else ``text`` (forward)."""
        path = m.shape.path
        if not m.focus.big or m.focus.size is None or path is None or not path.endswith(("+", "*")):
            return None
        step = path[:-1]
        scan = path_scan(step, "?__x", "?v")
        if scan is None and step.startswith("(") and step.endswith(")"):
            scan = path_scan(step[1:-1], "?__x", "?v")  # (^<p>)
        if scan is None:
            return None
        bad = q.select(["?v"], q.subselect(["?v"], scan, distinct=True), *checks)  # the same for every focus set
        size, focus = m.focus.size, m.focus

        def prepare(ctx: Context) -> str:
            key = ctx.node_set(bad)
            if ctx.set_size(key) > size * VALUE_FIRST_RATIO:
                return text
            walk = q.group(focus("?f"), q.subselect(["?f", "?v"], ctx.in_set(key, "?v"),
                                                    q.triple("?f", step + "+", "?v")))
            if path.endswith("*"):  # the zero-length values: each focus node itself
                walk = q.union([q.group(focus("?f"), q.bind("?f", "?v")), walk])
            return q.select(["?f", "?v", *flags], walk, *checks, distinct=True)
        return prepare

    def fail_focus(self, s: Shape, focus: Focus) -> Focus:
        """The nodes among those of ``focus`` that do not conform to ``s`` (all in SPARQL)."""
        parts: list[Focus] = []
        self.compilable(s)
        if not s.deactivated:
            if s.path is not None and s.params.get(SH.property):
                raise Unsupported("sh:property under a property shape inside a logical constraint")
            with self.visiting(s):
                for comp, args in s.params.items():
                    for arg in args:
                        parts += [_focus_of(x, focus.depth) for x in self.queries(s, comp, arg, focus)]
                parts += [_focus_of(x, focus.depth) for x in self.custom_queries(s, focus)]
                parts += [self.fail_focus(self.shape(p), focus) for p in s.params.get(SH.property, [])]
        if not parts:
            return empty_focus()
        depth = max(p.depth for p in parts)
        return nodes_of(lambda var: q.select([var], q.union(p(var) for p in parts), distinct=True), depth)

    def fails(self, m: Shape) -> str | None:
        """Condition: ``?v`` does not conform to shape ``m``; None unless ``m`` is value conditions only."""
        if m.deactivated:
            return "false"
        if m.path is not None or any(c.applies(self.g, m) for c in self.custom):
            return None
        self.compilable(m)
        conds = []
        with self.visiting(m):
            for comp, args in m.params.items():
                if comp in PASSIVE or comp == SH.flags:
                    continue
                for a in args:
                    c = self.property_fails(self.shape(a)) if comp == SH.property else self.condition(m, comp, a)
                    if c is None:
                        return None
                    conds.append(f"COALESCE({c}, false)")
        return "(" + q.any_of(conds) + ")"

    def property_fails(self, p: Shape) -> str | None:
        """Condition: ``?v`` does not conform to property shape ``p`` (nested in a shape under a logical
        constraint), or None unless ``p`` is value conditions, ``sh:hasValue`` and ``sh:minCount 1`` on a
        path that cannot be empty. Inlined as ``EXISTS`` lookups on ``?v``, the logical constraint is one
        pass over its focus nodes instead of nested node sets joined by MINUS (1M triples, our
        ``sh:or ( [ sh:not [ sh:property [ ... sh:hasValue ... ] ] ] [ sh:property [ ... sh:minCount 1 ] ] )``
        on 50k claims: 4.0 s -> 1.2 s, load 9-10 on 2 cores)."""
        if p.deactivated:
            return "false"
        path = p.path
        if path is None or q.zero_length(path) or any(c.applies(self.g, p) for c in self.custom):
            return None
        self.compilable(p)
        x = self.fresh()
        parts, conds = [], []
        with self.visiting(p):
            for comp, args in p.params.items():
                if comp in PASSIVE or comp == SH.flags:
                    continue
                for a in args:
                    if comp == SH.minCount and integer(a) <= 1:
                        if integer(a) == 1:
                            parts.append(q.not_exists(q.triple("?v", path, x)))
                        continue
                    if comp == SH.hasValue:
                        parts.append(q.not_exists(q.triple("?v", path, sparql_term(a, self.wrap))))
                        continue
                    c = self.condition(p, comp, a)
                    if c is None:
                        return None
                    conds.append(f"COALESCE({_VAR_V.sub(x, c)}, false)")
        if conds:
            parts.append("EXISTS " + q.group(q.triple("?v", path, x), q.filter_(q.any_of(conds))))
        return "(" + q.any_of(parts) + ")"


def repeated(tasks: list[Task], focus: Focus) -> list[Task]:
    """``tasks`` (queries over ``focus``) with the query of the focus nodes validated more than once."""
    text = q.repeats(focus)
    return tasks if text is None else [(s, replace(x, repeats=text)) for s, x in tasks]


def _focus_of(query: Query, depth: int) -> Focus:
    """The focus nodes (``?f``, ``?this`` for SHACL-SPARQL) a component query returns, under any variable name."""
    if query.named:
        raise Unsupported("a SHACL-SPARQL constraint inside a logical constraint")

    def render(var: str) -> str:
        inner = q.subselect(["?f"], "{ " + query.text + " }", distinct=True)
        return inner if var == "?f" else q.subselect([f"(?f AS {var})"], inner)
    return make_focus(render, depth=depth)
