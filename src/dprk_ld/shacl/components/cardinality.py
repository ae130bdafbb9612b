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
from .base import Component, Context, Query, path_scan, values_pattern


def without(pattern: str) -> str:
    """``MINUS`` the focus nodes ``pattern`` binds as ``?f``, found by one scan (a large focus set).

    ``FILTER NOT EXISTS`` looks each focus node up in turn; on a dataset of several graphs (an external
    store queried with eight ``default-graph-uri``) Oxigraph 0.5 took 7.6 s for 50k claims at 1M triples,
    this form 0.15 s. Same solutions: every focus row binds ``?f``, the only variable shared."""
    return q.minus(q.subselect(["?f"], pattern, distinct=True))


class MinCountComponent(Component):
    name, parameter = "MinCountConstraintComponent", SH.minCount

    def count(self, s: Shape, arg: Node) -> tuple[str, int] | None:
        n = integer(arg)
        return ("<", n) if n > 0 and s.path is not None else None

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        n = integer(arg)
        if n == 0:
            return []
        scan = path_scan(str(s.path)) if n == 1 and focus.big else None
        if scan is not None:  # hashed: see without()
            text = q.select(["?f"], focus("?f"), without(scan), distinct=True)
        elif n == 1:
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
        elif focus.big and path_scan(s.path) is not None:  # hashed: see without()
            cond = without(q.triple("?f", s.path, t))
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
        scan = path_scan(s.path) if focus.big else None
        if scan is not None:  # a large focus set: the path's values grouped by node and language, then each
            # node with a repeated language looked up in the set (1M triples, 50k claims, rdfs:label: 0.21 ->
            # 0.17 s), instead of joining every value of every focus node with every other
            dup = q.select(["?f", "?l"], scan, q.filter_('lang(?v) != ""'), group_by="?f (LCASE(lang(?v)) AS ?l)",
                           having="COUNT(DISTINCT ?v) > 1")
            return [Query(self.iri, q.select(["?f", "?l"], "{ " + dup + " }", q.filter_(q.exists(focus("?f")))), "f")]
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
        other = q.triple("?f", sparql_term(arg), "?w")
        if focus.big:  # both sides scanned and hashed, as values_pattern does (1M: 5.4 -> 0.4 s, see without())
            other = q.subselect(["?f", "?w"], other)
        text = q.select(["?f", "?v", "?w"], values_pattern(focus, s, focus.big), other, q.filter_(cmp), distinct=True)
        return [Query(self.iri, text)]


class LessThanOrEqualsComponent(LessThanComponent):
    name, parameter, op = "LessThanOrEqualsConstraintComponent", SH.lessThanOrEquals, "<="


COMPONENTS: list[Component] = [
    MinCountComponent(), MaxCountComponent(), HasValueComponent(), UniqueLangComponent(), EqualsComponent(),
    DisjointComponent(), LessThanComponent(), LessThanOrEqualsComponent(),
]
