"""Search index figures: build time and size of search-index.js (site/search.py) for a project.

    python benchmarks/synth.py /tmp/big --claims 52000   # a ~1M-triple project shaped like ours
    python benchmarks/search.py [PROJECT ...]            # default: the bundled dataset
    python benchmarks/search.py --browser [PROJECT ...]  # also: the claim browser's times in headless Chromium

Prints, per project: triples, claims, entities, seconds to build the index from the page model, and
bytes (and gzipped, what a static host that compresses sends) of: the whole index as one script (as
releases shipped it before), the first file the claim browser reads (``search-index.js``: no glosses, no
quotes, facet values numbered) and the text parts (``search-text/N.js``, read only when a search has words
or for the claims on the page shown). With ``--browser``: the index files and ``search.js`` in a bare page,
opened from ``file://`` in headless Chromium (tests/browser.py): milliseconds from navigation start to the
first page of claims drawn, and to the results of a one-word search (every text part read). Record `uptime`
beside the figures: the machine is shared.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from dprk_ld.load import load_project
from dprk_ld.site.model import Model
from dprk_ld.site.search import index_files, index_script, search_index

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>claims</title></head><body>
<div id="browser" data-href="id/__ID__.html" data-text-src="search-text" hidden>
<form id="search-form"><input id="q" name="q"><button type="submit">Search</button></form>
<aside id="facets"></aside><p id="summary"></p><ul id="entity-hits"></ul><ol id="results"></ol><nav id="pager"></nav>
</div><script src="search-index.js"></script><script src="search.js"></script></body></html>"""


def in_browser(files: dict[str, bytes], word: str) -> None:
    """Times of the claim browser over these index files in headless Chromium, from file://."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium

    def done(browser: object) -> bool:
        return browser.execute_script(  # type: ignore[attr-defined, no-any-return]
            "var s = document.getElementById('summary'); return s.textContent !== '' && "
            "s.getAttribute('data-pending') === 'false';")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        (root / "search.js").write_bytes(resources.files("dprk_ld.site").joinpath("templates/search.js").read_bytes())
        (root / "claims.html").write_text(PAGE, encoding="utf-8")
        for browser in chromium():
            browser.get((root / "claims.html").as_uri())
            WebDriverWait(browser, 600, 0.05).until(done)
            first = browser.execute_script("return performance.now()")
            browser.get((root / "claims.html").as_uri() + "?q=" + word)
            WebDriverWait(browser, 600, 0.05).until(done)
            searched = browser.execute_script("return performance.now()")
            summary = browser.find_element("id", "summary").text
            print(f"  in Chromium: first page drawn {first:,.0f} ms after navigation; "
                  f"a search for {word!r} ({summary}) {searched:,.0f} ms")


def measure(project: Path | None, browser: bool = False) -> None:
    dataset = load_project(project)
    model = Model(dataset.store, sorted(dataset.files), base=dataset.base)
    start = time.perf_counter()
    index = search_index(model)
    built = time.perf_counter() - start
    script = index_script(index).encode("utf-8")
    start = time.perf_counter()
    files = {name: text.encode("utf-8") for name, text in index_files(index).items()}
    split = time.perf_counter() - start
    first = files.pop("search-index.js")
    parts = list(files.values())
    claims = max(len(index["claims"]), 1)

    def size(data: bytes) -> str:
        return f"{len(data):,} bytes ({len(data) / claims:,.0f} per claim; {len(gzip.compress(data, 6)):,} gzipped)"

    print(f"{dataset.project.root}: {dataset.triples:,} triples, {len(index['claims']):,} claims, "
          f"{len(index['entities']):,} entities; index built in {built:.2f} s, split into files in {split:.2f} s")
    print(f"  one script (before):        {size(script)}")
    print(f"  search-index.js (first):    {size(first)}")
    print(f"  search-text/ ({len(parts)} parts):    {size(b''.join(parts))}; largest part "
          f"{max((len(p) for p in parts), default=0):,} bytes")
    if browser:
        in_browser({"search-index.js": first, **files}, "analogi")


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f}")
    args = [a for a in sys.argv[1:] if a != "--browser"]
    for arg in args or [None]:
        measure(Path(arg) if arg else None, "--browser" in sys.argv[1:])


if __name__ == "__main__":
    main()
