"""`dprk-ld serve` in a real headless Chromium (Debian packages chromium, chromium-driver): issue 5's
"a browser on the index page can run a canned query".

Starts the server as a process on a free loopback port (fixture project), opens the index page,
follows the link to a canned query with a parameter, fills in and submits its form, and checks that
result rows appear, that the browser console shows no errors, and writes screenshots to test-output/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .servers import free_port

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "serve"
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromium-driver (Debian packages) are not installed")
webdriver = pytest.importorskip("selenium.webdriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1200,900")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve-browser") / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dprk_ld", "serve", "--project", str(FIXTURE),
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"dprk-ld serve exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("dprk-ld serve did not start within 30 s")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="dprk-ld-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def severe(driver) -> list[dict]:  # noqa: ANN001
    return [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]


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
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.results table")))
    assert "lang=id" in browser.current_url
    assert not browser.find_elements(By.CSS_SELECTOR, ".error")
    cells = [row.find_elements(By.TAG_NAME, "td")
             for row in browser.find_elements(By.CSS_SELECTOR, "section.results table tbody tr")]
    assert cells, "no result rows"
    assert all(c[-1].text.startswith("id") for c in cells), [c[-1].text for c in cells]
    browser.save_screenshot(str(OUTPUT / "serve-canned-query.png"))
    assert severe(browser) == []
