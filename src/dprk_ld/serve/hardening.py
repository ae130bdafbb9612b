"""HTTP-level limits and security headers of the web service.

* :class:`SecurityHeaders` (ASGI middleware): every response gets ``X-Content-Type-Options``,
  ``X-Frame-Options`` and ``Referrer-Policy``; every HTML response a strict Content-Security-Policy
  whose inline ``<style>``/``<script>`` sources are the hashes of the page's own blocks
  (:func:`dprk_ld.security.content_security_policy`). A request whose header fields together pass
  ``max_header_bytes`` gets 431 (RFC 6585) before any route sees it.
* :class:`GuardedH11Protocol` (for uvicorn): the same 431 at the socket, before the header is
  even read whole (a 100 MiB ``Accept`` is refused after its first ``MAX_HEADER_BYTES`` + one read),
  and 408 for a client that has not sent a complete request head within ``HEADER_TIMEOUT_S`` of
  connecting or of the first byte of its next request (slow-header attacks); an idle kept-alive
  connection is closed silently by uvicorn's keep-alive timeout instead.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..security import COMMON_HEADERS, content_security_policy

MAX_HEADER_BYTES = 16_384
HEADER_TIMEOUT_ENV = "DPRK_LD_HEADER_TIMEOUT"
HEADER_TIMEOUT_S = 10.0
_COMMON = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in COMMON_HEADERS.items()]


def raw_response(status: int, reason: str, message: str) -> bytes:
    body = message.encode("utf-8") + b"\n"
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode("latin-1") + body


class SecurityHeaders:
    """ASGI middleware: security headers on every response, CSP on HTML, 431 on oversized headers."""

    def __init__(self, app: ASGIApp, max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
        if size > self.max_header_bytes:
            body = f"request header fields of {size} bytes exceed the limit of {self.max_header_bytes}\n".encode()
            await send({"type": "http.response.start", "status": 431,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), *_COMMON]})
            await send({"type": "http.response.body", "body": body})
            return
        start: Message | None = None

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in dict(_COMMON)]
                message = {**message, "headers": headers + _COMMON}
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    start = message  # held until the body is known: the policy hashes its inline blocks
                    return
            elif message["type"] == "http.response.body" and start is not None:
                html = message.get("body", b"").decode("utf-8", "replace")
                policy = content_security_policy(html).encode("latin-1")
                await send({**start, "headers": [*start["headers"], (b"content-security-policy", policy)]})
                start = None
            await send(message)

        await self.app(scope, receive, wrapped)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a bound on the request head's size (431) and time to arrive (408)."""

    max_header_bytes = MAX_HEADER_BYTES
    #: from the environment, so uvicorn's worker processes (which import this class afresh) see it too
    header_timeout_s = float(os.environ.get(HEADER_TIMEOUT_ENV) or HEADER_TIMEOUT_S)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._tail = b""
        self._between = False
        self._head_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._head_bytes, self._tail = 0, b""
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, status: int, reason: str, message: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(raw_response(status, reason, message))
            self.transport.close()

    def _too_slow(self) -> None:
        self._head_timer = None
        self._refuse(408, "Request Timeout", f"no complete request head within {self.header_timeout_s:g} s")

    # [override]: asyncio.Protocol says BaseTransport; a TCP server passes a Transport (as uvicorn's own override says)
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._between:  # the first byte of the next request on a kept-alive connection
            self._between = False
            self._arm()
        waiting = self._head_timer is not None  # for a request head: armed until one arrives
        if waiting:  # count the head only, up to its blank line (a body may follow in the same read)
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            self._tail = seen[-3:]
            if self._head_bytes > self.max_header_bytes:
                self._refuse(431, "Request Header Fields Too Large",
                             f"the request head exceeds the limit of {self.max_header_bytes} bytes")
                return
        cycle = self.cycle
        super().data_received(data)
        if self.cycle is not cycle:  # a request head arrived
            self._disarm()

    def on_response_complete(self) -> None:
        # between requests the keep-alive timeout governs (a silent close); the head timer starts again
        # with the first byte of the next request, so an idle connection never gets an unasked-for 408
        super().on_response_complete()
        self._disarm()
        self._between = True
