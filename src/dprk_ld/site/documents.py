"""The HTML page describing any IRI of the site: the one entry point for ``build`` and ``serve``.

Implements the dispatch from an IRI to its page kind (:meth:`~.pages.Site.kind`): the index for the
base IRI, the ontology's documentation, the generic page of a hash-IRI document (shapes, dataset
description), or a resource page (resources, properties, named graphs).
"""

from __future__ import annotations

from .links import Links
from .ontology import ontology_page, terms_page
from .pages import Site


def page(site: Site, iri: str, links: Links) -> str:
    """The HTML page describing ``iri`` (call only when ``site.kind(iri)`` is not None)."""
    kind = site.kind(iri)
    doc = iri.split("#", 1)[0]
    if kind == "index":
        return site.index(links)
    if kind == "ontology":
        return ontology_page(site, links)
    if kind == "terms":
        return terms_page(site, doc, links)
    if kind == "namespace":
        return site.namespace_page(doc, links)
    return site.resource(doc, links)
