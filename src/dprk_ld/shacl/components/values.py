"""Value-type, string and value-range components (SHACL §4.1, §4.3, §4.4, §4.5 ``sh:in``).

Each is a condition on one value node ``?v`` (see :class:`.base.Component`).
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ..errors import Unsupported
from ..shapes import Shape
from ..terms import WRAP, WRAPPED, XSD_NS, esc, integer, sparql_term, val, wellformed
from .base import Component, Context


class ClassComponent(Component):
    name, parameter = "ClassConstraintComponent", SH["class"]

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        return f"NOT EXISTS {{ {ctx.member(str(arg), '?v')} }}"


class DatatypeComponent(Component):
    name, parameter = "DatatypeConstraintComponent", SH.datatype

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        dt = str(arg)
        if arg == RDFS.Literal:
            return "!isLiteral(?v)"
        if arg == RDF.langString:
            return '!(isLiteral(?v) && lang(?v) != "")'
        stored = WRAP + dt if ctx.wrap and dt in WRAPPED else dt
        return f"!COALESCE(isLiteral(?v) && datatype(?v) = <{stored}> && {wellformed(dt)}, false)"


NODEKIND_BAD = {
    SH.IRI: "!isIRI(?v)", SH.BlankNode: "!isBlank(?v)", SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)", SH.BlankNodeOrLiteral: "isIRI(?v)", SH.IRIOrLiteral: "isBlank(?v)",
}  # fmt: skip


class NodeKindComponent(Component):
    name, parameter = "NodeKindConstraintComponent", SH.nodeKind

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        if not isinstance(arg, URIRef) or arg not in NODEKIND_BAD:
            raise Unsupported(f"sh:nodeKind {arg}")
        return NODEKIND_BAD[arg]


class MinLengthComponent(Component):
    name, parameter, op = "MinLengthConstraintComponent", SH.minLength, "<"

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        return f"COALESCE(isBlank(?v) || STRLEN(STR(?v)) {self.op} {integer(arg)}, true)"


class MaxLengthComponent(MinLengthComponent):
    name, parameter, op = "MaxLengthConstraintComponent", SH.maxLength, ">"


class PatternComponent(Component):
    name, parameter, extra = "PatternConstraintComponent", SH.pattern, (SH.flags,)

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        flags = s.one(SH.flags)
        fl = f", {sparql_term(Literal(str(flags)))}" if flags is not None else ""
        return f"COALESCE(isBlank(?v) || !REGEX(STR(?v), {sparql_term(Literal(str(arg)))}{fl}), true)"


class LanguageInComponent(Component):
    name, parameter = "LanguageInConstraintComponent", SH.languageIn

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        langs = [str(x) for x in Collection(ctx.g, arg)]
        ok = " || ".join(f'langMatches(lang(?v), "{esc(x)}")' for x in langs) or "false"
        return f"!COALESCE({ok}, false)"


class InComponent(Component):
    name, parameter = "InConstraintComponent", SH["in"]

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        items = [sparql_term(x, ctx.wrap) for x in Collection(ctx.g, arg)]
        return "!(" + (" || ".join(f"sameTerm(?v, {x})" for x in items) or "false") + ")"


class MinInclusiveComponent(Component):
    name, parameter, op = "MinInclusiveConstraintComponent", SH.minInclusive, ">="

    def condition(self, ctx: Context, s: Shape, arg: Node) -> str | None:
        if not isinstance(arg, Literal):
            raise Unsupported(f"{self.parameter} with a non-literal")
        guard = ""
        if isinstance(arg.value, str):
            guard = f'(isLiteral(?v) && (datatype(?v) = <{XSD_NS}string> || lang(?v) != "")) && '
        return f"!COALESCE({guard}{val('?v', ctx.wrap)} {self.op} {sparql_term(arg, wrap=False)}, false)"


class MinExclusiveComponent(MinInclusiveComponent):
    name, parameter, op = "MinExclusiveConstraintComponent", SH.minExclusive, ">"


class MaxInclusiveComponent(MinInclusiveComponent):
    name, parameter, op = "MaxInclusiveConstraintComponent", SH.maxInclusive, "<="


class MaxExclusiveComponent(MinInclusiveComponent):
    name, parameter, op = "MaxExclusiveConstraintComponent", SH.maxExclusive, "<"


COMPONENTS: list[Component] = [
    ClassComponent(), DatatypeComponent(), NodeKindComponent(), MinLengthComponent(), MaxLengthComponent(),
    PatternComponent(), LanguageInComponent(), InComponent(), MinInclusiveComponent(), MinExclusiveComponent(),
    MaxInclusiveComponent(), MaxExclusiveComponent(),
]
