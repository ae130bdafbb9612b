"""Where two SHACL engines disagree, result by result, on a generated shape set (benchmarks/shapegen.py).

Usage: python benchmarks/shacl_diff.py --seed 2 --triples 100 [--pyshacl] [--keep]

benchmarks/validate.py compares the engines' numbers of results; this script writes one seed's project,
runs the fast engine (as ``dprk-ld validate`` does), Apache Jena SHACL (benchmarks/jena/ShaclRun.java,
its report written with ``SHACL_REPORT``) and, with ``--pyshacl``, pyshacl, and prints every result
that one engine reports and another does not, as (focus, path, component, severity, value) with its
multiplicity. Source shapes are left out of the comparison: a blank-node shape has no name common to
the engines' reports. Exit status 1 when the engines differ.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import shapegen  # noqa: E402
import validate as bench  # noqa: E402
from rdflib import Graph  # noqa: E402

from dprk_ld.shacl import ShaclResult, results_from_pyshacl  # noqa: E402

Key = tuple[str, str | None, str, str, str | None]


def key(r: ShaclResult) -> Key:
    return (r.focus, r.path, r.component.rsplit("#")[-1], r.severity.rsplit("#")[-1], r.value)


def fast(d: Path) -> Counter[Key]:
    """The results of what ``dprk-ld validate --check shacl`` runs (the data merged into one store)."""
    from dprk_ld.load import load_project
    from dprk_ld.validate.shacl_fast import validate_dataset

    return Counter(key(r) for r in validate_dataset(load_project(d, data="merged"), fallback=False)[1].results)


def jena(d: Path) -> Counter[Key]:
    out = d / "jena-report.nt"
    subprocess.run(["java", "-Xmx8g", "-cp", bench.jena_classpath(), "ShaclRun", str(bench.shapes_file(d)),
                    str(d / "ontology"), str(d / "data")], capture_output=True, text=True, check=True,
                   env={**os.environ, "SHACL_REPORT": str(out)})
    return Counter(key(r) for r in results_from_pyshacl(Graph().parse(out, format="nt")))


def pyshacl_(d: Path) -> Counter[Key]:
    import pyshacl

    g = Graph()
    for sub in ("data", "ontology"):
        for f in sorted((d / sub).iterdir()):
            g.parse(f)
    _, rg, _ = pyshacl.validate(g, shacl_graph=Graph().parse(bench.shapes_file(d)), inference="none",
                                advanced=True)
    return Counter(key(r) for r in results_from_pyshacl(rg))  # type: ignore[arg-type]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--triples", type=int, default=100)
    ap.add_argument("--pyshacl", action="store_true", help="also run pyshacl (slow above ~100k triples)")
    ap.add_argument("--keep", action="store_true", help="keep the generated project (its path is printed)")
    ap.add_argument("--show", type=int, default=10, help="results printed per difference (default 10)")
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix=f"shacl-diff-{a.seed}-"))
    n = shapegen.write_project(d, a.seed, a.triples)
    runs = {"fast": fast(d)}
    why_not = bench.jena_available()
    if why_not is None:
        runs["jena"] = jena(d)
    else:
        print(f"Apache Jena SHACL not run: {why_not}")
    if a.pyshacl:
        runs["pyshacl"] = pyshacl_(d)
    print(f"seed {a.seed}, {n} data triples: " + ", ".join(f"{k} {sum(v.values())} results" for k, v in runs.items()))
    differ = False
    for other in [k for k in runs if k != "fast"]:
        for label, diff in ((f"only fast, not {other}", runs["fast"] - runs[other]),
                            (f"only {other}, not fast", runs[other] - runs["fast"])):
            if diff:
                differ = True
                kinds = Counter((k[1], k[2]) for k in diff.elements())
                print(f"  {label}: {sum(diff.values())} results, by (path, component): {dict(kinds)}")
            for k, times in sorted(diff.items(), key=str)[:a.show]:
                print(f"    {times}x {k}")
    if a.keep:
        print(f"project: {d}")
    else:
        shutil.rmtree(d, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
