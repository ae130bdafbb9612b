"""The release's static site in a real headless Chromium (Debian packages chromium, chromium-driver).

Loads pages from file://, reads the browser console log (no errors allowed), crawls every
internal link of the fixture site and checks that each resolves to an existing file, and writes
screenshots of the index and of one claim page to test-output/.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from dprk_ld.load import load_project
from dprk_ld.publish import build_release

from .browser import OUTPUT, chromium, needs_chromium, severe

FIXTURE = Path(__file__).parent / "fixtures" / "build"
pytestmark = needs_chromium

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "dist"
    build_release(load_project(FIXTURE), out)
    return out


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_pages_load_without_console_errors_and_screenshots(site: Path, browser) -> None:
    OUTPUT.mkdir(exist_ok=True)
    claim = site / "id" / "claim" / "a000-shells-to-russia.html"
    pages = [site / "index.html", claim, site / "relations.html", site / "timeline.html",
             site / "ontology.html", site / "queries" / "claims-by-state.html",
             site / "id" / "source" / "000_aaaa.html", site / "id" / "state" / "PRK.html"]
    for page in pages:
        browser.get(page.as_uri())
        assert browser.find_element("tag name", "h1").text, page
        assert severe(browser) == [], page
        if page == site / "index.html":
            browser.save_screenshot(str(OUTPUT / "site-index.png"))
        if page == claim:
            assert "jutaan peluru" in browser.find_element("tag name", "blockquote").text
            browser.save_screenshot(str(OUTPUT / "site-claim.png"))
    assert (OUTPUT / "site-index.png").stat().st_size > 1000
    assert (OUTPUT / "site-claim.png").stat().st_size > 1000


def test_relations_picture_renders_in_the_browser(site: Path, browser) -> None:
    browser.get((site / "relations.html").as_uri())
    svg = browser.find_element("css selector", "figure svg")
    assert svg.size["width"] > 100 and svg.size["height"] > 100
    assert len(browser.find_elements("css selector", "g.edges a")) == 4
    browser.save_screenshot(str(OUTPUT / "site-relations.png"))


def test_every_internal_link_resolves(site: Path, browser) -> None:
    """Crawl from the index through every page the browser can reach by internal links."""
    start = (site / "index.html").resolve()
    todo, seen, broken = [start], {start}, []
    while todo:
        page = todo.pop()
        browser.get(page.as_uri())
        assert severe(browser) == [], page
        hrefs = browser.execute_script(
            "return Array.from(document.querySelectorAll('[href],[src]'))"
            ".map(e => e.getAttribute('href') || e.getAttribute('src'))")
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        # the DOM has the links the file has, and those the claim browser's script adds (checked below too)
        assert set(parser.links) <= set(hrefs), page
        for link in hrefs:
            url = urlparse(link)
            if url.scheme in ("http", "https", "mailto", "data"):
                continue  # the outside world (Wikidata, licences): not part of the site
            target_url, fragment = urldefrag(link)
            target_url = urlparse(target_url).path  # a filter state (claims.html?party=…) is the same file
            target = (page.parent / unquote(target_url)).resolve() if target_url else page
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)} -> {link}")
                continue
            if fragment and target.suffix == ".html":
                if f'id="{fragment}"' not in target.read_text(encoding="utf-8"):
                    broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
            if target.suffix == ".html" and target not in seen:
                seen.add(target)
                todo.append(target)
    assert broken == []
    pages = {p.resolve() for p in site.rglob("*.html")}
    assert pages == seen, sorted(str(p) for p in pages - seen)  # every page is reachable
