"""SHACL at scale: the fast engine vs pyshacl vs Apache Jena SHACL (wall time, peak RSS, findings).

Usage: python benchmarks/validate.py [--sizes 1000000] [--seeds 5] [--sets gen,ours,ours-ttl] [--pyshacl-max 200000]
       [--pyshacl-seeds 1 | --pyshacl-sets ours]

Shape sets: ``gen`` — one project per seed from benchmarks/shapegen.py (random shape sets nobody
tuned the engine for, SHACL-SPARQL included, data with injected violations); ``ours`` — the
project's own shapes on data shaped like ours (benchmarks/synth.py, 3 injected violations of each
kind), its data files written as N-Triples lines; ``ours-ttl`` — the same triples written as prefixed
Turtle, as a curator writes it (no file then takes the N-Triples parser, see ``dprk_ld.load.parse_turtle``).
Every engine runs in its own subprocess (``--run ENGINE DIR``) which reports its wall time
(``fast`` is the command ``dprk-ld validate --check shacl --engine fast --format json`` as a process of its own,
as Jena's run is: start-up, strict load, validation, every finding located at file:line and the report written),
CPU time (user + system, all threads) and peak RSS (max of itself and its children, from getrusage). The machine may be
shared: compare the ratios, taken within one run (``jena/fast`` per shape set, and their median over the
seeds), and note the load printed. pyshacl runs with inference "none" and gets data + ontology as one
graph; above ``--pyshacl-max`` triples it runs on the first seeds only (``--pyshacl-seeds``), or on the
sets named by ``--pyshacl-sets``. OWL reasoning is not part of any figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))  # tests.jena: the Jena classpath fix shared with the tests
JENA_CLASSES = Path(tempfile.gettempdir()) / "dprk-ld-jena-classes"


def shapes_file(d: Path) -> Path:
    return sorted((d / "shapes").glob("*.ttl"))[0]


def run_engine(engine: str, d: Path) -> dict:
    t0 = time.perf_counter()
    if engine == "fast":  # the command itself, a process of its own as Jena's: its wall time is the user's
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
            p = subprocess.run([sys.executable, "-m", "dprk_ld", "validate", "--project", str(d), "--check", "shacl",
                                "--engine", "fast", "--format", "json", "-o", str(out)],
                               env=env, capture_output=True, text=True)
            if p.returncode not in (0, 1):  # 0 conforms, 1 findings; anything else is a failure
                raise SystemExit(f"dprk-ld validate exited {p.returncode}: {p.stderr.strip()[-300:]}")
            n = len([f for f in json.loads(out.read_text())["findings"] if f["check"] == "shacl"])
    elif engine == "pyshacl":
        import pyshacl
        from rdflib import Graph

        g = Graph()
        for sub in ("data", "ontology"):
            for f in sorted((d / sub).iterdir()):
                g.parse(f)
        shapes = Graph().parse(shapes_file(d))
        _, rg, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True)
        n = len(list(rg.objects(None, _sh("result"))))
    else:  # jena
        out = subprocess.run(
            ["java", "-Xmx8g", "-cp", jena_classpath(), "ShaclRun", str(shapes_file(d)),
             str(d / "ontology"), str(d / "data")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        n = int(out.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - t0
    ru = resource.getrusage
    rss = max(_peak_kb(), ru(resource.RUSAGE_CHILDREN).ru_maxrss)
    cpu = sum(r.ru_utime + r.ru_stime for r in (ru(resource.RUSAGE_SELF), ru(resource.RUSAGE_CHILDREN)))
    return {"wall": wall, "cpu": cpu, "rss_mb": rss / 1024, "findings": n}


def _peak_kb() -> int:
    """This process's peak resident set (VmHWM). Not getrusage's ru_maxrss: Linux keeps that across
    exec, so a child forked from this script after it generated 1M triples (about 760 MB) reported at
    least the parent's size (every fast run read 762 MB in one run, against 630 MB measured alone)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: as before


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
    core = Path("/usr/share/java/jena-core.jar")
    if not list(Path("/usr/share/java").glob("jena-shacl*.jar")) or not core.exists():
        return "Debian package libapache-jena-java (with jena-shacl) is not installed"
    from tests.jena import xerces_bundles

    xerces_bundles(core, JENA_CLASSES / "fix")
    src = HERE / "jena" / "ShaclRun.java"
    r = subprocess.run(["javac", "-cp", jena_classpath(), "-d", str(JENA_CLASSES), str(src)], capture_output=True,
                       text=True)
    return None if r.returncode == 0 else f"javac failed: {r.stderr.strip()[-300:]}"


