"""The SHACL engine alone: ``validate_store`` on a project already loaded, several times in one process.

`benchmarks/validate.py` times whole processes (imports, load, validation, findings). This script
times only the engine, on the store `dprk-ld validate --check shacl` builds (the data files merged into
one store, the ontology's part added), so a change to the engine can be compared run against run with
the load's noise left out. It prints, per thread count, the minimum and median wall and CPU seconds
over ``--runs`` runs, and with ``--top K`` the K slowest queries of the last one-thread run.

    python benchmarks/validate.py ...            # makes projects; or any project directory
    python benchmarks/shacl_engine.py DIR [--runs 3] [--threads 1,2] [--top 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--top", type=int, default=0, help="print the slowest queries of the last 1-thread run")
    a = ap.parse_args()

    import pyoxigraph as ox

    from dprk_ld.load import load_project
    from dprk_ld.shacl import engine
    from dprk_ld.validate import shacl_fast

    dataset = load_project(a.project, data="merged")
    shapes, store = dataset.shapes, dataset.take_merged()
    assert store is not None
    extra = dataset.store.query(shacl_fast.ontology_part(dataset.graphs_of("ontology")))
    store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in extra])  # type: ignore[union-attr]
    print(f"{a.project}: {len(store)} quads")

    timed: list[tuple[float, str, str, int, str]] = []
    real = engine.Validator.results_of

    def results_of(self: engine.Validator, s, query, strings, times):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = real(self, s, query, strings, times)
        timed.append((time.perf_counter() - t0, query.component.rsplit("#", 1)[-1], str(s.key), len(out), query.text))
        return out

    for threads in (int(t) for t in a.threads.split(",")):
        walls, cpus = [], []
        for _ in range(a.runs):
            timed.clear()
            if threads == 1 and a.top:
                engine.Validator.results_of = results_of  # type: ignore[method-assign]
            w, c = time.perf_counter(), time.process_time()
            report = engine.validate_store(store, shapes, None, None, wrap=False, fallback=False, threads=threads)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            engine.Validator.results_of = real  # type: ignore[method-assign]
        print(f"threads {threads}: wall min {min(walls):.2f} median {statistics.median(walls):.2f} s, "
              f"cpu min {min(cpus):.2f} median {statistics.median(cpus):.2f} s, {len(report.results)} results")
        if threads == 1 and a.top and timed:
            print(f"  {len(timed)} queries, {sum(t[0] for t in timed):.2f} s; the slowest:")
            for secs, comp, shape, n, text in sorted(timed, reverse=True)[: a.top]:
                print(f"  {secs:6.3f} s {n:7} results  {comp or '(merged)'}  {shape}\n           {text[:160]}")


if __name__ == "__main__":
    main()
