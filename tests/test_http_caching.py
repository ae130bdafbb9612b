"""Issue 14: HTTP as caches and linked-data clients expect it.

Strong ETags (a hash of the bytes sent, so each content coding has its own) and Last-Modified (the
newest source file) on every resource and result, 304 on a conditional GET or HEAD, compression
(zstd, br, gzip), ``Allow`` on 405, ``Vary: Accept`` wherever the body depends on Accept (errors too),
``Link`` headers (alternates with their types, ``describedby`` on the 303), HEAD everywhere, and the
base IRI negotiating Turtle.
"""

from __future__ import annotations

import asyncio
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from dprk_ld.load import load_project
from dprk_ld.serve import create_app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(load_project(FIXTURE))


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


@pytest.mark.parametrize(("url", "params"), [("/id/state/RUS.html", {}), ("/id/state/RUS.ttl", {}),
                                             ("/ontology.jsonld", {}), ("/claims", {}), ("/sparql", {"query": SELECT}),
                                             ("/queries/states.csv", {}), ("/sparql", {})])
def test_validators_and_304(app: Any, url: str, params: dict[str, str]) -> None:
    first = call(app, "GET", url, params=params)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert parsedate_to_datetime(modified).year > 2000
    again = call(app, "GET", url, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = call(app, "GET", url, params=params, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = call(app, "GET", url, params=params, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    head = call(app, "HEAD", url, params=params)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    assert call(app, "HEAD", url, params=params, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("coding", ["zstd", "br", "gzip"])
def test_compression_has_its_own_etag(app: Any, coding: str) -> None:
    plain = call(app, "GET", "/sparql", params={"query": SELECT}, headers={"Accept-Encoding": "identity"})
    packed = call(app, "GET", "/sparql", params={"query": SELECT}, headers={"Accept-Encoding": coding})
    assert packed.headers["content-encoding"] == coding and "Accept-Encoding" in packed.headers["vary"]
    assert packed.content == plain.content  # httpx decodes it
    assert packed.headers["etag"] != plain.headers["etag"]
    assert int(packed.headers["content-length"]) < len(plain.content) / 3


@pytest.mark.parametrize(("url", "accept"), [("/sparql", "text/turtle"), ("/sparql", "text/html"),
                                             ("/ontology", "text/turtle"), ("/queries", "application/json"),
                                             ("/id/state/RUS", "text/turtle"), ("/id/state/XXX", "text/html"),
                                             ("/sparql?query=ASK%20%7B", "application/json")])
def test_vary_accept_where_the_body_depends_on_it(app: Any, url: str, accept: str) -> None:
    r = call(app, "GET", url, headers={"Accept": accept})
    assert "accept" in [v.strip().lower() for v in r.headers["vary"].split(",")], (url, r.status_code)


def test_allow_on_405(app: Any) -> None:
    r = call(app, "PUT", "/sparql", params={"query": "ASK {}"})
    assert r.status_code == 405 and set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST", "HEAD"}
    r = call(app, "DELETE", "/id/state/RUS.ttl")
    assert r.status_code == 405 and "GET" in r.headers["allow"] and "POST" not in r.headers["allow"]


def test_thing_303_and_document_links(app: Any) -> None:
    thing = call(app, "GET", "/id/state/RUS", headers={"Accept": "text/turtle"})
    assert thing.status_code == 303 and thing.headers["location"] == "/id/state/RUS.ttl"
    assert 'rel="describedby"' in thing.headers["link"] and "Accept" in thing.headers["vary"]
    doc = call(app, "GET", "/id/state/RUS.ttl")
    links = doc.headers["link"]
    for media in ("text/html", "application/ld+json"):
        assert f'rel="alternate"; type="{media}"' in links
    assert call(app, "HEAD", "/id/state/RUS", headers={"Accept": "text/html"}).headers["location"] == \
        "/id/state/RUS.html"


def test_root_negotiates_turtle(app: Any) -> None:
    r = call(app, "GET", "/", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/index.ttl"
    doc = call(app, "GET", "/index.ttl")
    assert doc.headers["content-type"].startswith("text/turtle") and "dcat:Catalog" in doc.text
    assert call(app, "GET", "/", headers={"Accept": "text/html"}).headers["location"] == "/index.html"
