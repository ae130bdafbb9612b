"""Throughput and latency of `dprk-ld serve` against the Oxigraph server, on the same data, on loopback.

Issue 5, Performance: both servers hold the same named graphs in memory (Oxigraph with
``--union-default-graph``, as our endpoint queries); a bounded concurrent httpx client (1 and 8
clients, a fixed number of requests) sends a small SELECT and a canned query (ours at
``/queries/NAME.json``, Oxigraph the same text with the parameters bound by a VALUES block, as
``dprk-ld query --endpoint`` does). Prints requests/s, p50/p99 latency and failures, then our
server's RSS sampled over ``--rss-requests`` requests. Runs on the real dataset and, when
``benchmarks/synth.py`` exists, on a generated one (``--claims``; about 1M triples by default).

    python benchmarks/serve.py [--requests 2000] [--claims 40000] [--rss-requests 10000] [--skip-synth]
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

from dprk_ld.catalog import load_catalog  # noqa: E402
from dprk_ld.load import load_project  # noqa: E402
from dprk_ld.query import bind, with_prologue, with_values  # noqa: E402

SMALL = ("PREFIX dprk: <https://w3id.org/dprk-ld/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
         "SELECT ?s ?label WHERE { ?s a dprk:State ; rdfs:label ?label } LIMIT 10")
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
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def drive(url: str, params: dict[str, str], n: int, clients: int) -> dict[str, float]:
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
    remote_canned = with_prologue(with_values(canned.text, bind(canned, params)))
    print(f"\n== {label}: {dataset.triples} triples in {len(dataset.files)} graphs (loaded in "
          f"{time.perf_counter() - t0:.1f} s); canned query {args.canned} {params or ''}")
    if True:
        ours_port, ox_port = free_port(), free_port()
        ours = subprocess.Popen([sys.executable, "-m", "dprk_ld", "serve", "--project", str(project), "--port",
                                 str(ours_port), "--max-results", "1000000", "--timeout", "60"],
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
                (f"canned {args.canned}", (ours_base + f"/queries/{args.canned}.json", params),
                 (ox_base + "/query", {"query": remote_canned})),
            ]
            print(f"{'query':<22} {'clients':>7} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'failed':>6} {'ours/oxigraph':>13}")
            for name, (ours_url, ours_params), (ox_url, ox_params) in cases:
                for clients in (1, 8):
                    ours_r = asyncio.run(drive(ours_url, ours_params, args.requests, clients))
                    ox_r = asyncio.run(drive(ox_url, ox_params, args.requests, clients))
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
    ap.add_argument("--claims", type=int, default=40_000, help="claims in the generated dataset")
    ap.add_argument("--canned", default="statistics")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE for the canned query")
    ap.add_argument("--skip-synth", action="store_true")
    args = ap.parse_args()
    bench(ROOT, "real dataset", args)
    synth = ROOT / "benchmarks" / "synth.py"
    if args.skip_synth or not synth.exists():
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synth"
        subprocess.run([sys.executable, str(synth), str(out), "--claims", str(args.claims)], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copytree(ROOT / "queries", out / "queries", dirs_exist_ok=True)
        bench(out, f"generated dataset ({args.claims} claims)", args)


if __name__ == "__main__":
    main()
