"""Search, facets and the relations picture in a real headless Chromium (issue 16), on the bundled dataset:
the static release from a local HTTP server, and `dprk-ld serve`.

In each: search from the header's box (Indonesian), filter by two facets, check the counts and the URL
(reloading it gives the same list), open a claim; follow an edge of the relations picture to the
claim list filtered to its pair and class. Without script the claims page is the plain list.
"""

from __future__ import annotations

import functools
import http.server
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
import pytest

from dprk_ld.load import load_project
from dprk_ld.project import bundled_root
from dprk_ld.publish import build_release

from .browser import chromium, needs_chromium, severe
from .servers import dprk_serve, quiet_http_server

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "dist"
    build_release(load_project(None), out)
    return out


class Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # a static host that does not print
        pass


@pytest.fixture(scope="module")
def static_site(release: Path) -> Iterator[tuple[str, str]]:
    handler = functools.partial(Files, directory=str(release))
    with quiet_http_server(handler) as base:  # type: ignore[arg-type]
        yield base + "/index.html", ".html"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with dprk_serve(bundled_root(), tmp_path_factory.mktemp("serve-search"), 60) as base:
        yield base + "/", ""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium()


def wait(browser, condition, timeout: float = 10):  # noqa: ANN001, ANN201
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def summary_count(browser) -> int:  # noqa: ANN001
    text = browser.find_element("id", "summary").text
    match = re.match(r"(\d+) of (\d+) claims", text)
    assert match, text
    return int(match.group(1))


def facet(browser, name: str, value: str):  # noqa: ANN001, ANN201
    return browser.find_element("css selector", f'#facets input[name="{name}"][value="{value}"]')


def facet_count(browser, name: str, value: str) -> int:  # noqa: ANN001
    box = facet(browser, name, value)
    return int(box.find_element("xpath", "..").find_element("css selector", ".count").text)


def scenario(browser, start: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.keys import Keys

    browser.get(start)
    box = browser.find_element("css selector", "header form.nav-search input[name=q]")
    box.send_keys("Rusia", Keys.ENTER)
    wait(browser, lambda b: "q=Rusia" in b.current_url and b.find_element("id", "results").text)
    everything = summary_count(browser)
    assert everything >= 5
    assert "Russia" in browser.find_element("id", "entity-hits").text  # the state itself, by its Indonesian name

    facet(browser, "class", "Transfer").click()
    wait(browser, lambda b: "class=Transfer" in b.current_url)
    transfers = summary_count(browser)
    assert 0 < transfers < everything
    assert facet_count(browser, "party", "state/RUS") <= transfers
    facet(browser, "party", "state/RUS").click()
    wait(browser, lambda b: "party=state%2FRUS" in b.current_url)
    both = summary_count(browser)
    assert 0 < both <= transfers
    assert facet_count(browser, "class", "Transfer") == both  # counts follow the other filters
    hits = browser.find_elements("css selector", "#results li.hit")
    assert len(hits) == min(both, 25)
    for hit in hits:
        meta = hit.find_element("css selector", ".meta").text
        assert meta.startswith("transfer") and "Russia" in meta

    shared = browser.current_url  # the filter state is a link: opening it again gives the same list
    query = parse_qs(urlparse(shared).query)
    assert query == {"q": ["Rusia"], "class": ["Transfer"], "party": ["state/RUS"]}
    browser.get(shared)
    wait(browser, lambda b: b.find_elements("css selector", "#results li.hit"))
    assert summary_count(browser) == both

    first = browser.find_element("css selector", "#results li.hit a")
    title = first.text
    first.click()
    wait(browser, lambda b: b.find_element("tag name", "h1").text == title)
    assert "/id/claim/" in browser.current_url
    assert browser.find_elements("css selector", "blockquote")  # the claim's quotes
    assert severe(browser) == []


def relations(browser, start: str, ext: str) -> None:  # noqa: ANN001
    browser.get(start.replace("index.html", "") + "relations" + ext)
    edges = browser.find_elements("css selector", "svg.relations a.edge")
    assert edges
    legend = browser.find_elements("css selector", "#relations-filter input[name=class]")
    assert len(legend) >= 3  # beside the picture, one row per class
    edge = next(e for e in edges if "state%2FRUS" in e.get_dom_attribute("href")
                and "class=Transfer" in e.get_dom_attribute("href"))
    count = int(edge.find_element("tag name", "text").text)
    browser.get(urljoin(browser.current_url, edge.get_dom_attribute("href")))
    wait(browser, lambda b: b.find_elements("css selector", "#results li.hit"))
    assert summary_count(browser) == count
    for hit in browser.find_elements("css selector", "#results li.hit .meta"):
        assert "Russia" in hit.text and "North Korea" in hit.text and hit.text.startswith("transfer")
    assert severe(browser) == []


def test_static_release_search_facets_and_claim(static_site: tuple[str, str], browser) -> None:  # noqa: ANN001
    scenario(browser, static_site[0])


def test_static_release_relations_edge_opens_the_filtered_claims(static_site: tuple[str, str],
                                                                 browser) -> None:  # noqa: ANN001
    relations(browser, *static_site)


def test_serve_search_facets_and_claim(live_site: tuple[str, str], browser) -> None:  # noqa: ANN001
    scenario(browser, live_site[0])


def test_serve_relations_edge_opens_the_filtered_claims(live_site: tuple[str, str], browser) -> None:  # noqa: ANN001
    relations(browser, *live_site)


def test_without_script_the_claims_page_is_the_plain_list(live_site: tuple[str, str], release: Path) -> None:
    for html in (httpx.get(live_site[0] + "claims").text, (release / "claims.html").read_text(encoding="utf-8")):
        assert re.search(r'<div id="browser"[^>]* hidden>', html)  # the browser shows only when its script runs
        plain = html.split('<div id="plain-list">', 1)[1]
        assert plain.count("<tr>") == len(list(load_project(None).store.query(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c <https://w3id.org/dprk-ld/ontology#citation> ?x } }")))
