"""Search index figures: build time and size of search-index.js (site/search.py) for a project.

    python benchmarks/synth.py /tmp/big --claims 52000   # a ~1M-triple project shaped like ours
    python benchmarks/search.py [PROJECT ...]            # default: the bundled dataset

Prints, per project: triples, claims, entities, seconds to build the index from the page model, and
bytes (and gzipped, what a static host that compresses sends) of: the whole index as one script (as
releases shipped it before), the first file the claim browser reads (``search-index.js``: no glosses, no
quotes, facet values numbered) and the text parts (``search-text/N.js``, read only when a search has words
or for the claims on the page shown). Record `uptime` beside the figures: the machine is shared.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from pathlib import Path

from dprk_ld.load import load_project
from dprk_ld.site.model import Model
from dprk_ld.site.search import index_files, index_script, search_index


def measure(project: Path | None) -> None:
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


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for arg in sys.argv[1:] or [None]:
        measure(Path(arg) if arg else None)


if __name__ == "__main__":
    main()
