"""Headless Chromium for the browser tests (Debian packages chromium and chromium-driver, via Selenium).

The flags keep Chromium off the network (this machine's network is closed) and give it a fresh profile.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1200,900")
needs_chromium = pytest.mark.usefixtures("browser_tools")


def chromium() -> Iterator[Any]:
    """A Selenium Chrome driver on a fresh profile, with the browser console log captured."""
    from selenium import webdriver
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


def severe(driver: Any) -> list[dict]:
    """Console entries at error level."""
    return [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
