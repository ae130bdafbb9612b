"""Refresh the screenshots in docs/screenshots/ from the bundled dataset's release, in headless Chromium.

    python scripts/screenshots.py [--out docs/screenshots]

Builds the release into a temporary folder, serves it over HTTP on a free loopback port (as a static
host would), and saves, at 1280 px wide: the index, the claim list filtered by a search and two facets,
the relations picture with its legend, and a resource page (a state). Needs Chromium and chromedriver
(Debian packages chromium, chromium-driver) and selenium (the test extra).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dprk_ld.load import load_project  # noqa: E402
from dprk_ld.project import bundled_root  # noqa: E402
from dprk_ld.publish import build_release  # noqa: E402
from tests.browser import chromium, severe  # noqa: E402

SHOTS = {  # file -> (page, what to wait for)
    "index.png": ("index.html", "h1"),
    "claims-facets.png": ("claims.html?q=Rusia&class=Transfer&party=state%2FRUS", "#results li"),
    "relations.png": ("relations.html", "svg.relations a.edge"),
    "resource.png": ("id/state/RUS.html", "h1"),
}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dprk-ld-shots-") as tmp:
        release = Path(tmp) / "dist"
        build_release(load_project(bundled_root()), release)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(release)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        driver_gen = chromium()
        browser = next(driver_gen)
        try:
            browser.set_window_size(1280, 960)
            for name, (page, ready) in SHOTS.items():
                browser.get(base + page)
                deadline = time.monotonic() + 10
                while not browser.find_elements("css selector", ready) and time.monotonic() < deadline:
                    time.sleep(0.1)
                errors = severe(browser)
                if errors:
                    raise SystemExit(f"{page}: console errors {errors}")
                browser.save_screenshot(str(args.out / name))
                print(f"{args.out / name}  ({page})")
        finally:
            driver_gen.close()
            server.shutdown()


if __name__ == "__main__":
    main()
