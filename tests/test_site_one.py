"""Issue 15: ONE site. A page served live and the same page in the release are identical apart from links."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from dprk_ld.load import load_project
from dprk_ld.publish import build_release
from dprk_ld.serve import create_app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "build"
LINK = re.compile(r'\b(href|src|action)="[^"]*"')
#: (release file, live path): resource pages of every kind, the site's own pages, a canned query
PAGES = [
    ("id/state/RUS.html", "/id/state/RUS"),
    ("id/claim/a000-shells-to-russia.html", "/id/claim/a000-shells-to-russia"),
    ("id/source/000_aaaa.html", "/id/source/000_aaaa"),
    ("ontology.html", "/ontology"),
    ("shapes.html", "/shapes"),
    ("graph/data/a000.ttl.html", "/graph/data/a000.ttl"),
    ("claims.html", "/claims"),
    ("entities.html", "/entities"),
    ("sources.html", "/sources"),
    ("timeline.html", "/timeline"),
    ("relations.html", "/relations"),
    ("queries/claims-by-state.html", "/queries/claims-by-state"),
    ("queries/index.html", "/queries"),
]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("one") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


@pytest.fixture(scope="module")
def live() -> Any:
    return create_app(load_project(FIXTURE), wikidata_view=True)


def get(app: Any, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=True) as c:
            return await c.get(path, headers={"Accept": "text/html"})

    return asyncio.run(go())


def unlinked(html: str) -> str:
    return LINK.sub(r'\1=""', html)


@pytest.mark.parametrize(("file", "path"), PAGES)
def test_live_page_is_the_release_page_apart_from_links(release: Path, live: Any, file: str, path: str) -> None:
    served = get(live, path)
    assert served.status_code == 200, served.text
    assert unlinked(served.text) == unlinked((release / file).read_text(encoding="utf-8"))


def test_links_differ_only_in_form(release: Path, live: Any) -> None:
    """The live page links to server paths where the release links to files beside it."""
    served = get(live, "/id/state/RUS").text
    static = (release / "id/state/RUS.html").read_text(encoding="utf-8")
    assert 'href="/id/claim/a000-shells-to-russia"' in served
    assert 'href="../claim/a000-shells-to-russia.html"' in static
