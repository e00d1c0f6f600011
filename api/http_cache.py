"""ETags and conditional GETs for every read (RFC 9110 section 8.8.3 and 13.1.2).

A pure ASGI middleware: a successful GET's body is hashed (SHA-256, strong ETag) unless the
route set an ETag itself (e.g. the certificate PDF names its blob hash). ``If-None-Match``
matching the ETag answers ``304 Not Modified`` with no body. Bodies are buffered, which is fine
for the API's JSON and report sizes. Headers are scanned, not copied into dicts, and a body sent
in one message (every JSON answer) is not copied at all: on the verification route the whole
middleware costs a few microseconds (docs/api-performance.md).
"""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))


class ETagMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            kind = message["type"]
            if kind == "http.response.start":
                start = message
            elif kind == "http.response.body":
                body = message.get("body", b"")
                if message.get("more_body", False):
                    chunks.append(body)
                    return
                if chunks:  # a streamed body: one buffer (the API's bodies are small)
                    chunks.append(body)
                    body = b"".join(chunks)
                await _finish(scope, start, body, send)
            else:
                await send(message)

        await self.app(scope, receive, capture)


async def _finish(scope: Scope, start: Message | None, body: bytes, send: Send) -> None:
    assert start is not None
    if start["status"] != 200:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    headers = list(start.get("headers", []))
    etag = b""
    for name, value in headers:
        if name.lower() == b"etag":
            etag = value
    if not etag:
        etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        headers.append((b"etag", etag))
    inm = b""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"if-none-match":
            inm = value
    if inm and _matches(inm.decode("latin-1"), etag.decode("latin-1")):
        keep = {b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires"}
        await send({"type": "http.response.start", "status": 304,
                    "headers": [(k, v) for k, v in headers if k.lower() in keep]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
