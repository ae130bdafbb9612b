"""SHACL-SPARQL (SHACL §5 SPARQL-based constraints, §6 SPARQL-based constraint components).

Both run over the whole focus set at once: the focus pattern binding ``?this`` is joined into the
user's query (:func:`dprk_ld.shacl.sparql_text.join_focus`); ``$currentShape``, ``$shapesGraph`` and a
component's parameters are substituted (pyoxigraph ``substitutions``), ``$PATH`` is replaced by the
shape's path. An ASK validator (§6.2.3) becomes one SELECT of the value nodes for which the ASK body
does not hold (``FILTER NOT EXISTS``). Results follow §5.3.2 as pyshacl reads it: ``?this``,
``?path``, ``?value`` (else the focus node for a node shape), messages with ``{$var}``/``{?var}``
substituted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, SH
from rdflib.term import Node

from .. import sparql as q
from ..errors import ShapesError, Unsupported
from ..shapes import Shape
from ..sparql import Focus
from ..sparql import focus as make_focus
from ..sparql_text import check, format_message, group_body, join_focus, substitute_path
from ..terms import SH_NS, is_true, rdflib_term, shape_key, sparql_term
from .base import Component, Context, Hit, NamedRow, Query, values_pattern

PREBOUND = {"this", "currentShape", "shapesGraph"}


def prefixes(g: Graph, node: Node) -> str:
    """The PREFIX declarations of ``node``'s ``sh:prefixes`` (SHACL §5.2.2)."""
    out = {}
    for pnode in g.objects(node, SH.prefixes):
        seen, todo = set(), [pnode]
        while todo:  # the declarations of the node and of what it owl:imports
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo += list(g.objects(n, OWL.imports))
        decls = [d for n in seen for d in g.objects(n, SH.declare)]
        for d in decls:
            p, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
            if p is not None and ns is not None:
                out[str(p)] = str(ns)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(out.items()))


def _one_text(g: Graph, node: Node, pred: URIRef, where: str) -> str:
    vals = list(g.objects(node, pred))
    if len(vals) != 1 or not isinstance(vals[0], Literal):
        raise ShapesError(f"{where}: needs exactly one {pred.n3()} literal")
    return str(vals[0])


def _text(nt_term: str | None) -> str | None:
    return None if nt_term is None else str(rdflib_term(nt_term))


def prebinding(ctx: Context, s: Shape, query: str, focus: Focus, params: dict[str, object]) -> str:
    """A pattern binding every pre-bound variable: ``?this`` to the focus nodes, ``$currentShape``,
    ``$shapesGraph`` (when the query mentions them) and the parameters to their values (SHACL §5.2, §6.2)."""
    consts = dict(params)
    if "currentShape" in query:
        consts["currentShape"] = s.node
    if "shapesGraph" in query:
        consts["shapesGraph"] = URIRef(ctx.shapes_graph())
    if any(isinstance(v, BNode) for v in consts.values()):
        raise Unsupported("a blank node as a pre-bound value ($currentShape or a parameter)")
    names = sorted(consts)
    row = " ".join(sparql_term(consts[n], ctx.wrap) for n in names)
    vals = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}" if names else ""
    return focus("?this") + " " + vals


def select_query(ctx: Context, s: Shape, node: Node, text: str, focus: Focus, params: dict[str, object]) -> str:
    """A checked, focus-joined SELECT from a ``sh:select`` of ``node`` on shape ``s``."""
    where = f"{node}"
    text = prefixes(ctx.g, node) + substitute_path(text, s.path, where)
    check(text, where, PREBOUND | set(params))
    pattern = prebinding(ctx, s, text, focus, params)
    return join_focus(text, pattern, frozenset(PREBOUND | set(params)))


def sparql_hits(s: Shape, messages: list[str], component: str | None = None, report_value: bool = True,
                constraint: str | None = None, params: dict[str, object] | None = None
                ) -> Callable[[NamedRow], list[Hit]]:
    """How a row of a SHACL-SPARQL SELECT becomes a result (§5.3.2, as pyshacl reads it)."""
    def decode(row: NamedRow) -> list[Hit]:
        this = row.get("this")
        if this is None:
            return []
        path, value = row.get("path"), row.get("value")
        if value is None and s.path is None:
            value = this
        path = path if path is not None and path.startswith("<") else None
        names: dict[str, str | None] = {k: str(v) for k, v in (params or {}).items()}
        names.update({k: _text(v) for k, v in row.items() if v is not None})
        names.update({"this": _text(this), "value": _text(value), "path": _text(path) if path else None})
        bound = {k: v for k, v in names.items() if v is not None}
        msgs = [format_message(m, bound) for m in messages]
        return [Hit(this, value if report_value else None, path, min(msgs) if msgs else None, component,
                    source_constraint=constraint)]
    return decode


