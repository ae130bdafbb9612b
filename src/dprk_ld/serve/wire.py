"""The frames between the server and its query workers, over a Unix socket.

A frame is a JSON header (what: a job, an answer, an error, ready) and an opaque body, each
length-prefixed (``!II``). JSON rather than pickle: a worker is where untrusted queries run, and
nothing it sends is ever executed by the server. :class:`~dprk_ld.serve.execute.Job` and
:class:`~dprk_ld.serve.execute.Rendered` go through :func:`job_header` / :func:`job_from`.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import struct
from typing import Any

from .execute import Job

HEAD = struct.Struct("!II")
MAX_HEADER = 1 << 24


def encode(header: dict[str, Any], body: bytes = b"") -> bytes:
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return HEAD.pack(len(data), len(body)) + data + body


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Blocking read of ``size`` bytes (the worker's side); EOFError when the peer is gone."""
    parts, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def decode_head(prefix: bytes) -> tuple[int, int]:
    header_len, body_len = HEAD.unpack(prefix)
    if header_len > MAX_HEADER:
        raise ValueError(f"frame header of {header_len} bytes")
    return header_len, body_len


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    header_len, body_len = decode_head(recv_exactly(sock, HEAD.size))
    header = json.loads(recv_exactly(sock, header_len))
    return header, recv_exactly(sock, body_len)


def job_header(job: Job) -> dict[str, Any]:
    return {"what": "job", "job": dataclasses.asdict(job)}


def job_from(header: dict[str, Any]) -> Job:
    fields = header["job"]
    for name in ("default_graph", "named_graphs"):
        if fields.get(name) is not None:
            fields[name] = tuple(fields[name])
    fields["page"] = tuple(tuple(pair) for pair in fields.get("page") or ())
    return Job(**fields)
