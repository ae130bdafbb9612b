"""The component registry: every SHACL constraint component the engine compiles, by parameter.

To add a component: write one :class:`~dprk_ld.shacl.components.base.Component` subclass (its
``name``, ``parameter``, ``extra`` parameters, and ``condition`` and/or ``queries``) in the module of
its SHACL section and list it in that module's ``COMPONENTS``.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SH

from ..shapes import PASSIVE
from . import cardinality, logical, sparql, values
from .base import Component, Context, Hit, Query
from .sparql import CustomComponent, custom_components

#: parameter -> the component it makes a constraint of
REGISTRY: dict[URIRef, Component] = {
    c.parameter: c for mod in (values, cardinality, logical, sparql) for c in mod.COMPONENTS
}
#: every parameter the engine understands (anything else in ``sh:`` is not compiled)
KNOWN: set[URIRef] = {*PASSIVE, SH.property, *REGISTRY, *(p for c in REGISTRY.values() for p in c.extra)}

__all__ = ["KNOWN", "REGISTRY", "Component", "Context", "CustomComponent", "Hit", "Query", "custom_components"]
