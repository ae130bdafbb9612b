"""Search index figures: build time and size of search-index.js (site/search.py) for a project.

    python benchmarks/synth.py /tmp/big --claims 52000   # a ~1M-triple project shaped like ours
    python benchmarks/search.py [PROJECT ...]            # default: the bundled dataset

Prints, per project: triples, claims, entities, seconds to build the index from the page model,
bytes of the script, and bytes gzipped (what a static host that compresses sends). Record `uptime`
beside the figures: the machine is shared.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from pathlib import Path

from dprk_ld.load import load_project
from dprk_ld.site.model import Model
from dprk_ld.site.search import index_script, search_index


def measure(project: Path | None) -> None:
    dataset = load_project(project)
    model = Model(dataset.store, sorted(dataset.files), base=dataset.base)
    start = time.perf_counter()
    index = search_index(model)
    built = time.perf_counter() - start
    script = index_script(index).encode("utf-8")
    print(f"{dataset.project.root}: {dataset.triples:,} triples, {len(index['claims']):,} claims, "
          f"{len(index['entities']):,} entities; index built in {built:.2f} s; search-index.js "
          f"{len(script):,} bytes ({len(script) / max(len(index['claims']), 1):,.0f} per claim), "
          f"{len(gzip.compress(script, 6)):,} gzipped")


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for arg in sys.argv[1:] or [None]:
        measure(Path(arg) if arg else None)


if __name__ == "__main__":
    main()
