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
    # a search with words loads the glosses and quotes (search-text/N.js) first: count once they are in
    wait(browser, lambda b: b.find_element("id", "summary").get_dom_attribute("data-pending") == "false")
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


def rus_transfer_edge(browser):  # noqa: ANN001, ANN201
    return next(e for e in browser.find_elements("css selector", "svg.relations a.edge")
                if "state%2FRUS" in e.get_dom_attribute("href") and "class=Transfer" in e.get_dom_attribute("href"))


def checked(browser, form: str, name: str) -> list[str]:  # noqa: ANN001
    return [i.get_dom_attribute("value") for i in browser.find_elements("css selector", f"#{form} input[name={name}]")
            if i.is_selected()]


def relations_filters_in_the_url(browser, start: str, ext: str) -> None:  # noqa: ANN001
    page = start.replace("index.html", "") + "relations" + ext
    browser.get(page)
    everything = int(rus_transfer_edge(browser).find_element("tag name", "text").text)
    browser.get(page + "?stance=Alleged")  # a shared link: the filter comes from the URL
    wait(browser, lambda b: checked(b, "relations-filter", "stance") == ["Alleged"])
    edge = rus_transfer_edge(browser)
    alleged = int(edge.find_element("tag name", "text").text)
    assert 0 < alleged < everything
    assert "stance=Alleged" in edge.get_dom_attribute("href")
    browser.find_element("css selector", '#relations-filter input[name=class][value="Visit"]').click()
    wait(browser, lambda b: "class=" in b.current_url)  # one class off: the URL names the ones still shown
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["stance"] == ["Alleged"] and "Visit" not in query["class"] and "Transfer" in query["class"]
    browser.back()  # back: the previous filter state, from the URL
    wait(browser, lambda b: "Visit" in checked(b, "relations-filter", "class"))
    assert parse_qs(urlparse(browser.current_url).query) == {"stance": ["Alleged"]}
    edge = rus_transfer_edge(browser)
    browser.get(urljoin(browser.current_url, edge.get_dom_attribute("href")))  # the edge: the filtered claims
    wait(browser, lambda b: b.find_elements("css selector", "#results li.hit"))
    assert summary_count(browser) == alleged
    assert parse_qs(urlparse(browser.current_url).query)["stance"] == ["Alleged"]
    assert severe(browser) == []


def timeline_filters_in_the_url(browser, start: str, ext: str) -> None:  # noqa: ANN001
    page = start.replace("index.html", "") + "timeline" + ext
    browser.get(page)
    counter = browser.find_element("id", "timeline-count")
    total = int(counter.text.split(" of ")[1].split()[0])
    browser.get(page + "?class=Visit&class=Treaty&from=2020")
    wait(browser, lambda b: sorted(checked(b, "timeline-filter", "class")) == ["Treaty", "Visit"])
    assert browser.find_element("css selector", "#timeline-filter input[name=from]").get_property("value") == "2020"
    shown = [li for li in browser.find_elements("css selector", "ol.timeline > li") if li.is_displayed()]
    assert 0 < len(shown) < total
    assert all(li.get_dom_attribute("data-class") in ("Visit", "Treaty")
               and int(li.get_dom_attribute("data-year")) >= 2020 for li in shown)
    browser.find_element("css selector", '#timeline-filter input[name=stance][value="Alleged"]').click()
    wait(browser, lambda b: "stance=Alleged" in b.current_url)
    fewer = int(browser.find_element("id", "timeline-count").text.split()[0])
    assert fewer <= len(shown)
    browser.back()
    wait(browser, lambda b: checked(b, "timeline-filter", "stance") == [])
    assert int(browser.find_element("id", "timeline-count").text.split()[0]) == len(shown)
    browser.forward()
    wait(browser, lambda b: checked(b, "timeline-filter", "stance") == ["Alleged"])
    assert severe(browser) == []


