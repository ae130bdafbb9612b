"""Issue 14: every IRI under https://w3id.org/dprk-ld/ that appears in a release file dereferences, in the
static release and on the live server, to a document describing it in HTML, Turtle and JSON-LD.

The walk takes every such IRI from every text file of a fixture release (dumps, descriptions, pages, the
JSON-LD context, CITATION.cff). Live, the thing answers 303 to its document (docs/conventions.md); the
document answers 200 in the negotiated type, with Link headers. In the release, the same documents are
files at the paths docs/conventions.md gives (``id/state/RUS.{html,ttl,jsonld}``, ``…/index.*`` for a
namespace, the document of a hash IRI with an anchor for its fragment).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from dprk_ld.load import load_project
from dprk_ld.namespaces import BASE
from dprk_ld.publish import build_release
from dprk_ld.serve import create_app
from dprk_ld.site import Iris

document_path = Iris(BASE).document_path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "build"
MINTED = re.compile(r"https://w3id\.org/dprk-ld/[^\s\"'<>)\]\\,}`&]*")
TYPES = {"html": "text/html", "ttl": "text/turtle", "jsonld": "application/ld+json"}
SERVICE = ("sparql", "queries")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deref") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


@pytest.fixture(scope="module")
def minted(release: Path) -> list[str]:
    found: set[str] = set()
    for path in release.rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            found.update(MINTED.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


@pytest.fixture(scope="module")
def live() -> Any:
    return create_app(load_project(FIXTURE), wikidata_view=True)


def kind(iri: str) -> str:
    path = iri[len(BASE):].split("#", 1)[0]
    if path.startswith("release/"):
        return "release"
    if path.split("/", 1)[0] in SERVICE:
        return "service"
    return "context" if path == "context.jsonld" else "described"


def terms(data: bytes, ext: str) -> set[str]:
    fmt = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[ext]
    out = set()
    for t in ox.parse(data, format=fmt):
        out |= {x.value for x in (t.subject, t.predicate, t.object) if isinstance(x, ox.NamedNode)}
    return out


def described_by(iri: str, data: bytes, ext: str) -> bool:
    """The document names the IRI (a hash IRI with an empty fragment: its document's IRI)."""
    return iri.rstrip("#") in terms(data, ext) or iri.endswith("#")


def test_the_walk_finds_every_kind(minted: list[str]) -> None:
    paths = {iri[len(BASE):] for iri in minted}
    for needed in ("", "id/state/RUS", "prop/direct/visits", "graph/data/a000.ttl", "dataset", "prop/", "ontology"):
        assert needed in paths, needed
    assert any(p.startswith("shapes#") for p in paths) and any(p.startswith("dataset#") for p in paths)
    assert any(p.startswith("release/") for p in paths) and len(minted) > 100


def test_every_minted_iri_has_its_documents_in_the_release(release: Path, minted: list[str]) -> None:
    problems = []
    for iri in minted:
        what = kind(iri)
        if what == "release":
            rest = iri[len(BASE):].split("#", 1)[0].split("/", 2)[2]
            if not (release / rest).is_file() and not (release / rest / "index.html").is_file() and rest:
                problems.append(f"{iri}: no file {rest}")
            continue
        if what == "context":
            assert json.loads((release / "context.jsonld").read_text(encoding="utf-8"))["@context"]
            continue
        if what == "service":
            continue  # the live endpoint's; checked below
        frag = iri.split("#", 1)[1] if "#" in iri else ""
        for ext in TYPES:
            path = release / (document_path(iri, ext) or "missing")
            if not path.is_file():
                problems.append(f"{iri}: no {path.relative_to(release)}")
            elif ext == "html" and frag and f'id="{frag}"' not in path.read_text(encoding="utf-8"):
                problems.append(f"{iri}: no anchor in {path.relative_to(release)}")
            elif ext != "html" and not described_by(iri, path.read_bytes(), ext):
                problems.append(f"{iri}: {path.relative_to(release)} does not describe it")
    assert problems == []


def fetch(app: Any, requests: list[tuple[str, str]]) -> list[tuple[httpx.Response, httpx.Response | None]]:
    """GET each path with an Accept; the first answer and, for a 303, what it points to."""
    async def go() -> list[tuple[httpx.Response, httpx.Response | None]]:
        transport = httpx.ASGITransport(app=app)
        out = []
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for path, accept in requests:
                first = await client.get(path, headers={"Accept": accept})
                second = None
                if first.status_code == 303:
                    second = await client.get(first.headers["location"], headers={"Accept": accept})
                out.append((first, second))
        return out

    return asyncio.run(go())


def test_every_minted_iri_dereferences_on_the_live_server(live: Any, minted: list[str]) -> None:
    """Each IRI once, in each of the three types in turn: 303 to a document of that type which describes it."""
    asked = [(iri, list(TYPES)[i % 3]) for i, iri in enumerate(minted) if kind(iri) in ("described", "service")]
    answers = fetch(live, [("/" + iri[len(BASE):].split("#", 1)[0], TYPES[ext]) for iri, ext in asked])
    problems = []
    for (iri, ext), (first, doc) in zip(asked, answers, strict=True):
        if kind(iri) == "service":
            if first.status_code != 200:
                problems.append(f"{iri}: {first.status_code}")
            continue
        if first.status_code != 303 or doc is None:
            problems.append(f"{iri}: {first.status_code}, not 303")
            continue
        assert "Accept" in first.headers["vary"] and 'rel="describedby"' in first.headers["link"]
        if doc.status_code != 200 or not doc.headers["content-type"].startswith(TYPES[ext]):
            problems.append(f"{iri} as {ext}: {doc.status_code} {doc.headers.get('content-type')}")
        elif ext != "html" and not described_by(iri, doc.content, ext):
            problems.append(f"{iri}: {first.headers['location']} does not describe it")
        elif 'rel="alternate"' not in doc.headers.get("link", ""):
            problems.append(f"{iri}: no Link alternates")
    assert problems == []


def test_live_documents_are_the_release_files(release: Path, live: Any) -> None:
    """Turtle and JSON-LD of a resource: the same graph live and in the release (the same bytes where there is
    no blank node). Not ``…/dataset``: live, it counts what the endpoint serves, the Wikidata-style view
    included, and lists no downloads."""
    paths = ["id/state/RUS", "prop/direct/visits", "graph/data/a000.ttl", "prop/", "shapes", "ontology"]
    for path in paths:
        for ext in ("ttl", "jsonld"):
            doc = document_path(BASE + path, ext)
            (served, _), = fetch(live, [("/" + (doc or ""), TYPES[ext])])
            static = (release / (doc or "")).read_bytes()
            fmt = "turtle" if ext == "ttl" else "json-ld"
            assert isomorphic(rdflib.Graph().parse(data=served.content, format=fmt),
                              rdflib.Graph().parse(data=static, format=fmt)), doc
            if b"_:" not in static:
                assert served.content == static, doc


def test_release_urls_on_the_live_server(live: Any, minted: list[str]) -> None:
    """``release/VERSION/…`` (download URLs): pages and documents of the served version redirect to this
    server's copy; files only a hosted release has (dumps, checksums) are a 404 saying where they are."""
    paths = sorted({"/" + iri[len(BASE):].split("#", 1)[0] for iri in minted if kind(iri) == "release"})
    assert any("/dumps/" in p for p in paths)
    for (first, _), path in zip(fetch(live, [(p, "*/*") for p in paths]), paths, strict=True):
        if first.status_code == 302:
            (target, _), = fetch(live, [(first.headers["location"], "*/*")])
            assert target.status_code in (200, 303), path
        else:
            assert first.status_code == 404 and "docs/publishing.md" in first.text, path
