"""A real SPARQL 1.1 server for tests: the Oxigraph server from the ``oxigraph`` PyPI package.

Implements the test side of SPARQL 1.1 Protocol and Graph Store HTTP Protocol
interoperability: ``oxigraph_server()`` starts ``oxigraph serve`` on a free
loopback port, waits until it answers a query, yields its base URL and stops
it. Its endpoints are ``BASE/query`` (SPARQL query), ``BASE/update`` and
``BASE/store`` (Graph Store Protocol; POST N-Quads there to load a dataset).
Tests are skipped (with the reason) only when the binary is not installed, and fail then on CI.
:func:`quiet_http_server` runs a fake HTTP server in a thread that never prints: a client that
hangs up (a timeout test) makes the handler's write fail, and the default ``socketserver`` would
print that traceback into whatever stderr the test is capturing.

Usage::

    from servers import oxigraph_server, load_dataset

    def test_remote(tmp_path):
        with oxigraph_server(tmp_path) as base:
            load_dataset(base, dataset)           # one named graph per file
            run_remote(base + "/query", "ASK { ?s ?p ?o }")
"""

from __future__ import annotations

import contextlib
import http.server
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import missing


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` executable: next to this Python (the venv) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(process: subprocess.Popen, url: str, name: str, log_path: Path | None, timeout: float) -> None:
    """Poll ``url?query=ASK {}`` until it answers 200; fail with the log's tail if the process exits."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = log_path.read_text(errors="replace") if log_path else ""
            raise RuntimeError(f"{name} exited with {process.returncode}: {output[-2000:]}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f} s")
        time.sleep(0.05)


@contextlib.contextmanager
def oxigraph_server(tmp_path: Path | None = None, *, union_default_graph: bool = True,
                    persistent: bool = False, read_only: bool = False,
                    startup_timeout: float = 30) -> Iterator[str]:
    """Start ``oxigraph serve`` on 127.0.0.1:<free port>; yield ``http://127.0.0.1:<port>``; stop it.

    In-memory by default (like the embedded store); ``persistent=True`` keeps the store in
    ``tmp_path/oxigraph``. ``union_default_graph`` makes the default graph the union of the named
    graphs, as our embedded queries see it. The server's output goes to ``tmp_path/oxigraph.log``.
    """
    binary = oxigraph_binary()
    if binary is None:
        missing("the Oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    args = [binary, "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}"]
    if persistent or read_only:
        if tmp_path is None:
            raise ValueError("a persistent or read-only server needs tmp_path")
        location = tmp_path / "oxigraph"
        location.mkdir(parents=True, exist_ok=True)
        args += ["--location", str(location)]
    if union_default_graph:
        args.append("--union-default-graph")
    log_path = (tmp_path / "oxigraph.log") if tmp_path is not None else None
    log: Any = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, f"{base}/query", "oxigraph serve", log_path, startup_timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log is not subprocess.DEVNULL:
            log.close()


def load_dataset(base: str, dataset: Any) -> int:
    """POST a loaded :class:`dprk_ld.load.Dataset` (all its named graphs) as N-Quads to ``BASE/store``.

    Returns the number of quads sent. Each file keeps its own named graph on the server.
    """
    import pyoxigraph as ox

    body = dataset.store.dump(format=ox.RdfFormat.N_QUADS)
    response = httpx.post(f"{base}/store", content=body,
                          headers={"Content-Type": "application/n-quads"}, timeout=120)
    response.raise_for_status()
    return len(dataset.store)


class QuietHTTPServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that records handler errors instead of printing them."""

    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.errors: list[BaseException] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.errors.append(sys.exc_info()[1])  # e.g. BrokenPipeError after the client timed out


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def quiet_http_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port in a daemon thread; yield the base URL; stop it."""
    import threading

    server = QuietHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def dprk_serve(project: Path, log_dir: Path, timeout: float = 30, *extra: str) -> Iterator[str]:
    """``dprk-ld serve --project PROJECT [EXTRA…]`` as a process on a free loopback port; yields its base URL."""
    import os

    port = free_port()
    log = log_dir / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "dprk_ld", "serve", "--project", str(project),
                                    "--port", str(port), *extra], stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(process, f"{base}/sparql", "dprk-ld serve", log, timeout)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
