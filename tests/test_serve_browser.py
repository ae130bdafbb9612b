"""`dprk-ld serve` in a real headless Chromium (Debian packages chromium, chromium-driver): issue 5's
"a browser on the index page can run a canned query".

Starts the server as a process on a free loopback port (fixture project), opens the index page,
follows the link to a canned query with a parameter, fills in and submits its form, and checks that
result rows appear, that the browser console shows no errors, and writes screenshots to test-output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import OUTPUT, chromium, needs_chromium, severe
from .servers import dprk_serve

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dprk_serve(FIXTURE, tmp_path_factory.mktemp("serve-browser")) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium()


def test_index_runs_a_canned_query(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    OUTPUT.mkdir(exist_ok=True)
    browser.get(server + "/")
    assert browser.find_elements(By.CSS_SELECTOR, "h1")
    browser.save_screenshot(str(OUTPUT / "serve-index.png"))
    link = browser.find_element(By.CSS_SELECTOR, 'a[href="/queries/states"]')
    link.click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form button")))
    assert browser.current_url == server + "/queries/states"
    field = browser.find_element(By.ID, "p-lang")
    field.clear()
    field.send_keys("id")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # the form's page already shows the default answer's table: wait for the new page, then its table
    WebDriverWait(browser, 10).until(ec.url_contains("lang=id"))
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.results table")))
    assert not browser.find_elements(By.CSS_SELECTOR, ".error")
    cells = [row.find_elements(By.TAG_NAME, "td")
             for row in browser.find_elements(By.CSS_SELECTOR, "section.results table tbody tr")]
    assert cells, "no result rows"
    assert all(c[-1].text.startswith("id") for c in cells), [c[-1].text for c in cells]
    browser.save_screenshot(str(OUTPUT / "serve-canned-query.png"))
    assert severe(browser) == []
