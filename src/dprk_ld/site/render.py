"""Terms as HTML, and the Jinja2 environment of the one template tree (``site/templates``).

Implements the HTML rendering of RDF 1.1 terms shared by every page: IRIs as links (labelled when the
model knows a label, pointing where the link policy says), literals with their language tag or
datatype, blank nodes spelled out in place as ``[ property value ; … ]`` (their labels are not stable
between a build and a live server, so they are never shown). Templates are autoescaped; anything
already rendered is :class:`markupsafe.Markup`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from ..security import is_linkable
from .links import Links
from .model import Model, Term, compact

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_STRING = XSD + "string"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger",
                             "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt")}
MAX_DEPTH = 3
MEDIA_NAMES = {"text/turtle": "Turtle", "application/ld+json": "JSON-LD", "text/html": "HTML"}

ENV = jinja2.Environment(loader=jinja2.PackageLoader("dprk_ld.site", "templates"), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                         undefined=jinja2.StrictUndefined)


def render_template(name: str, **context: Any) -> str:
    return ENV.get_template(name).render(**context)


def link(model: Model | None, links: Links, iri: str, text: str | None = None) -> Markup:
    """A link to ``iri`` with its label (or ``text``; without a model, its prefixed name) and the full
    IRI as its title."""
    shown = text or (model.label(iri) if model is not None else compact(iri))
    target = links.iri(iri)
    if target == iri and not is_linkable(iri):  # javascript:, data: and the like: shown, never linked
        return Markup('<span class="iri" title="{}">{}</span>').format(iri, shown)
    return Markup('<a href="{}" title="{}">{}</a>').format(target, iri, shown)


def prop_link(model: Model | None, links: Links, iri: str) -> Markup:
    """A property as a link showing its English label when the data gives one (``part of``), else its
    prefixed name; the full IRI in the tooltip."""
    label = model.value(iri, RDFS_LABEL, "en") if model is not None else None
    return link(model, links, iri, label or compact(iri))


def term(model: Model | None, links: Links, value: Term | None, depth: int = 0) -> Markup:
    """One RDF term as HTML."""
    if value is None:
        return Markup("")
    if isinstance(value, ox.NamedNode):
        return link(model, links, value.value)
    if isinstance(value, ox.BlankNode):
        return blank(model, links, str(value), depth) if model is not None else Markup("[ ]")
    if isinstance(value, ox.Literal):
        text = escape(value.value)
        if value.language:
            return Markup('<span lang="{}">{}</span> <small class="lang">@{}</small>').format(
                value.language, text, value.language)
        if value.datatype.value == XSD_STRING:
            return Markup(text)
        if value.datatype.value in NUMERIC:
            return number(value)
        if value.datatype.value == XSD + "boolean":
            return Markup('<span title="{} (xsd:boolean)">{}</span>').format(text, text)
        return Markup("{} <small>{}</small>").format(text, compact(value.datatype.value))
    return escape(str(value))


def number(value: ox.Literal, unit: str | None = None) -> Markup:
    """A numeric literal for people: digits grouped (``10,000,000,000``), its unit after it when known,
    the exact lexical form and datatype in the tooltip; an ill-formed one as written."""
    try:
        shown = f"{Decimal(value.value):,}"
    except InvalidOperation:
        return Markup("{} <small>{}</small>").format(value.value, compact(value.datatype.value))
    title = f"{value.value} ({compact(value.datatype.value)})"
    if unit:
        return Markup('<span class="num" title="{}"><span class="digits">{}</span> <span class="unit">{}</span>'
                      '</span>').format(title, shown, unit)
    return Markup('<span class="num" title="{}"><span class="digits">{}</span></span>').format(title, shown)


def blank(model: Model, links: Links, key: str, depth: int) -> Markup:
    """A blank node spelled out: an RDF list as ``( a b c )``, other nodes as ``[ p o ; … ]``."""
    pairs = model.out(key)
    if depth >= MAX_DEPTH or not pairs:
        return Markup("[ … ]")
    items = rdf_list(model, key)
    if items is not None:
        return Markup("( {} )").format(Markup(" ").join(term(model, links, i, depth + 1) for i in items))
    parts = [Markup("{} {}").format(prop_link(model, links, p), term(model, links, o, depth + 1)) for p, o in pairs]
    return Markup("[ {} ]").format(Markup(" ; ").join(parts))


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def rdf_list(model: Model, key: str) -> list[Term] | None:
    """The members of an RDF collection starting at blank node ``key``, or None if it is not one."""
    items: list[Term] = []
    seen: set[str] = set()
    node: Term | None = ox.BlankNode(key[2:])
    while isinstance(node, ox.BlankNode) and str(node) not in seen:
        seen.add(str(node))
        first = model.values(str(node), RDF + "first")
        rest = model.values(str(node), RDF + "rest")
        if len(first) != 1 or len(rest) != 1:
            return None
        items.append(first[0])
        node = rest[0]
    if not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
        return None
    return items
