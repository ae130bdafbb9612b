"""Throughput and latency of `dprk-ld serve` against the Oxigraph server, on the same data, on loopback.

Issues 5 and 11 (performance after isolation: every query of ours runs in a query worker process).
Like with like: both servers hold the same quads IN MEMORY (the project's named graphs plus the
Wikidata-style view graph that `dprk-ld serve` adds; Oxigraph started with ``--union-default-graph``
and loaded by POSTing our store's N-Quads to ``/store``) and get the SAME query text with the SAME
``Accept: application/sparql-results+json``:

* small SELECT (the fast query): a 10-row SELECT on the union default graph, ``GET /sparql?query=``
  vs ``GET /query?query=``;
* heavy SELECT (the ~100 ms query): a GROUP BY over a two-hop join (:data:`HEAVY`; its in-process
  time in pyoxigraph is printed first, as the run's own calibration);
* canned query (``--canned-too``): ours at ``/queries/NAME.json``; Oxigraph gets the text ours runs
  (``prepare``: parameters in a VALUES block, published prefixes declared) with ``default-graph-uri``
  and ``named-graph-uri`` = each project file graph, which is the dataset our canned queries see.

Before timing, the script checks that both servers give the same answer to each case. A bounded
concurrent httpx client (4 and 16 clients, ``--requests`` each; ``--heavy-requests`` for the heavy
query) prints requests/s, p50/p99 latency and failures, then our server's RSS over ``--rss-requests``
requests. Runs on the real dataset and, with ``--synth``, on a generated one (``--claims``; 40,000
claims ≈ 770k triples).
Client and both servers share the machine's cores: ratios, not absolute figures, are the result.

    python benchmarks/serve.py [--requests 2000] [--heavy-requests 200] [--canned-too] [--synth]
                               [--claims 40000] [--rss-requests 10000] [--workers N] [--query-workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dprk_ld.load import load_project  # noqa: E402
from dprk_ld.query import prepare, with_prologue  # noqa: E402
from dprk_ld.query.catalog import load_catalog  # noqa: E402
from dprk_ld.wikidata.view import add_wikidata_view  # noqa: E402

SMALL = ("PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
         "SELECT ?s ?label WHERE { ?s a dprk:State ; rdfs:label ?label } ORDER BY ?s ?label LIMIT 10")
HEAVY = ("SELECT ?t (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s a ?t . ?s ?p ?o . ?o ?q ?x } "
         "GROUP BY ?t ORDER BY DESC(?n) ?t LIMIT 10")
JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_mb(int(child))
    return total


def answer(url: str, params: dict[str, str] | list[tuple[str, str]]) -> list[tuple[str, ...]]:
    """One response's solutions as sorted rows of JSON terms (to check both servers agree)."""
    r = httpx.get(url, params=params, headers={"Accept": JSON}, timeout=120)
    r.raise_for_status()
    data = r.json()
    names = data["head"]["vars"]
    return sorted(tuple(repr(b.get(v)) for v in names) for b in data["results"]["bindings"])


async def drive(url: str, params: dict[str, str] | list[tuple[str, str]], n: int,
                clients: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    counter = iter(range(n))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits, headers={"Accept": JSON}) as client:
        async def worker() -> None:
            nonlocal failures
            for _ in counter:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url, params=params)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                failures += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {"rps": n / elapsed, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, "failed": failures}


