"""How pages link: the one thing that differs between the static release and the live server.

Implements two link policies over the same pages. :class:`StaticLinks` writes relative links between
files (``../state/RUS.html``), so a release works from ``file://`` and from any static host;
:class:`LiveLinks` writes server paths (``/id/state/RUS``), which the server answers by content
negotiation. Everything else in a page is rendered from the same model and template.
"""

from __future__ import annotations

import posixpath

from .iris import SELF_DOCUMENTS, Iris, fragment

#: the site's own pages (name → static file); live they are served at "/" + name without ".html"
SITE_PAGES = ("index", "claims", "entities", "sources", "timeline", "relations", "queries/index", "ontology",
              "shapes", "dataset")


def rel(from_path: str, to_path: str) -> str:
    """A relative link from the file ``from_path`` to the file ``to_path`` (both site paths)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


class Links:
    """The live policy: absolute server paths. Subclassed by :class:`StaticLinks`. ``iris`` is the
    dataset's IRI → document rule (its base IRI): what is under it is linked on this site."""

    live = True

    def __init__(self, iris: Iris, endpoint: str = "/sparql") -> None:
        self.iris = iris
        self.endpoint = endpoint

    def iri(self, iri: str) -> str:
        """Where a link to ``iri`` points: its description on this site, else the IRI itself."""
        if not self.iris.is_described(iri):
            path = self.iris.local_path(iri)
            return iri if path is None or path.startswith("release/") else "/" + path
        path = "/" + (self.iris.local_path(iri) or "")
        frag = fragment(iri)
        return path + (f"#{frag}" if frag else "")

    def page(self, name: str) -> str:
        """One of :data:`SITE_PAGES` (``index`` is the root)."""
        if name == "index":
            return "/"
        return "/" + (name[: -len("/index")] if name.endswith("/index") else name)

    def data(self, iri: str, ext: str) -> str:
        """A document of ``iri`` in a given format (``ttl``, ``jsonld``)."""
        return "/" + (self.iris.document_path(iri, ext) or "")

    def file(self, path: str) -> str:
        """A file of the site (``style.css``, ``relations.svg``, ``queries/NAME.rq``)."""
        return "/" + path

    def query(self, name: str, ext: str = "") -> str:
        """A canned query's page (live: runs it) or one of its result files."""
        return f"/queries/{name}" + (f".{ext}" if ext else "")

    def run(self, name: str) -> str:
        """Where a canned query's form is sent (the live server runs it)."""
        return f"/queries/{name}"

    def sparql(self) -> str:
        return self.endpoint


class StaticLinks(Links):
    """Relative links from the file ``at`` (a site path such as ``id/state/RUS.html``)."""

    live = False

    def __init__(self, iris: Iris, at: str, endpoint: str | None = None) -> None:
        super().__init__(iris, endpoint or iris.base + "sparql")
        self.at = at

    def iri(self, iri: str) -> str:
        target = self.iris.document_path(iri)
        if target is None:
            path = self.iris.local_path(iri)
            return rel(self.at, path) if path in SELF_DOCUMENTS else iri
        frag = fragment(iri)
        return rel(self.at, target) + (f"#{frag}" if frag else "")

    def page(self, name: str) -> str:
        return rel(self.at, name + ".html")

    def data(self, iri: str, ext: str) -> str:
        return rel(self.at, self.iris.document_path(iri, ext) or "")

    def file(self, path: str) -> str:
        return rel(self.at, path)

    def query(self, name: str, ext: str = "") -> str:
        return rel(self.at, f"queries/{name}.{ext or 'html'}")

    def run(self, name: str) -> str:
        return f"{self.iris.base}queries/{name}"

    def sparql(self) -> str:
        return self.endpoint

