"""OWL consistency at scale: HermiT on everything vs rules + sample vs `reasonable` (wall s, peak MB).

Usage: python benchmarks/owl.py [--sizes 10000,100000,1000000] [--timeout 600] [--skip-real]

For each size a project is synthesised with benchmarks/synth.py from our real ontology and
data (its N-Triples data files are renamed to .ttl, which N-Triples is), with 2 injected
violations of each kind plus one explicit disjointness clash (``--violations 0``: none, so
consistent data, HermiT's worst case). Every engine runs in its own
subprocess (``--run ENGINE DIR``) that prints its wall time and peak RSS:

- ``hermit``: HermiT's CLI (``-k --ignoreUnsupportedDatatypes``, the command check_owl runs,
  with ``-Xmx8g`` so that memory is not what stops it) on ontology + all data as N-Triples;
  the N-Triples export is not timed; peak RSS is the JVM's; capped at ``--timeout`` s.
- ``scale``: what ``check_owl`` does above its threshold (rules over the whole store + HermiT
  on ontology + a stratified sample), on a loaded Dataset; load time is reported apart.
- ``reasonable``: OWL 2 RL materialisation of ontology + data with the `reasonable` package,
  then individuals typed with two disjoint classes counted in the materialised triples.

Then the real dataset (``load_project()`` default): ``dprk-ld validate --check owl`` from a
cold start, and the HermiT call alone with the default JVM and with the start-up flags.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
REASONABLE_MAX = 300_000
TRIPLES_PER_CLAIM = 19.2  # measured from synth.py at 10k-1M triples
CLASH = ("<https://w3id.org/dprk-ld/id/x/clash> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
         "<https://w3id.org/dprk-ld/ontology#{}> .\n")


def peak_mb() -> float:
    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kb / 1024


def export_nt(d: Path, out: Path) -> int:
    import pyoxigraph as ox

    n = 0
    with out.open("wb") as f:
        for sub in ("ontology", "data"):
            for path in sorted((d / sub).glob("*.ttl")):
                triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
                ox.serialize(triples, output=f, format=ox.RdfFormat.N_TRIPLES)
                n += len(triples)
    return n


def timed_java(args: list[str], timeout: float) -> dict:
    """Run java under /usr/bin/time; wall s, the JVM's peak MB, and whether it hit the timeout."""
    proc = subprocess.Popen(["/usr/bin/time", "-f", "TIME %e %M", "java", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    t0 = time.perf_counter()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"wall": time.perf_counter() - t0, "peak_mb": None, "result": f"timeout ({timeout:.0f} s cap)"}
    line = next((ln for ln in out.splitlines() if ln.startswith("TIME ")), "TIME 0 0")
    _, wall, kb = line.split()
    result = ("consistent" if "is satisfiable" in out else "inconsistent" if "nconsistent" in out
              else "error: " + next((ln for ln in out.splitlines() if "Exception" in ln or "Error" in ln), "?")[:80])
    return {"wall": float(wall), "peak_mb": int(kb) / 1024, "result": result}


def hermit_args(path: Path, xmx: str = "-Xmx8g", flags: tuple[str, ...] = ()) -> list[str]:
    from owlready2 import reasoning

    return [xmx, *flags, "-cp", reasoning._HERMIT_CLASSPATH, "org.semanticweb.HermiT.cli.CommandLine",
            "-k", "--ignoreUnsupportedDatatypes", path.as_uri()]


def run_engine(engine: str, d: Path, timeout: float) -> dict:
    if engine == "hermit":
        with tempfile.TemporaryDirectory() as tmp:
            nt = Path(tmp) / "all.nt"
            export_nt(d, nt)
            return timed_java(hermit_args(nt), timeout)
    if engine == "scale":
        from dprk_ld.load import load_project
        from dprk_ld.validate import owl, owl_rules

        t0 = time.perf_counter()
        ds = load_project(d)
        t1 = time.perf_counter()
        rules = owl_rules.all_clashes(ds, owl_rules.TBox.of(ds))
        t2 = time.perf_counter()
        findings, detail = owl.check_owl_detailed(ds, threshold=0)
        t3 = time.perf_counter()
        return {"wall": t3 - t2, "load": t1 - t0, "rules": t2 - t1, "peak_mb": peak_mb(),
                "result": f"{len(findings)} findings ({len(rules)} from rules)", "detail": detail}
    # reasonable: 125 s and 4.5 GB at 100k triples here, so above REASONABLE_MAX it would not fit in 24 GB
    size = sum(1 for path in (d / "data").glob("*.ttl") for _ in path.open("rb"))
    if size > REASONABLE_MAX:
        return {"wall": None, "peak_mb": None, "result": f"not run: over {REASONABLE_MAX:,} data lines "
                "(memory grows ~45 MB per 1,000 triples)"}
    try:
        import reasonable  # not a dependency: `pip install reasonable` to measure it
    except ImportError:
        return {"wall": None, "peak_mb": None, "result": "not run: `pip install reasonable`"}
    from rdflib import OWL, RDF, Graph
    from rdflib.collection import Collection

    t0 = time.perf_counter()
    r = reasonable.PyReasoner()
    for sub in ("ontology", "data"):
        for path in sorted((d / sub).glob("*.ttl")):
            r.load_file(str(path))
    out = r.reason()
    t1 = time.perf_counter()
    onto = Graph()
    for path in sorted((d / "ontology").glob("*.ttl")):
        onto.parse(path)
    disjoint: dict = {}
    for a, b in onto.subject_objects(OWL.disjointWith):
        disjoint.setdefault(a, set()).add(b)
    for node in onto.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(onto, onto.value(node, OWL.members)))
        for a in members:
            disjoint.setdefault(a, set()).update(m for m in members if m != a)
    types: dict = {}
    for s, p, o in out:
        if p == RDF.type and o in disjoint:
            types.setdefault(s, set()).add(o)
    clashes = sum(1 for ts in types.values() if any(disjoint[t] & ts for t in ts))
    nothing = sum(1 for s, p, o in out if p == RDF.type and o == OWL.Nothing)
    return {"wall": time.perf_counter() - t0, "reason": t1 - t0, "peak_mb": peak_mb(),
            "result": f"{len(out):,} triples out; {clashes} individuals in disjoint classes; "
                      f"{nothing} typed owl:Nothing"}