@pytest.mark.parametrize("where", ["static", "live"])
def test_relations_filters_are_in_the_url_and_edges_open_the_filtered_claims(where: str, request, browser) -> None:  # noqa: ANN001
    relations_filters_in_the_url(browser, *request.getfixturevalue(f"{where}_site"))


@pytest.mark.parametrize("where", ["static", "live"])
def test_timeline_filters_are_in_the_url(where: str, request, browser) -> None:  # noqa: ANN001
    timeline_filters_in_the_url(browser, *request.getfixturevalue(f"{where}_site"))


def view_box(browser, svg) -> list[float]:  # noqa: ANN001
    return [float(n) for n in browser.execute_script("return arguments[0].getAttribute('viewBox')", svg).split()]


def zoom_and_pan(browser, start: str, ext: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.action_chains import ActionChains

    browser.get(start.replace("index.html", "") + "relations" + ext)
    svg = browser.find_element("css selector", "figure svg.relations")
    whole = view_box(browser, svg)
    browser.find_element("css selector", ".zoom-bar button.zoom-in").click()
    browser.find_element("css selector", ".zoom-bar button.zoom-in").click()
    zoomed = view_box(browser, svg)
    assert abs(zoomed[2] - whole[2] / 2.25) < 1 and abs(zoomed[3] / zoomed[2] - whole[3] / whole[2]) < 1e-3
    assert browser.find_element("css selector", ".zoom-bar .zoom-level").text == "225%"
    ActionChains(browser).move_to_element_with_offset(svg, 0, 0).click_and_hold().move_by_offset(-120, -80) \
        .release().perform()  # a drag pans: the picture moves with the pointer, the page stays
    panned = view_box(browser, svg)
    assert panned[0] > zoomed[0] and panned[1] > zoomed[1] and panned[2] == zoomed[2]
    assert "relations" in browser.current_url  # the drag followed no link
    browser.find_element("css selector", ".zoom-bar button.zoom-reset").click()
    assert view_box(browser, svg) == whole
    edge = rus_transfer_edge(browser)  # a click (no drag) still opens the edge's claims
    ActionChains(browser).move_to_element(edge.find_element("tag name", "text")).click().perform()
    wait(browser, lambda b: b.find_elements("css selector", "#results li.hit"))
    assert "class=Transfer" in browser.current_url
    assert severe(browser) == []


@pytest.mark.parametrize("where", ["static", "live"])
def test_the_relations_picture_zooms_and_pans(where: str, request, browser) -> None:  # noqa: ANN001
    zoom_and_pan(browser, *request.getfixturevalue(f"{where}_site"))


def text_parts_loaded(browser) -> list[str]:  # noqa: ANN001
    names = browser.execute_script("return performance.getEntriesByType('resource').map(function (e) {"
                                   " return e.name; })")
    return sorted(n.rsplit("/", 1)[1] for n in names if "/search-text/" in n)


def text_index_in_parts(browser, start: str, ext: str) -> None:  # noqa: ANN001
    browser.get(start.replace("index.html", "") + "claims" + ext)
    wait(browser, lambda b: b.find_elements("css selector", "#results li.hit .gloss"))  # page 1's glosses
    assert text_parts_loaded(browser) == ["0.js"]  # only the part holding the claims shown
    box = browser.find_element("id", "q")
    box.send_keys("analogi")  # a word only quotes have: found once every part is in
    browser.find_element("css selector", "#search-form button[type=submit]").click()
    assert summary_count(browser) == 3
    assert text_parts_loaded(browser) == ["0.js", "1.js"]
    assert len(browser.find_elements("css selector", "#results li.hit blockquote")) == 3
    assert severe(browser) == []


@pytest.mark.parametrize("where", ["static", "live"])
def test_the_text_of_the_index_loads_in_parts_when_needed(where: str, request, browser) -> None:  # noqa: ANN001
    text_index_in_parts(browser, *request.getfixturevalue(f"{where}_site"))