def _load(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sets", default="gen,ours,ours-ttl", help="comma-separated: gen, ours, ours-ttl")
    ap.add_argument("--pyshacl-max", type=int, default=200000)
    ap.add_argument("--pyshacl-seeds", type=int, default=1)
    ap.add_argument("--pyshacl-sets", default=None,
                    help="comma-separated labels (ours, gen:1, ...) that get pyshacl above --pyshacl-max, "
                         "instead of the first --pyshacl-seeds seeds")
    ap.add_argument("--run", nargs=2, metavar=("ENGINE", "DIR"))
    a = ap.parse_args()
    if a.run:
        print(json.dumps(run_engine(a.run[0], Path(a.run[1]))))
        return
    synth, shapegen = _load("synth"), _load("shapegen")
    why_not = jena_available()
    if why_not:
        print(f"Apache Jena SHACL not run: {why_not}")
    print(f"load at start: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} cores")
    print(f"{'triples':>9} {'shapes':10} {'engine':8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'findings':>8}")
    for size in (int(s) for s in a.sizes.split(",")):
        ratios: dict[str, list[float]] = {}
        per_engine: dict[str, list[dict]] = {}  # "gen fast" -> the rows of every seed
        sets = a.sets.split(",")
        todo = [x for x in ("ours", "ours-ttl") if x in sets] + ([f"gen:{k}" for k in range(1, a.seeds + 1)]
                                                                 if "gen" in sets else [])
        for label in todo:  # each project generated just before it is measured, removed after
            seed = int(label.split(":")[1]) if ":" in label else 1
            d = Path(tempfile.mkdtemp(prefix=f"{label.replace(':', '')}-{size}-"))
            triples = (shapegen.write_project(d, seed, size) if label.startswith("gen")
                       else synth.synth(d, claims=max(1, size // 20), violations=3, seed=1,
                                        turtle=label == "ours-ttl"))
            rows: dict[str, dict | None] = {"fast": measure("fast", d)}
            if why_not is None:
                rows["jena"] = measure("jena", d)
            big_ok = label in a.pyshacl_sets.split(",") if a.pyshacl_sets is not None else seed <= a.pyshacl_seeds
            if triples <= a.pyshacl_max or big_ok:
                rows["pyshacl"] = measure("pyshacl", d)
            for eng, r in rows.items():
                if r:
                    per_engine.setdefault(f"{'gen' if label.startswith('gen') else label} {eng}", []).append(r)
                    print(f"{triples:>9} {label:10} {eng:8} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss_mb']:8.0f} "
                          f"{r['findings']:>8}", flush=True)
            fast = rows["fast"]
            for other in ("jena", "pyshacl"):
                if fast and rows.get(other):
                    ratio = rows[other]["wall"] / fast["wall"]  # type: ignore[index]
                    ratios.setdefault(f"{'gen' if label.startswith('gen') else label} {other}/fast", []).append(ratio)
                    same = "same findings" if rows[other]["findings"] == fast["findings"] else "FINDINGS DIFFER"  # type: ignore[index]
                    cpu = rows[other]["cpu"] / fast["cpu"]  # type: ignore[index]
                    ratios.setdefault(f"{'gen' if label.startswith('gen') else label} {other}/fast cpu", []).append(cpu)
                    print(f"{'':>9} {label:10} {other}/fast = {ratio:.2f}x wall, {cpu:.2f}x cpu ({same})")
            print(f"{'':>9} load now: {os.getloadavg()[0]:.1f}", flush=True)
            shutil.rmtree(d, ignore_errors=True)
        for k, rs in per_engine.items():
            print(f"{size:>9} {k}: median over {len(rs)} shape set(s): wall {_median([r['wall'] for r in rs]):.2f} s, "
                  f"cpu {_median([r['cpu'] for r in rs]):.2f} s, peak {max(r['rss_mb'] for r in rs):.0f} MB (max)")
        for k, xs in ratios.items():
            each = ", ".join(f"{x:.2f}" for x in xs)
            print(f"{size:>9} {k}: median {_median(xs):.2f}x over {len(xs)} shape set(s) ({each})")


if __name__ == "__main__":
    main()
