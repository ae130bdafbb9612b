"""SHACL at scale: fast validator vs pyshacl vs Apache Jena SHACL (wall time, peak RSS, findings).

Usage: python benchmarks/validate.py [--sizes 10000,100000,1000000] [--pyshacl-max 200000]

For each size a project is synthesised (benchmarks/synth.py, 3 injected violations of each
kind). Every engine runs in its own subprocess (``--run ENGINE DIR``) which reports its wall
time (load + validate) and peak RSS (max of itself and its children, from getrusage).
pyshacl runs with inference "none" and gets data + ontology as one graph; above
``--pyshacl-max`` triples it is not run and its time is extrapolated linearly from the
largest measured size (labelled as such). OWL reasoning is not part of any figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
JENA_CLASSES = Path(tempfile.gettempdir()) / "dprk-ld-jena-classes"


def run_engine(engine: str, d: Path) -> dict:
    t0 = time.perf_counter()
    if engine == "fast":
        import pyoxigraph as ox
        from rdflib import Graph

        from dprk_ld.validate.fastshacl import load_file, validate_store

        store = ox.Store()
        for f in sorted((d / "data").iterdir()):
            load_file(store, f, f.as_uri())
        for f in sorted((d / "ontology").iterdir()):
            load_file(store, f, "urn:x-bench:ontology")
        shapes = Graph().parse(d / "shapes" / "dprk-shapes.ttl")
        n = len(validate_store(store, shapes, None, "urn:x-bench:ontology").results)
    elif engine == "pyshacl":
        import pyshacl
        from rdflib import Graph

        g = Graph()
        for sub in ("data", "ontology"):
            for f in sorted((d / sub).iterdir()):
                g.parse(f)
        shapes = Graph().parse(d / "shapes" / "dprk-shapes.ttl")
        _, rg, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none")
        n = len(list(rg.objects(None, _sh("result"))))
    else:  # jena
        cp = ":".join(str(p) for p in sorted(Path("/usr/share/java").glob("*.jar"))) + f":{JENA_CLASSES}"
        out = subprocess.run(
            ["java", "-Xmx8g", "-cp", cp, "ShaclRun", str(d / "shapes" / "dprk-shapes.ttl"),
             str(d / "ontology"), str(d / "data")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        n = int(out.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - t0
    ru = resource.getrusage
    rss = max(ru(resource.RUSAGE_SELF).ru_maxrss, ru(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"wall": wall, "rss_mb": rss / 1024, "findings": n}


def _sh(local: str):
    from rdflib import URIRef

    return URIRef("http://www.w3.org/ns/shacl#" + local)


def measure(engine: str, d: Path) -> dict | None:
    p = subprocess.run([sys.executable, __file__, "--run", engine, str(d)], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"  {engine} failed: {p.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def jena_available() -> bool:
    src = HERE / "jena" / "ShaclRun.java"
    if not list(Path("/usr/share/java").glob("jena-shacl*.jar")):
        return False
    JENA_CLASSES.mkdir(exist_ok=True)
    r = subprocess.run(["javac", "-cp", "/usr/share/java/*", "-d", str(JENA_CLASSES), str(src)], capture_output=True)
    return r.returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--pyshacl-max", type=int, default=200000)
    ap.add_argument("--run", nargs=2, metavar=("ENGINE", "DIR"))
    a = ap.parse_args()
    if a.run:
        print(json.dumps(run_engine(a.run[0], Path(a.run[1]))))
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", HERE / "synth.py")
    synth = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(synth)  # type: ignore[union-attr]
    jena = jena_available()
    last_py: tuple[int, float] | None = None
    print(f"{'triples':>9} {'engine':8} {'wall s':>8} {'peak MB':>8} {'findings':>8}")
    for size in (int(s) for s in a.sizes.split(",")):
        d = Path(tempfile.mkdtemp(prefix=f"synth{size}-"))
        triples = synth.synth(d, claims=max(1, size // 20), violations=3, seed=1)
        rows: dict[str, dict | None] = {"fast": measure("fast", d)}
        if triples <= a.pyshacl_max:
            rows["pyshacl"] = measure("pyshacl", d)
            if rows["pyshacl"]:
                last_py = (triples, rows["pyshacl"]["wall"])
        if jena:
            rows["jena"] = measure("jena", d)
        for eng, r in rows.items():
            if r:
                print(f"{triples:>9} {eng:8} {r['wall']:8.2f} {r['rss_mb']:8.0f} {r['findings']:>8}")
        fast = rows["fast"]
        if fast and rows.get("pyshacl"):
            print(f"{'':>9} ratio pyshacl/fast = {rows['pyshacl']['wall'] / fast['wall']:.1f}x")  # type: ignore[index]
        elif fast and last_py:
            est = last_py[1] * triples / last_py[0]
            print(f"{'':>9} pyshacl EXTRAPOLATED (linear) ~{est:.0f} s -> ratio ~{est / fast['wall']:.0f}x")
        if fast and rows.get("jena"):
            print(f"{'':>9} ratio jena/fast = {rows['jena']['wall'] / fast['wall']:.1f}x")  # type: ignore[index]
        sys.stdout.flush()


if __name__ == "__main__":
    main()
