"""SHACL at scale: fast validator vs pyshacl vs Apache Jena SHACL (wall time, peak RSS, findings).

Usage: python benchmarks/validate.py [--sizes 10000,100000,1000000] [--pyshacl-max 200000]

For each size a project is synthesised (benchmarks/synth.py, 3 injected violations of each
kind). Every engine runs in its own subprocess (``--run ENGINE DIR``) which reports its wall
time (load + validate), CPU time (user + system, all threads; the machine may be shared, so
wall times are noisy) and peak RSS (max of itself and its children, from getrusage).
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
    if engine == "fast":  # what `dprk-ld validate --check shacl` runs: strict load, then the fast engine
        from dprk_ld.load import load_project
        from dprk_ld.validate.shacl_fast import validate_dataset

        n = len(validate_dataset(load_project(d), fallback=False)[0])
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
        out = subprocess.run(
            ["java", "-Xmx8g", "-cp", jena_classpath(), "ShaclRun", str(d / "shapes" / "dprk-shapes.ttl"),
             str(d / "ontology"), str(d / "data")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        n = int(out.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - t0
    ru = resource.getrusage
    rss = max(ru(resource.RUSAGE_SELF).ru_maxrss, ru(resource.RUSAGE_CHILDREN).ru_maxrss)
    cpu = sum(r.ru_utime + r.ru_stime for r in (ru(resource.RUSAGE_SELF), ru(resource.RUSAGE_CHILDREN)))
    return {"wall": wall, "cpu": cpu, "rss_mb": rss / 1024, "findings": n}


def _sh(local: str):
    from rdflib import URIRef

    return URIRef("http://www.w3.org/ns/shacl#" + local)


def measure(engine: str, d: Path) -> dict | None:
    p = subprocess.run([sys.executable, __file__, "--run", engine, str(d)], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"  {engine} failed: {p.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


#: Debian's Jena 4.5.0 jars and the libraries they need (Debian's jars carry no Class-Path).
JENA_DEPS = ("commons-lang3 commons-io commons-codec commons-compress commons-csv commons-cli slf4j-api slf4j-nop "
             "dexx.collection gson jsonld-java jackson-core jackson-databind jackson-annotations httpclient httpcore "
             "protobuf guava thrift titanium-json-ld jakarta.json-api").split()


def jena_classpath() -> str:
    java = Path("/usr/share/java")
    jars = sorted(java.glob("jena-*-4*.jar")) + [java / f"{d}.jar" for d in JENA_DEPS]
    return ":".join(map(str, jars)) + f":{JENA_CLASSES / 'fix'}:{JENA_CLASSES}"


def jena_available() -> str | None:
    """None when Jena SHACL can run, else why not.

    Debian's jena-core 4.5.0 relocates its bundled Xerces classes to the package ``xerces.*`` but
    leaves their message bundles under ``org/apache/jena/ext/xerces/``; the regex class then cannot
    find ``xerces.impl.xpath.regex.message``, the xsd pattern facet fails and Jena dies at startup
    ("SchemaDVFactoryImpl ... RuntimeException: internal error"; libxerces2-java does not help: the
    classes are Jena's own copy). The fix: copy those bundles, from the same jar, to ``xerces/``.
    """
    import zipfile

    core = Path("/usr/share/java/jena-core.jar")
    if not list(Path("/usr/share/java").glob("jena-shacl*.jar")) or not core.exists():
        return "Debian package libapache-jena-java (with jena-shacl) is not installed"
    fix = JENA_CLASSES / "fix"
    with zipfile.ZipFile(core) as z:
        for name in z.namelist():
            prefix = "org/apache/jena/ext/xerces/"
            if name.startswith(prefix) and name.endswith(".properties"):
                target = fix / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    src = HERE / "jena" / "ShaclRun.java"
    r = subprocess.run(["javac", "-cp", jena_classpath(), "-d", str(JENA_CLASSES), str(src)], capture_output=True,
                       text=True)
    return None if r.returncode == 0 else f"javac failed: {r.stderr.strip()[-300:]}"


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
    why_not = jena_available()
    jena = why_not is None
    if why_not:
        print(f"Apache Jena SHACL not run: {why_not}")
    last_py: tuple[int, float] | None = None
    print(f"{'triples':>9} {'engine':8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'findings':>8}")
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
                print(f"{triples:>9} {eng:8} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss_mb']:8.0f} {r['findings']:>8}")
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
