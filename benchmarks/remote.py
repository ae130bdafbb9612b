"""Validation where the data is: ``validate --endpoint`` on an Oxigraph server vs the embedded run vs Trav-SHACL.

Usage: python benchmarks/remote.py [--sizes 1000000,10000000] [--embedded-max 2000000] [--travshacl PYTHON]
                                   [--workdir DIR] [--keep] [--reuse] [--kinds endpoint,embedded]

For each size a project is synthesised (benchmarks/synth.py, 3 injected violations of each kind; the
synthesis holds the triples in memory: about 8 GB at 10M) and bulk-loaded with the ``oxigraph`` wheel's
``oxigraph load --location DIR --graph G`` (one named graph per file, as ``dprk-ld load`` lays them out),
then served by ``oxigraph serve --location DIR`` (RocksDB on disk; at 1M its queries ran faster than an
in-memory server's). Then, each in its own subprocess (``--run KIND DIR URL``), which reports its wall
time and peak RSS (VmHWM):

- ``endpoint``: ``dprk-ld validate --endpoint`` with the project's files for file:line (every check
  but owl and coverage: HermiT is local and needs Java; coverage needs the articles);
- ``embedded``: the embedded ``dprk-ld validate`` with the same checks (sizes up to ``--embedded-max``);
- ``travshacl``: Trav-SHACL (PyPI ``travshacl``; run with ``--travshacl PYTHON``, the interpreter of
  a venv that has it) on the same endpoint, with the part of our shapes it can express (node shapes
  whose target class has no subclass, their ``sh:minCount``/``sh:maxCount`` on predicate paths),
  compared with our engine on the same reduced shapes (``endpoint-subset``).

The server's peak RSS (VmHWM) is read after each run; a fresh server (and store) per size. Findings
are compared as sorted (check, severity, focus, path, component, value, file, line) tuples. The
project and the store go under ``--workdir`` (default: a temporary directory; 10M triples need about
5 GB there) and are removed afterwards unless ``--keep``; ``--reuse`` then measures again on them, without
synthesising and loading again (the synthesis and load times printed are the first run's).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))
CHECKS = ("shacl", "shapes", "vocabulary", "ontology", "citations", "queries")
SH = "http://www.w3.org/ns/shacl#"


def _key(f: dict) -> str:
    return json.dumps([f.get(k) for k in ("check", "severity", "focus", "path", "component", "value", "file",
                                          "line", "message", "shape")], sort_keys=True)


def run_kind(kind: str, d: Path, url: str) -> dict:
    t0 = time.perf_counter()
    extra: dict = {}
    if kind == "endpoint":
        from dprk_ld.project import find_project
        from dprk_ld.remote import open_remote
        from dprk_ld.validate.remote import validate_endpoint

        ds = open_remote(url, (), find_project(d), timeout=1800)
        report = validate_endpoint(ds, checks=CHECKS)
        extra = {"requests": ds.endpoint.stats.requests, "rows": ds.endpoint.stats.rows,
                 "pages": ds.endpoint.stats.pages}
        findings = [vars(f) for f in report.findings]
        extra["checks"] = {c.name: round(c.seconds, 2) for c in report.checks}
    elif kind == "embedded":
        from dprk_ld.load import load_project
        from dprk_ld.validate import validate

        report = validate(load_project(d), checks=CHECKS)
        findings = [vars(f) for f in report.findings]
        extra["checks"] = {c.name: round(c.seconds, 2) for c in report.checks}
    elif kind == "endpoint-subset":
        from rdflib import Graph, URIRef

        from dprk_ld.remote import Endpoint
        from dprk_ld.shacl.remote import validate_remote

        ep = Endpoint(url)
        shapes = Graph().parse(trav(d) / "shapes.ttl")
        from dprk_ld.shacl import shape_key

        rep = validate_remote(lambda text: ep.select_paged(text), shapes)
        top = {shape_key(shapes, b): str(n) for n, b in shapes.subject_objects(URIRef(SH + "property"))}
        findings = [{"check": "invalid", "focus": r.focus[1:-1], "shape": top.get(r.source_shape, r.source_shape)}
                    for r in rep.results]
    else:  # travshacl, in the interpreter given with --travshacl
        out = trav(d).with_name(trav(d).name + "-out")
        code = (
            "import sys; from TravSHACL import GraphTraversal, ShapeSchema\n"
            f"s = ShapeSchema(schema_dir={str(trav(d))!r}, schema_format='SHACL', endpoint={url!r}, "
            "graph_traversal=GraphTraversal.DFS, heuristics={'target': True, 'degree': 'in', 'properties': 'big'}, "
            f"use_selective_queries=True, max_split_size=256, output_dir={str(out)!r}, order_by_in_queries=False, "
            "save_outputs=False)\n"
            "r = s.validate()\n"
            "import json; print(json.dumps({sh: {k: [list(x) for x in v] for k, v in res.items()} "
            "for sh, res in r.items()}, default=str))\n")
        proc = subprocess.run([os.environ["TRAVSHACL_PYTHON"], "-c", code], capture_output=True, text=True,
                              check=True)
        raw = json.loads(proc.stdout.strip().splitlines()[-1])
        findings = []
        for shape, res in raw.items():
            for inst in res.get("invalid_instances", []):
                focus = inst[1] if isinstance(inst, list) and len(inst) > 1 else inst
                findings.append({"check": "invalid", "focus": str(focus).strip("<>"), "shape": shape.strip("<>")})
    wall = time.perf_counter() - t0
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so this process would
    # report the benchmark driver's own peak (it loaded the project to push it into the server)
    own = int(next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM:")).split()[1])
    rss = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"wall": wall, "rss_mb": rss / 1024, "findings": sorted({_key(f) for f in findings}), **extra}


def trav(d: Path) -> Path:
    """Where the reduced shapes go (outside the project, which may hold no stray Turtle)."""
    return d.with_name(d.name + "-trav")


def subset_shapes(d: Path) -> int:
    """Write the part of the shapes Trav-SHACL can express (see the module docstring); return its shapes."""
    from rdflib import BNode, Graph, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS

    sh = Namespace(SH)
    shapes = Graph().parse(d / "shapes" / "dprk-shapes.ttl")
    onto = Graph()
    for f in (d / "ontology").glob("*.ttl"):
        onto.parse(f)
    has_sub = {o for o in onto.objects(None, RDFS.subClassOf)}
    out, n = Graph(), 0
    for node, cls in shapes.subject_objects(sh.targetClass):
        if not isinstance(node, URIRef) or cls in has_sub:
            continue
        props = []
        for p in shapes.objects(node, sh.property):
            path = shapes.value(p, sh.path)
            mins, maxs = shapes.value(p, sh.minCount), shapes.value(p, sh.maxCount)
            if isinstance(path, URIRef) and (mins is not None or maxs is not None):
                props.append((path, mins, maxs))
        if not props:
            continue
        n += 1
        out.add((node, RDF.type, sh.NodeShape))
        out.add((node, sh.targetClass, cls))
        for path, mins, maxs in props:
            b = BNode()
            out.add((node, sh.property, b))
            out.add((b, sh.path, path))
            if mins is not None:
                out.add((b, sh.minCount, mins))
            if maxs is not None:
                out.add((b, sh.maxCount, maxs))
    trav(d).mkdir(exist_ok=True)
    out.serialize(trav(d) / "shapes.ttl", format="turtle")
    return n


def server_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(kind: str, d: Path, url: str) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, "--run", kind, str(d), url], capture_output=True, text=True,
                          env={**os.environ})
    if proc.returncode != 0:
        print(f"  {kind} failed: {proc.stderr[-1500:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--embedded-max", type=int, default=2_000_000)
    ap.add_argument("--travshacl", metavar="PYTHON", help="a Python interpreter with travshacl installed")
    ap.add_argument("--kinds", default="endpoint,embedded", help="runs to make (travshacl adds its two)")
    ap.add_argument("--workdir", type=Path, help="where projects and stores go (default: a temporary dir)")
    ap.add_argument("--keep", action="store_true", help="keep the projects and stores")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse a project and store that an earlier --keep run left complete under --workdir")
    ap.add_argument("--run", nargs=3, metavar=("KIND", "DIR", "URL"))
    a = ap.parse_args()
    if a.run:
        print(json.dumps(run_kind(a.run[0], Path(a.run[1]), a.run[2])))
        return
    import shutil

    from dprk_ld.load import GRAPH_BASE
    from tests.conftest import benchmark_module
    from tests.servers import free_port, oxigraph_binary, wait_until_up

    synth = benchmark_module("synth")
    binary = oxigraph_binary()
    if binary is None:
        sys.exit("the oxigraph server is not installed (pip install oxigraph)")
    print(f"uptime: {os.popen('uptime').read().strip()}")
    rows = []
    work = a.workdir or Path(tempfile.mkdtemp(prefix="remote-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in [int(x) for x in a.sizes.split(",")]:
        d, db = work / f"project{size}", work / f"store{size}"
        done = work / f"complete{size}.json"  # written once synthesis and loading finished
        if a.reuse and done.exists():
            triples, synth_s, load_s = json.loads(done.read_text())
        else:
            done.unlink(missing_ok=True)
            shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(db, ignore_errors=True)
            t0 = time.perf_counter()
            triples = synth.synth(d, claims=max(1, size // 20), violations=3, seed=1)
            synth_s = time.perf_counter() - t0
            subset_shapes(d)
            t0 = time.perf_counter()
            for f in sorted(d.rglob("*.ttl")):  # the bulk loader, one named graph per file
                subprocess.run([binary, "load", "--location", str(db), "--file", str(f), "--graph",
                                GRAPH_BASE + f.relative_to(d).as_posix()], check=True, capture_output=True)
            load_s = time.perf_counter() - t0
            done.write_text(json.dumps([triples, synth_s, load_s]))
        port = free_port()
        # the union default graph: Trav-SHACL (and our engine on its subset) query the default graph;
        # validate --endpoint names its graphs in every request, so the setting does not change its answers
        server = subprocess.Popen([binary, "serve", "--location", str(db), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/query"
        try:
            wait_until_up(server, url, "oxigraph", None, 120)
            disk = sum(x.stat().st_size for x in db.rglob("*") if x.is_file()) / 2**20
            print(f"{triples:,} triples: synthesised in {synth_s:.0f} s, bulk-loaded in {load_s:.0f} s "
                  f"(store {disk:,.0f} MB on disk)", flush=True)
            results = {}
            kinds = [k for k in a.kinds.split(",") if k != "embedded" or size <= a.embedded_max]
            if a.travshacl:
                os.environ["TRAVSHACL_PYTHON"] = a.travshacl
                kinds += ["endpoint-subset", "travshacl"]
            for kind in kinds:
                r = measure(kind, d, url)
                if r is None:
                    continue
                r["server_mb"] = server_hwm_mb(server.pid)
                results[kind] = r
                print(f"  {kind:16} wall {r['wall']:7.1f} s  client {r['rss_mb']:6.0f} MB  server peak "
                      f"{r['server_mb']:6.0f} MB  findings {len(r['findings']):,}  "
                      f"{ {k: v for k, v in r.items() if k in ('checks', 'requests', 'pages')} }", flush=True)
                print(f"  uptime: {os.popen('uptime').read().strip()}", flush=True)
            same = ("endpoint" in results and "embedded" in results
                    and results["endpoint"]["findings"] == results["embedded"]["findings"])
            trav_same = ("travshacl" in results and "endpoint-subset" in results
                    and results["travshacl"]["findings"] == results["endpoint-subset"]["findings"])
            rows.append((triples, results, same, trav_same))
            if "embedded" in results:
                print(f"  endpoint findings identical to embedded: {same}")
            if "travshacl" in results:
                print(f"  subset findings identical to Trav-SHACL: {trav_same}")
        finally:
            server.terminate()
            server.wait(timeout=60)
            if not a.keep:
                done.unlink(missing_ok=True)
                shutil.rmtree(d, ignore_errors=True)
                shutil.rmtree(db, ignore_errors=True)
                shutil.rmtree(trav(d), ignore_errors=True)
    if not a.keep and a.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    print(f"uptime: {os.popen('uptime').read().strip()}")
    print("\n| triples | run | wall s | client peak MB | server peak MB | findings |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for triples, results, _, _ in rows:
        for kind, r in results.items():
            print(f"| {triples:,} | {kind} | {r['wall']:.1f} | {r['rss_mb']:.0f} | {r['server_mb']:.0f} | "
                  f"{len(r['findings']):,} |")


if __name__ == "__main__":
    main()
