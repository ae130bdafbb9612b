"""Shape-based and logical components, and ``sh:closed`` (SHACL §4.6.2, §4.6, §4.7, §4.8).

The nodes failing a member shape are themselves a SPARQL subquery (:meth:`Context.fail_focus`), so
a logical constraint is one query over the whole focus set; members made of value conditions only
are inlined as one condition (:meth:`Context.fails`).
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from .. import sparql as q
from ..errors import Unsupported
from ..shapes import Shape
from ..sparql import Focus, values_of
from ..terms import SH_NS, integer, is_true, nt
from .base import Component, Context, Query, values_pattern


class Logical(Component):
    """A constraint on the value nodes conforming (or not) to member shapes."""

    def members(self, ctx: Context, arg: Node) -> list[Node]:
        return list(Collection(ctx.g, arg))

    def combine(self, fails: list[str]) -> str:
        """Inline condition from the members' failure conditions."""
        raise NotImplementedError

    def body(self, ctx: Context, fails: list[str]) -> str:
        """Pattern keeping ``?v`` when it violates, from the members' failing-node patterns on ``?v``."""
        raise NotImplementedError

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        fails = [ctx.fails(ctx.shape(m)) for m in self.members(ctx, arg)]
        inline = [f for f in fails if f is not None]
        if len(inline) < len(fails):
            return None
        return self.combine(inline)

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        cand = values_of(focus, s.path)
        fails = [ctx.fail_focus(ctx.shape(m), cand)("?v") for m in self.members(ctx, arg)]
        text = q.select(["?f", "?v"], values_pattern(focus, s, focus.big), self.body(ctx, fails), distinct=True)
        return [Query(self.iri, text)]


class NodeComponent(Logical):
    name, parameter = "NodeConstraintComponent", SH.node

    def members(self, ctx: Context, arg: Node) -> list[Node]:
        return [arg]

    def combine(self, fails: list[str]) -> str:
        return fails[0]

    def body(self, ctx: Context, fails: list[str]) -> str:
        return fails[0]


class NotComponent(NodeComponent):
    name, parameter = "NotConstraintComponent", SH["not"]

    def combine(self, fails: list[str]) -> str:
        return f"!{fails[0]}"

    def body(self, ctx: Context, fails: list[str]) -> str:
        return q.minus(fails[0])


class AndComponent(Logical):
    name, parameter = "AndConstraintComponent", SH["and"]

    def combine(self, fails: list[str]) -> str:
        return q.any_of(fails, "false")

    def body(self, ctx: Context, fails: list[str]) -> str:
        return "{ " + q.union(fails) + " }" if fails else q.filter_("false")


class OrComponent(Logical):
    name, parameter = "OrConstraintComponent", SH["or"]

    def combine(self, fails: list[str]) -> str:
        return q.all_of(fails, "true")

    def body(self, ctx: Context, fails: list[str]) -> str:
        return " ".join(fails)


class XoneComponent(Logical):
    name, parameter = "XoneConstraintComponent", SH.xone

    def combine(self, fails: list[str]) -> str:
        return "(" + (" + ".join(f"IF({f}, 0, 1)" for f in fails) or "0") + ") != 1"

    def body(self, ctx: Context, fails: list[str]) -> str:
        xs = [ctx.fresh() for _ in fails]
        opts = " ".join(q.optional(fl, q.bind("1", x)) for fl, x in zip(fails, xs, strict=True))
        count = " + ".join(f"IF(BOUND({x}), 0, 1)" for x in xs) or "0"
        return f"{opts} {q.filter_(f'({count}) != 1')}"


class QualifiedComponent(Component):
    name, parameter = "QualifiedValueShapeConstraintComponent", SH.qualifiedValueShape
    extra = (SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint)

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        if s.path is None:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        if is_true(s.one(SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        inline = ctx.fails(ctx.shape(arg))
        if inline is not None:
            keep = q.filter_(f"!{inline}")
        else:
            keep = q.minus(ctx.fail_focus(ctx.shape(arg), values_of(focus, s.path))("?v"))
        where = (focus("?f"), q.optional(ctx.pairs(focus, s), keep))
        out = []
        for param, op, local in ((SH.qualifiedMinCount, "<", "QualifiedMinCount"),
                                 (SH.qualifiedMaxCount, ">", "QualifiedMaxCount")):
            n = s.one(param)
            if n is not None and op == "<" and integer(n) == 1:  # no conforming value: MINUS, not counting them
                text = q.select(["?f"], focus("?f"), q.minus(q.group(ctx.pairs(focus, s), keep)), distinct=True)
                out.append(Query(SH_NS + local + "ConstraintComponent", text, "f"))
            elif n is not None:
                text = q.select(["?f"], *where, group_by="?f", having=f"COUNT(DISTINCT ?v) {op} {integer(n)}")
                out.append(Query(SH_NS + local + "ConstraintComponent", text, "f"))
        return out


class ClosedComponent(Component):
    name, parameter, extra = "ClosedConstraintComponent", SH.closed, (SH.ignoredProperties,)

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        if not is_true(arg):
            return []
        allowed = set()
        for p in s.params.get(SH.property, []):
            path = ctx.g.value(p, SH.path)
            if isinstance(path, URIRef):
                allowed.add(nt(path))
        for ig in s.params.get(SH.ignoredProperties, []):
            allowed |= {nt(x) for x in Collection(ctx.g, ig)}
        flt = q.filter_(f"?p NOT IN ({', '.join(sorted(allowed))})") if allowed else ""
        text = q.select(["?f", "?p", "?o"], values_pattern(focus, s, focus.big), q.triple("?v", "?p", "?o"), flt,
                        distinct=True)
        return [Query(self.iri, text, "closed")]


COMPONENTS: list[Component] = [
    NodeComponent(), NotComponent(), AndComponent(), OrComponent(), XoneComponent(), QualifiedComponent(),
    ClosedComponent(),
]