def subprocess_run(engine: str, d: Path, timeout: float) -> dict:
    try:
        out = subprocess.run([sys.executable, __file__, "--run", engine, str(d), "--timeout", str(timeout)],
                             capture_output=True, text=True, timeout=timeout + 120)
    except subprocess.TimeoutExpired:
        return {"wall": timeout + 120, "peak_mb": None, "result": "timeout"}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"wall": None, "peak_mb": None, "result": "failed: " + last[:100]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_project(size: int, root: Path, violations: int = 2) -> tuple[Path, int]:
    d = root / f"p{size}"
    claims = max(1, round(size / TRIPLES_PER_CLAIM))
    subprocess.run([sys.executable, str(HERE / "synth.py"), str(d), "--claims", str(claims),
                    "--violations", str(violations)], check=True, capture_output=True)
    for nt in (d / "data").glob("*.nt"):
        nt.rename(nt.with_suffix(".ttl"))
    if violations:
        with (d / "data" / "part00.ttl").open("a") as f:
            f.write(CLASH.format("Person") + CLASH.format("Organisation"))
    return d, export_nt(d, root / "count.nt")


def fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def real_dataset(repeats: int) -> None:
    from dprk_ld.load import load_project
    from dprk_ld.validate import owl

    cli = str(Path(sys.executable).with_name("dprk-ld"))
    walls = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([cli, "validate", "--check", "owl"], capture_output=True)
        walls.append(time.perf_counter() - t0)
    ds = load_project()
    print(f"\nreal dataset ({ds.triples:,} triples), median of {repeats}:")
    print(f"| `dprk-ld validate --check owl`, cold | {statistics.median(walls):.2f} s |")
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "real.nt"
        with nt.open("wb") as out:
            owl._write_ntriples(ds, ds.graphs_of("ontology", "data"), out)
        for label, flags in (("default JVM", ()), ("-XX:TieredStopAtLevel=1", ("-XX:TieredStopAtLevel=1",)),
                             ("quick flags " + " ".join(owl.QUICK_JVM_FLAGS), owl.QUICK_JVM_FLAGS)):
            runs = [timed_java(hermit_args(nt, "-Xmx2000M", flags), 120) for _ in range(repeats)]
            print(f"| HermiT alone, {label} | {statistics.median(r['wall'] for r in runs):.2f} s | "
                  f"{statistics.median(r['peak_mb'] for r in runs):.0f} MB |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--engines", default="hermit,scale,reasonable")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--violations", type=int, default=2, help="per kind; 0: consistent data, no clash")
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--run", nargs=2, metavar=("ENGINE", "DIR"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.run:
        print(json.dumps(run_engine(a.run[0], Path(a.run[1]), a.timeout)))
        return
    print("| triples | strategy | wall s | peak MB | result |")
    print("| ---: | --- | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory(prefix="dprk-ld-owl-bench-") as tmp:
        for size in (int(s) for s in a.sizes.split(",")):
            d, n = make_project(size, Path(tmp), a.violations)
            for engine in a.engines.split(","):
                r = subprocess_run(engine, d, a.timeout)
                extra = ""
                if engine == "scale" and r.get("load") is not None:
                    extra = f" (load {r['load']:.1f} s apart; rules {r['rules']:.1f} s)"
                if engine == "reasonable" and r.get("reason") is not None:
                    extra = f" (materialisation {r['reason']:.1f} s)"
                print(f"| {n:,} | {engine} | {fmt(r['wall'])} | {fmt(r['peak_mb'], 0)} | {r['result']}{extra} |",
                      flush=True)
    if not a.skip_real:
        real_dataset(a.repeats)


if __name__ == "__main__":
    main()
