"""Where each IRI we mint is described: the document paths behind ``https://w3id.org/dprk-ld/``.

Implements the IRI → document rule of docs/conventions.md ("Cool URIs for the Semantic Web", W3C
Interest Group Note 2008, the 303 pattern): an IRI names a thing; its descriptions are documents at
the IRI's path plus an extension (``id/state/RUS`` → ``id/state/RUS.html`` / ``.ttl`` / ``.jsonld``),
the base IRI and namespace IRIs ending in ``/`` at ``…/index.<ext>``, hash IRIs at the document of
the part before ``#``. The same rule lays out the static release, answers the live server's 303s and
writes the w3id.org redirect rules, so the three cannot disagree.
"""

from __future__ import annotations

from urllib.parse import quote

from ..namespaces import BASE

#: document formats every minted IRI has (extension, media type), the HTML page first
DOCUMENTS: tuple[tuple[str, str], ...] = (("html", "text/html"), ("ttl", "text/turtle"),
                                          ("jsonld", "application/ld+json"))
#: IRIs under the base that are documents themselves (served as they are, never redirected)
SELF_DOCUMENTS = ("context.jsonld",)
#: paths under the base that belong to the live service or the hosted release, not to a description
SERVICE_PATHS = ("sparql", "queries", "release/")


def local_path(iri: str) -> str | None:
    """The path of an IRI under the base, without fragment (``id/state/RUS``; ``""`` for the base), or None."""
    if not iri.startswith(BASE):
        return None
    return iri[len(BASE):].split("#", 1)[0]


def is_described(iri: str) -> bool:
    """True for IRIs whose description this site gives (not service URLs, not self-documents)."""
    path = local_path(iri)
    if path is None:
        return False
    return path not in SELF_DOCUMENTS and not any(path == p or path.startswith(p.rstrip("/") + "/")
                                                   for p in SERVICE_PATHS)


def document_stem(iri: str) -> str | None:
    """The site path of an IRI's documents without extension (``id/state/RUS``, ``index``, ``prop/index``)."""
    if not is_described(iri):
        return None
    path = local_path(iri) or ""
    stem = path + "index" if path == "" or path.endswith("/") else path
    return quote(stem, safe="/-_.~")


def document_path(iri: str, ext: str = "html") -> str | None:
    """The site path of one document describing ``iri`` (``id/state/RUS.ttl``), or None when not ours."""
    stem = document_stem(iri)
    return None if stem is None else f"{stem}.{ext}"


def fragment(iri: str) -> str:
    """The fragment of a hash IRI ("" when none), used as the anchor in its document's HTML."""
    return iri.split("#", 1)[1] if "#" in iri else ""


def iri_of_path(path: str) -> str:
    """The IRI a request path names (``/id/state/RUS`` → ``https://w3id.org/dprk-ld/id/state/RUS``)."""
    return BASE + path.lstrip("/")
