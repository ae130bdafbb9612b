"""A query worker process: ``python -m dprk_ld.serve.worker FD DUMP``.

It loads the dataset from the N-Quads dump the server wrote (an in-memory store of its own, so
a query here can never touch the server's memory), shuts itself off the network
(:mod:`dprk_ld.serve.sandbox`), asks to die with its parent, says ``ready`` and then answers one
job at a time on the socket ``FD``: the query run and its answer serialised
(:func:`dprk_ld.serve.execute.run_job`). It keeps no deadline of its own: the server kills it when
time runs out, when it grows past its memory cap, or when it stops answering, and starts another.
"""

from __future__ import annotations

import math
import os
import socket
import sys
import threading

import pyoxigraph as ox

from ..errors import DprkError
from .execute import run_job
from .sandbox import deny_network, die_with_parent
from .wire import encode, job_from, recv_frame


def main(fd: int, dump: str) -> None:
    die_with_parent()
    sock = socket.socket(fileno=fd)
    store = ox.Store()
    # load, not bulk_load: on pyoxigraph 0.5's in-memory store it is faster, peaks lower and answers faster
    # (benchmarks/store_load.py on a 1.13M-quad dump: 3.0-3.3 against 3.6 s, 405 against 594 MB, queries -25 %),
    # and every MB it does not take is one more for a query under the worker's memory cap
    store.load(path=dump, format=ox.RdfFormat.N_QUADS)
    problem = deny_network()
    sock.sendall(encode({"what": "ready", "pid": os.getpid(), "sandbox": problem or "seccomp"}))
    never = threading.Event()
    while True:
        try:
            header, _ = recv_frame(sock)
        except EOFError:
            return
        try:
            answer = run_job(store, job_from(header), math.inf, never)
        except DprkError as exc:
            sock.sendall(encode({"what": "error", "status": exc.http_status, "message": exc.message,
                                 "location": exc.location, "hint": exc.hint}))
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the server as its 500
            sock.sendall(encode({"what": "error", "status": 500, "location": None, "hint": None,
                                 "message": f"the query engine failed ({type(exc).__name__}: {exc})"}))
            continue
        sock.sendall(encode({"what": "answer", "kind": answer.kind, "media_type": answer.media_type,
                             "truncated": answer.truncated}, answer.body))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
