"""ETags and conditional GETs for every read (RFC 9110 section 8.8.3 and 13.1.2).

A pure ASGI middleware: a successful GET's body is hashed (SHA-256, strong ETag) unless the
route set an ETag itself (e.g. the certificate PDF names its blob hash). ``If-None-Match``
matching the ETag answers ``304 Not Modified`` with no body. Bodies are buffered, which is fine
for the API's JSON and report sizes.
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
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._finish(scope, start, b"".join(chunks), send)
            else:
                await send(message)

        await self.app(scope, receive, capture)

    @staticmethod
    async def _finish(scope: Scope, start: Message | None, body: bytes, send: Send) -> None:
        assert start is not None
        headers = list(start.get("headers", []))
        if start["status"] != 200:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        names = {k.lower(): v for k, v in headers}
        etag = names.get(b"etag", b"").decode("latin-1")
        if not etag:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers.append((b"etag", etag.encode("latin-1")))
        request_headers = {k.lower(): v for k, v in scope.get("headers", [])}
        inm = request_headers.get(b"if-none-match", b"").decode("latin-1")
        if inm and _matches(inm, etag):
            keep = {b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires"}
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(k, v) for k, v in headers if k.lower() in keep]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
