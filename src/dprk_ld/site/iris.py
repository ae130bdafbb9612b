"""Where each IRI a dataset mints is described: the document paths behind its base IRI.

Implements the IRI → document rule of docs/conventions.md ("Cool URIs for the Semantic Web", W3C
Interest Group Note 2008, the 303 pattern): an IRI names a thing; its descriptions are documents at
the IRI's path plus an extension (``id/state/RUS`` → ``id/state/RUS.html`` / ``.ttl`` / ``.jsonld``),
the base IRI and namespace IRIs ending in ``/`` at ``…/index.<ext>``, hash IRIs at the document of
the part before ``#``. The same rule lays out the static release, answers the live server's 303s and
writes the w3id.org redirect rules, so the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

#: document formats every minted IRI has (extension, media type), the HTML page first
DOCUMENTS: tuple[tuple[str, str], ...] = (("html", "text/html"), ("ttl", "text/turtle"),
                                          ("jsonld", "application/ld+json"))
#: IRIs under the base that are documents themselves (served as they are, never redirected)
SELF_DOCUMENTS = ("context.jsonld",)
#: paths under the base that belong to the live service or the hosted release, not to a description
SERVICE_PATHS = ("sparql", "queries", "release/")


@dataclass(frozen=True)
class Iris:
    """The IRI → document rule for one dataset: ``base`` is the project's base IRI (``dataset.toml``, see
    :func:`dprk_ld.metadata.project_base`; the bundled dataset's is ``https://w3id.org/dprk-ld/``).
    Its entities are under :attr:`id`; every IRI under ``base`` is described by this site."""

    base: str

    @property
    def id(self) -> str:
        """The namespace of the dataset's entities and claims (``<base>id/``)."""
        return self.base + "id/"

    def local_path(self, iri: str) -> str | None:
        """The path of an IRI under the base, without fragment (``id/state/RUS``; ``""`` for the base), or None."""
        if not iri.startswith(self.base):
            return None
        return iri[len(self.base):].split("#", 1)[0]

    def is_described(self, iri: str) -> bool:
        """True for IRIs whose description this site gives (not service URLs, not self-documents)."""
        path = self.local_path(iri)
        if path is None:
            return False
        return path not in SELF_DOCUMENTS and not any(path == p or path.startswith(p.rstrip("/") + "/")
                                                       for p in SERVICE_PATHS)

    def document_stem(self, iri: str) -> str | None:
        """The site path of an IRI's documents without extension (``id/state/RUS``, ``index``, ``prop/index``)."""
        if not self.is_described(iri):
            return None
        path = self.local_path(iri) or ""
        stem = path + "index" if path == "" or path.endswith("/") else path
        return quote(stem, safe="/-_.~")

    def document_path(self, iri: str, ext: str = "html") -> str | None:
        """The site path of one document describing ``iri`` (``id/state/RUS.ttl``), or None when not ours."""
        stem = self.document_stem(iri)
        return None if stem is None else f"{stem}.{ext}"

    def iri_of_path(self, path: str) -> str:
        """The IRI a request path names (``/id/state/RUS`` → ``<base>id/state/RUS``)."""
        return self.base + path.lstrip("/")

    def short(self, iri: str) -> str:
        """An IRI shown under the base: its path (``id/state/RUS``), else the IRI."""
        return iri[len(self.base):] if iri.startswith(self.base) else iri


def fragment(iri: str) -> str:
    """The fragment of a hash IRI ("" when none), used as the anchor in its document's HTML."""
    return iri.split("#", 1)[1] if "#" in iri else ""