class SparqlConstraintComponent(Component):
    """``sh:sparql``: a SPARQL-based constraint (§5)."""

    name, parameter = "SPARQLConstraintComponent", SH.sparql
    extra = (SH.select, SH.prefixes)  # a shape may be its own SPARQL constraint node

    def queries(self, ctx: Context, s: Shape, arg: Node, focus: Focus) -> list[Query]:
        if is_true(ctx.g.value(arg, SH.deactivated)):
            return []
        text = _one_text(ctx.g, arg, SH.select, f"{s.node} sh:sparql {arg}")
        query = select_query(ctx, s, arg, text, focus, {})
        messages = sorted({str(m) for m in ctx.g.objects(arg, SH.message)} | ({s.message} if s.message else set()))
        decode = sparql_hits(s, messages, constraint=shape_key(ctx.g, arg))
        return [Query(self.iri, query, decode, named=True)]


@dataclass
class CustomComponent(Component):
    """A SPARQL-based constraint component declared in the shapes graph (§6)."""

    node: Node | None = None
    required: list[URIRef] = field(default_factory=list)
    optional: list[URIRef] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return str(self.node)

    def applies(self, g: Graph, s: Shape) -> bool:
        return all((s.node, p, None) in g for p in self.required)

    def validator(self, g: Graph, s: Shape) -> Node | None:
        kind = SH.propertyValidator if s.path is not None else SH.nodeValidator
        return g.value(self.node, kind) or g.value(self.node, SH.validator)

    def custom_queries(self, ctx: Context, s: Shape, focus: Focus) -> list[Query]:
        g = ctx.g
        v = self.validator(g, s)
        if v is None:
            return []
        params: dict[str, object] = {}
        for p in self.required + self.optional:
            val = g.value(s.node, p)
            if val is not None:
                params[_local(p)] = val
        texts = [*g.objects(v, SH.message), *g.objects(self.node, SH.message), *([s.message] if s.message else [])]
        messages = sorted({str(m) for m in texts})
        names = {_local(p) for p in self.required + self.optional}
        where = f"{s.node} / {self.node}"
        report = True
        if (v, SH.ask, None) in g:
            report = s.path is None  # pyshacl reports no value for an ASK validator on a property shape
            body = substitute_path(_one_text(g, v, SH.ask, where), s.path, where)
            pre = prefixes(g, v)
            check(pre + body, where, PREBOUND | {"value"} | names)
            body = group_body(body, where)
            # unbound optional parameters stay variables: COALESCE(?opt, default) works as in pyshacl
            vp = q.subselect(["(?f AS ?this)", "(?v AS ?value)"], values_pattern(focus, s, focus.big))
            consts = prebinding(ctx, s, body, make_focus(lambda var: ""), params)
            query = pre + q.select(["?this", "?value"], vp, consts, q.filter_("NOT EXISTS " + body), distinct=True)
        else:
            query = select_query(ctx, s, v, _one_text(g, v, SH.select, where), focus, params)
        return [Query(self.iri, query, sparql_hits(s, messages, self.iri, report, params=params), named=True)]


def _local(p: URIRef) -> str:
    """A parameter's variable name: the local name of its path (§6.2.1)."""
    text = str(p)
    return text[max(text.rfind("#"), text.rfind("/"), text.rfind(":")) + 1:]


def custom_components(g: Graph) -> list[CustomComponent]:
    """The SPARQL-based constraint components declared in ``g`` (anything with ``sh:parameter`` and a
    validator), except SHACL's own."""
    out = []
    for c in sorted(set(g.subjects(SH.parameter, None)), key=str):
        if str(c).startswith(SH_NS) or not any((c, p, None) in g for p in (SH.validator, SH.nodeValidator,
                                                                          SH.propertyValidator)):
            continue
        req: list[URIRef] = []
        opt: list[URIRef] = []
        for par in g.objects(c, SH.parameter):
            path = g.value(par, SH.path)
            if isinstance(path, URIRef):
                (opt if is_true(g.value(par, SH.optional)) else req).append(path)
        if req:
            out.append(CustomComponent(node=c, required=sorted(req), optional=sorted(opt)))
    return out


COMPONENTS: list[Component] = [SparqlConstraintComponent()]
