"""Soak test of `dprk-ld serve` (issue 11): 20,000 mixed requests — good, hostile and slow — and the
server's resident memory over time, which must stay flat.

Starts ``dprk-ld serve`` on the bundled dataset on a free loopback port (``--timeout``,
``--memory`` as given) and drives it with ``--clients`` concurrent httpx clients. Each request is
drawn (seeded) from a mix:

* good: small SELECTs with a fresh literal each time (never-seen queries), canned queries as JSON
  and as pages, resource pages, the index, ASK;
* hostile: 3,000 nested groups (400), ``trueSERVICE<…>`` (403), FROM an outside graph (403), an
  update (403), a syntax error (400), a 10 KB Accept that fits nothing (406), a 40 KB header (431),
  a cartesian product past the deadline (503), an ORDER BY over a product past the memory cap (503);
* slow: a raw socket that sends half a request head and then nothing (the server answers 408).

Every ``--every`` requests it prints the requests done, the status counts so far, and the RSS of the
server process and of its query workers (MB). A flat "total" column is the result; a dropped
connection (no HTTP status) is counted as ``dropped``.

    python benchmarks/soak.py [--requests 20000] [--clients 16] [--timeout 2] [--memory 300]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve import free_port, wait  # noqa: E402

DEEP = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GROWING = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i LIMIT 5"


def rss(pid: int) -> tuple[float, float]:
    """RSS in MB of a process and, separately, of all its descendants."""
    def own(p: int) -> float:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def children(p: int) -> list[int]:
        out: list[int] = []
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
        return out

    kids, stack = 0.0, children(pid)
    while stack:
        c = stack.pop()
        kids += own(c)
        stack += children(c)
    return own(pid), kids


def mix(rng: random.Random) -> tuple[str, dict]:
    """(kind, request) for one draw; request is httpx.request kwargs, or {"slow": True}."""
    x = rng.random()
    nonce = f"{rng.getrandbits(48):x}"
    if x < 0.35:
        return "good", {"method": "GET", "url": "/sparql",
                        "params": {"query": f"SELECT ?s ('{nonce}' AS ?n) {{ ?s a dprk:State }} LIMIT 5"}}
    if x < 0.45:
        return "good", {"method": "GET", "url": "/queries/statistics.json"}
    if x < 0.55:
        return "good", {"method": "GET", "url": "/id/state/RUS", "headers": {"Accept": "text/html"}}
    if x < 0.60:
        return "good", {"method": "GET", "url": "/"}
    if x < 0.65:
        return "good", {"method": "POST", "url": "/sparql", "data": {"query": f"ASK {{ ?s ?p '{nonce}' }}"}}
    if x < 0.70:
        return "hostile", {"method": "POST", "url": "/sparql", "data": {"query": DEEP}}
    if x < 0.75:
        return "hostile", {"method": "GET", "url": "/sparql", "params": {
            "query": f"SELECT * {{ ?s ?p trueSERVICE<http://127.0.0.1:9/{nonce}>{{?x ?y ?z}} }}"}}
    if x < 0.80:
        return "hostile", {"method": "GET", "url": "/sparql", "params": {
            "query": f"SELECT * FROM <http://elsewhere.example/{nonce}> {{ ?s ?p ?o }}"}}
    if x < 0.84:
        return "hostile", {"method": "POST", "url": "/sparql", "data": {"update": "DROP ALL"}}
    if x < 0.88:
        return "hostile", {"method": "GET", "url": "/sparql", "params": {"query": f"SELECT * {{ ?s ?p {nonce}"}}
    if x < 0.92:
        return "hostile", {"method": "GET", "url": "/sparql", "params": {"query": "ASK {}"},
                           "headers": {"Accept": "image/png," + "x" * 10_000}}
    if x < 0.96:
        return "hostile", {"method": "GET", "url": "/", "headers": {"X-Big": "y" * 40_000}}
    if x < 0.997:
        return "slow", {"slow": True}
    if x < 0.9985:
        return "hostile", {"method": "GET", "url": "/sparql", "params": {"query": PRODUCT + f" # {nonce}"}}
    return "hostile", {"method": "GET", "url": "/sparql", "params": {"query": GROWING + f" # {nonce}"}}


async def slow_client(host: str, port: int) -> str:
    """Half a request head, then silence: the server must close with 408."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    try:
        data = await asyncio.wait_for(reader.read(100), 120)
    finally:
        writer.close()
    return data[9:12].decode() if data.startswith(b"HTTP/1.1 ") else "dropped"


async def soak(base: str, pid: int, args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    host, port = base.removeprefix("http://").split(":")
    done = 0
    todo = iter(range(args.requests))
    start = time.perf_counter()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    print(f"{'requests':>8} {'seconds':>8} {'server MB':>9} {'workers MB':>10} {'total MB':>8}  statuses")
    server, kids = rss(pid)
    print(f"{0:>8} {0:>8.0f} {server:>9.0f} {kids:>10.0f} {server + kids:>8.0f}")
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        async def worker() -> None:
            nonlocal done
            for _ in todo:
                kind, request = mix(rng)
                if request.get("slow"):
                    status = await slow_client(host, int(port))
                else:
                    try:
                        status = str((await client.request(**request)).status_code)
                    except httpx.HTTPError:
                        status = "dropped"
                counts[f"{kind}:{status}"] += 1
                done += 1
                if done % args.every == 0:
                    server, kids = rss(pid)
                    print(f"{done:>8} {time.perf_counter() - start:>8.0f} {server:>9.0f} {kids:>10.0f} "
                          f"{server + kids:>8.0f}  " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())),
                          flush=True)

        await asyncio.gather(*(worker() for _ in range(args.clients)))
    r = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    print(f"after the soak: a fresh query answers {r.status_code}; dropped connections: "
          f"{sum(v for k, v in counts.items() if k.endswith('dropped'))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--every", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=2.0, help="the server's --timeout")
    ap.add_argument("--memory", type=int, default=300, help="the server's --memory (MiB per query worker)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dprk_ld", "serve", "--port", str(port), "--timeout",
                               str(args.timeout), "--memory", str(args.memory), "--header-timeout", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    base = f"http://127.0.0.1:{port}"
    try:
        wait(base + "/sparql", server)
        print(f"dprk-ld serve (pid {server.pid}) on the bundled dataset: --timeout {args.timeout:g} "
              f"--memory {args.memory}; {args.requests} requests from {args.clients} clients; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        asyncio.run(soak(base, server.pid, args))
        print(f"load average at the end {os.getloadavg()[0]:.1f}; server still running: {server.poll() is None}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
