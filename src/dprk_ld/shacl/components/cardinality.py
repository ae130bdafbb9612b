"""Cardinality, ``sh:hasValue``, ``sh:uniqueLang`` and property-pair components (SHACL §4.2, §4.4.5,
§4.5.3, §4.6).
"""

from __future__ import annotations

from rdflib.namespace import SH
from rdflib.term import Node

from .. import sparql as q
from ..shapes import Shape
from ..sparql import Focus
from ..terms import integer, is_true, sparql_term, val
from .base import Component, Context, Query, values_pattern


class MinCountComponent(Component):
    name, parameter = "MinCountConstraintComponent", SH.minCount

    def count(self, s: Shape, arg: Node) -> tuple[str, int] | None:
        n = integer(arg)
        return ("<", n) if n > 0 and s.path is not None else None

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        n = integer(arg)
        if n == 0:
            return []
        if n == 1:
            text = q.select(["?f"], focus("?f"), q.filter_(q.not_exists(q.path_step("?f", str(s.path), "?v"))),
                            distinct=True)
        else:
            text = q.select(["?f"], focus("?f"), q.optional(ctx.pairs(focus, s)),
                            group_by="?f", having=f"COUNT(DISTINCT ?v) < {n}")
        return [Query(self.iri, text, "f")]


class MaxCountComponent(Component):
    name, parameter = "MaxCountConstraintComponent", SH.maxCount

    def count(self, s: Shape, arg: Node) -> tuple[str, int] | None:
        return (">", integer(arg)) if s.path is not None else None

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        text = q.select(["?f"], values_pattern(focus, s),
                        group_by="?f", having=f"COUNT(DISTINCT ?v) > {integer(arg)}")
        return [Query(self.iri, text, "f")]


class HasValueComponent(Component):
    name, parameter = "HasValueConstraintComponent", SH.hasValue

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        t = sparql_term(arg, ctx.wrap)
        if s.path is None:
            cond = q.filter_(f"!sameTerm(?f, {t})")
        else:
            cond = q.filter_(q.not_exists(q.triple("?f", s.path, t)))
            if q.zero_length(s.path):
                cond = q.filter_(f"!sameTerm(?f, {t}) && " + q.not_exists(q.triple("?f", s.path, t)))
        return [Query(self.iri, q.select(["?f"], focus("?f"), cond, distinct=True), "f")]


class UniqueLangComponent(Component):
    name, parameter = "UniqueLangConstraintComponent", SH.uniqueLang

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        if not is_true(arg) or s.path is None:
            return []
        text = q.select(["?f", "(LCASE(lang(?v)) AS ?l)"], values_pattern(focus, s, focus.big),
                        ctx.pairs(focus, s, "?w"),
                        q.filter_('!sameTerm(?v, ?w) && lang(?v) != "" && LCASE(lang(?v)) = LCASE(lang(?w))'),
                        distinct=True)
        return [Query(self.iri, text, "f")]


class EqualsComponent(Component):
    name, parameter = "EqualsConstraintComponent", SH.equals

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        p2, f = sparql_term(arg), focus("?f")
        if s.path is None:
            body = q.union([q.group(f, q.triple("?f", p2, "?v"), q.filter_("!sameTerm(?v, ?f)")),
                            q.group(f, q.filter_(q.not_exists(q.triple("?f", p2, "?f"))), q.bind("?f", "?v"))])
        else:
            body = q.union([
                q.group(values_pattern(focus, s), q.filter_(q.not_exists(q.triple("?f", p2, "?v")))),
                q.group(f, q.triple("?f", p2, "?v"), q.filter_(q.not_exists(q.path_step("?f", s.path, "?v"))))])
        return [Query(self.iri, q.select(["?f", "?v"], body, distinct=True))]


class DisjointComponent(Component):
    name, parameter = "DisjointConstraintComponent", SH.disjoint

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        text = q.select(["?f", "?v"], values_pattern(focus, s), q.triple("?f", sparql_term(arg), "?v2"),
                        q.filter_("sameTerm(?v, ?v2)"), distinct=True)
        return [Query(self.iri, text)]


class LessThanComponent(Component):
    name, parameter, op = "LessThanConstraintComponent", SH.lessThan, "<"

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        cmp = f"!COALESCE({val('?v', ctx.wrap)} {self.op} {val('?w', ctx.wrap)}, false)"
        text = q.select(["?f", "?v", "?w"], values_pattern(focus, s), q.triple("?f", sparql_term(arg), "?w"),
                        q.filter_(cmp), distinct=True)
        return [Query(self.iri, text)]


class LessThanOrEqualsComponent(LessThanComponent):
    name, parameter, op = "LessThanOrEqualsConstraintComponent", SH.lessThanOrEquals, "<="


COMPONENTS: list[Component] = [
    MinCountComponent(), MaxCountComponent(), HasValueComponent(), UniqueLangComponent(), EqualsComponent(),
    DisjointComponent(), LessThanComponent(), LessThanOrEqualsComponent(),
]