def bench(project: Path, label: str, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    dataset = load_project(project)
    catalog = load_catalog(dataset.project)
    canned = catalog[args.canned]
    params = dict(p.split("=", 1) for p in args.param)
    remote_canned = with_prologue(prepare(canned, params))
    files = sorted(dataset.files)
    view = add_wikidata_view(dataset)
    took = []
    for _ in range(5):
        t1 = time.perf_counter()
        list(dataset.store.query(HEAVY, use_default_graph_as_union=True))
        took.append(time.perf_counter() - t1)
    print(f"heavy SELECT in process (pyoxigraph, median of 5): {statistics.median(took) * 1000:.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"\n== {label}: {dataset.triples} triples in {len(files)} graphs + {view} in the Wikidata view "
          f"(loaded in {time.perf_counter() - t0:.1f} s); both servers in memory; ours with {args.workers} "
          f"uvicorn worker(s) and {args.query_workers} query worker(s) each")
    if True:
        ours_port, ox_port = free_port(), free_port()
        ours = subprocess.Popen([sys.executable, "-m", "dprk_ld", "serve", "--project", str(project), "--port",
                                 str(ours_port), "--max-results", "1000000", "--timeout", "60",
                                 "--workers", str(args.workers), "--query-workers", str(args.query_workers)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        oxi = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ours_base, ox_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ox_port}"
            wait(ox_base + "/query", oxi)
            httpx.post(ox_base + "/store", content=dataset.store.dump(format=ox.RdfFormat.N_QUADS),
                       headers={"Content-Type": "application/n-quads"}, timeout=600).raise_for_status()
            wait(ours_base + "/sparql", ours)
            del dataset
            cases = [
                ("small SELECT", (ours_base + "/sparql", {"query": SMALL}),
                 (ox_base + "/query", {"query": SMALL})),
                ("heavy SELECT", (ours_base + "/sparql", {"query": HEAVY}),
                 (ox_base + "/query", {"query": HEAVY})),
            ]
            if args.canned_too:
                cases.append((f"canned {args.canned}", (ours_base + f"/queries/{args.canned}.json", params),
                              (ox_base + "/query", [("query", remote_canned)]
                               + [("default-graph-uri", g) for g in files]
                               + [("named-graph-uri", g) for g in files])))
            for name, (ours_url, ours_params), (ox_url, ox_params) in cases:
                same = answer(ours_url, ours_params) == answer(ox_url, ox_params)
                print(f"{name}: {'same answer from both servers' if same else 'ANSWERS DIFFER'}")
            print(f"{'query':<22} {'clients':>7} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'failed':>6} {'ours/oxigraph':>13}")
            for name, (ours_url, ours_params), (ox_url, ox_params) in cases:
                n = args.requests if name == "small SELECT" else (args.heavy_requests or args.requests)
                for clients in (4, 16):
                    ours_r = asyncio.run(drive(ours_url, ours_params, n, clients))
                    ox_r = asyncio.run(drive(ox_url, ox_params, n, clients))
                    for server, r in (("dprk-ld", ours_r), ("oxigraph", ox_r)):
                        ratio = f"{ours_r['rps'] / ox_r['rps']:.2f}" if server == "dprk-ld" else ""
                        print(f"{name:<22} {clients:>7} {server:<9} {r['rps']:>8.0f} {r['p50']:>8.2f} "
                              f"{r['p99']:>8.2f} {r['failed']:>6} {ratio:>13}")
            samples = [rss_mb(ours.pid)]
            step = max(args.rss_requests // 10, 1)
            for _ in range(10):
                asyncio.run(drive(ours_base + "/sparql", {"query": SMALL}, step, 8))
                samples.append(rss_mb(ours.pid))
            print(f"our RSS over {args.rss_requests} small SELECTs (MB, every {step}): "
                  + " ".join(f"{s:.0f}" for s in samples)
                  + f"  (growth after the first {step}: {samples[-1] - samples[1]:+.1f} MB)")
        finally:
            for process in (ours, oxi):
                process.terminate()
                process.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests per case (default 2000)")
    ap.add_argument("--rss-requests", type=int, default=10_000)
    ap.add_argument("--heavy-requests", type=int, default=200,
                    help="requests per heavy (and canned) case (default 200)")
    ap.add_argument("--canned-too", action="store_true", help="also time a canned query")
    ap.add_argument("--claims", type=int, default=40_000, help="claims in the generated dataset")
    ap.add_argument("--canned", default="statistics")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE for the canned query")
    ap.add_argument("--synth", action="store_true", help="also run on a generated dataset (--claims)")
    ap.add_argument("--workers", type=int, default=1, help="our server's --workers (default 1)")
    ap.add_argument("--query-workers", type=int, default=4, help="our server's --query-workers (default 4)")
    args = ap.parse_args()
    bench(ROOT, "real dataset", args)
    synth = ROOT / "benchmarks" / "synth.py"
    if not args.synth or not synth.exists():
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synth"
        subprocess.run([sys.executable, str(synth), str(out), "--claims", str(args.claims)], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copytree(ROOT / "queries", out / "queries", dirs_exist_ok=True)
        bench(out, f"generated dataset ({args.claims} claims)", args)


if __name__ == "__main__":
    main()
