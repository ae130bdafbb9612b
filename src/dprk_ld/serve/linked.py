"""Dereferencing every IRI we mint on the live server: 303 from the thing to a document, then the document.

Implements the 303 pattern of W3C "Cool URIs for the Semantic Web" (§4.3) as docs/conventions.md
chooses it: ``GET /id/state/RUS`` (the thing) answers ``303 See Other`` to ``/id/state/RUS.html``,
``.ttl`` or ``.jsonld`` (also ``.nt``, ``.rdf``) by Accept, with ``Vary: Accept`` and
``Link: <doc>; rel="describedby"``; a document answers 200 with ``Link`` headers naming its
alternates (RFC 8288). Document paths come from :mod:`dprk_ld.site.iris`, the same rule that lays out
the static release and writes the w3id.org redirects. Also the site's fixed pages (``/claims`` …),
its files (``/style.css``, ``/relations.svg``) and the JSON-LD context (``/context.jsonld``).
"""

from __future__ import annotations

import json
from importlib import resources

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import RequestError
from ..formats import BY_NAME, Format
from ..jsonld import context, to_jsonld
from ..site import Links, Site, page
from ..site.browse import ASSETS, asset, is_asset
from ..site.model import serialize
from .negotiation import choose_format, media_type
from .responses import html

#: the documents of a described IRI, by extension (HTML first: what a browser gets)
DOCUMENT_FORMATS: dict[str, Format] = {"html": BY_NAME["html"], "ttl": BY_NAME["turtle"],
                                       "jsonld": BY_NAME["jsonld"], "nt": BY_NAME["ntriples"],
                                       "rdf": BY_NAME["rdfxml"]}
EXTENSION = {f.name: ext for ext, f in DOCUMENT_FORMATS.items()}
SITE_PAGES = ("claims", "entities", "sources", "timeline", "relations")


def site_of(request: Request) -> Site:
    site: Site = request.app.state.service.site.site  # starlette's app state is untyped
    return site


def links_of(request: Request) -> Links:
    links: Links = request.app.state.service.site.links  # the served dataset's base
    return links


def alternates(site: Site, iri: str, current: str | None = None) -> str:
    """A Link header value naming every document of ``iri`` (RFC 8288 ``rel="alternate"`` with types)."""
    parts = []
    for ext, fmt in DOCUMENT_FORMATS.items():
        if ext != current:
            parts.append(f'</{site.iris.document_path(iri, ext)}>; rel="alternate"; type="{fmt.media_type}"')
    return ", ".join(parts)


def resolve(site: Site, path: str) -> tuple[str, str | None] | None:
    """(IRI, document extension or None for the thing itself) for a request path, or None when unknown."""
    iri = site.iris.iri_of_path(path)
    if path == "" or site.kind(iri) is not None and not path.endswith("/index"):
        return iri, None
    stem, dot, ext = path.rpartition(".")
    if not dot or ext not in DOCUMENT_FORMATS:
        return None
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    iri = site.iris.iri_of_path(stem)
    return (iri, ext) if site.kind(iri) is not None else None


async def dereference(request: Request) -> Response:
    """Any path under the base: a thing (303 to its document), a document (200), or 404."""
    site = site_of(request)
    path = request.path_params.get("path", "")
    fixed = await fixed_page(request, site, path)
    if fixed is not None:
        return fixed
    found = resolve(site, path)
    if found is None:
        raise RequestError(f"nothing is described at <{site.iris.iri_of_path(path)}> in this dataset", 404,
                           hint="browse from the index page, or look the IRI up with SPARQL")
    iri, ext = found
    if ext is None:
        fmt = choose_format(request.headers.get("accept"), tuple(DOCUMENT_FORMATS.values()))
        target = "/" + (site.iris.document_path(iri, EXTENSION[fmt.name]) or "")
        response: Response = RedirectResponse(target, status_code=303)
        response.headers["Link"] = f'<{target}>; rel="describedby"; type="{fmt.media_type}"'
        return response
    fmt = DOCUMENT_FORMATS[ext]
    if fmt.name == "html":
        response = html(await run_in_threadpool(page, site, iri, links_of(request)))
    else:
        response = Response(await run_in_threadpool(serialise, site, iri, fmt), media_type=media_type(fmt))
    response.headers["Link"] = alternates(site, iri, ext)
    return response


def release_file(site: Site, path: str) -> Response:
    """``release/VERSION/FILE`` (the download URLs of a release's descriptions): this server's own copy of a
    page or document of the version it serves (302), else 404 naming where releases are hosted."""
    _, version, rest = (path.split("/", 2) + ["", ""])[:3]
    if version == site.info.version and (rest in ("", "index.html") or resolve(site, rest) is not None
                                         or rest.removesuffix(".html") in SITE_PAGES
                                         or rest in ("context.jsonld", "style.css", "relations.svg")):
        return RedirectResponse("/" + rest, status_code=302)
    raise RequestError(f"<{site.iris.iri_of_path(path)}> is a file of a published release, not served here", 404,
                       hint="releases (dumps, SHA256SUMS) are on the static host: docs/publishing.md")


def serialise(site: Site, iri: str, fmt: Format) -> bytes:
    triples = site.data(iri)
    if fmt.name == "jsonld":
        return to_jsonld(triples)
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    return serialize(triples, fmt.oxigraph)


async def fixed_page(request: Request, site: Site, path: str) -> Response | None:
    """The site's own pages and files, which are documents (no 303)."""
    name = path[: -len(".html")] if path.endswith(".html") else path
    links = links_of(request)
    if path.startswith("release/"):
        return release_file(site, path)
    if name in SITE_PAGES:
        render = {"claims": site.claims_page, "entities": site.entities_page, "sources": site.sources_page,
                  "timeline": site.timeline_page, "relations": site.relations_page}[name]
        return html(await run_in_threadpool(render, links))
    if path == "relations.svg":
        return Response(await run_in_threadpool(site.relations_svg, links), media_type="image/svg+xml")
    if is_asset(site, path):  # the claim browser, the pictures' scripts, the search index and its text parts
        body = await run_in_threadpool(asset, site, path)
        return Response(body, media_type=ASSETS.get(path, "text/javascript") + "; charset=utf-8")
    if path == "style.css":
        css = resources.files("dprk_ld.site").joinpath("templates").joinpath("style.css").read_bytes()
        return Response(css, media_type="text/css; charset=utf-8")
    if path == "context.jsonld":
        text = json.dumps(context(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return Response(text, media_type="application/ld+json")
    return None


__all__ = ["dereference", "resolve"]
