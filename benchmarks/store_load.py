"""Store.load against Store.bulk_load for pyoxigraph's in-memory store: load time, peak memory, and the
time of the same queries on the store each one builds.

Why it exists: ``dprk_ld.load`` used ``bulk_load`` for speed. Measured on pyoxigraph 0.5, the in-memory
``load`` (one transaction per file) was faster to load, peaked lower, and its store answered
queries faster, so the project now uses ``load``. This script shows the comparison on any project's
data files, each method in a fresh process (its own peak, no shared heap).

    python benchmarks/store_load.py DIR [--runs 3]      # DIR: a project (its data/*.ttl are loaded)
    python benchmarks/store_load.py FILE.nq [--runs 3]  # an N-Quads dump, loaded by path as a serve worker does

Prints one JSON line per method: load wall seconds, VmHWM in MB, triples, and the median wall seconds
of each query over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: queries that make the store enumerate, join and group; no vocabulary of ours, so any data will do
QUERIES = {
    "typed": "SELECT ?s ?c WHERE { ?s a ?c }",
    "join": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c . ?s ?p ?o }",
    "group": "SELECT ?s (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING(COUNT(DISTINCT ?o) > 1000)",
}
METHODS = ("load", "bulk_load")


def _kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(project: Path, method: str, runs: int) -> dict[str, object]:
    """Load ``project``'s data files with ``Store.<method>`` into one default graph (an ``.nq`` file: by path, its
    graphs as they are), then time :data:`QUERIES` (on the union of the graphs)."""
    import pyoxigraph as ox

    store = ox.Store()
    if project.suffix == ".nq":
        files = [project]
        started = time.perf_counter()
        getattr(store, method)(path=str(project), format=ox.RdfFormat.N_QUADS)
    else:
        files = sorted((project / "data").rglob("*.ttl"))
        raws = [f.read_bytes() for f in files]
        started = time.perf_counter()
        for f, raw in zip(files, raws, strict=True):
            getattr(store, method)(raw, format=ox.RdfFormat.TURTLE, base_iri=f.resolve().as_uri())
    load_s = time.perf_counter() - started
    out: dict[str, object] = {"method": method, "files": len(files), "triples": len(store),
                              "load_s": round(load_s, 2), "peak_mb": _kb("VmHWM") // 1024}
    for name, text in QUERIES.items():
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            for _row in store.query(text, use_default_graph_as_union=True):
                pass
            samples.append(time.perf_counter() - t0)
        out[name + "_s"] = round(statistics.median(samples), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--method", choices=METHODS, help=argparse.SUPPRESS)  # one measurement, in this process
    args = ap.parse_args()
    if args.method:
        print(json.dumps(measure(args.project, args.method, args.runs)))
        return
    for method in METHODS:
        subprocess.run([sys.executable, __file__, str(args.project), "--runs", str(args.runs), "--method", method],
                       check=True)


if __name__ == "__main__":
    main()
