"""``Idempotency-Key`` for writes that create: a retried POST never creates twice.

The first request with a key records an in-progress marker (committed at once), runs, then
stores its status and body. A later request with the same key from the same principal:

- same method, path and body -> the stored response again, with ``Idempotent-Replayed: true``;
- a different body (or route) -> 422 ``idempotency-key-reused``;
- while the first still runs -> 409 ``idempotency-in-progress`` with ``Retry-After``.

A request that fails leaves no record (nothing was created), so it may be retried with the same
key. Records are honoured for ``idempotency_hours`` (24 h by default), then the key is free.
The body is compared by a SHA-256 of its canonical JSON (key order and spacing do not matter;
uploads hash the file bytes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentUser
from api.problems import Problem
from api.security import Principal
from api.settings import get_api_settings
from store import IdempotencyRecord, transaction, utcnow

T = TypeVar("T")
IN_PROGRESS = 0


def fingerprint(method: str, path: str, material: Any) -> str:
    doc = {"m": method.upper(), "p": path, "b": jsonable_encoder(material)}
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


class Idempotency:
    def __init__(self, request: Request, response: Response, principal: Principal,
                 key: str | None) -> None:
        self.request = request
        self.response = response
        self.principal_id = f"key:{principal.api_key_id}" if principal.api_key_id else principal.id
        self.key = key
        self.sessions = request.app.state.sessions

    def _status(self) -> int:
        route = self.request.scope.get("route")
        return int(getattr(route, "status_code", None) or 200)

    def _begin(self, fp: str) -> IdempotencyRecord | None:
        """The stored record to replay, or None after claiming the key for this request."""
        horizon = utcnow() - timedelta(hours=get_api_settings().idempotency_hours)
        method, path = self.request.method, self.request.url.path
        try:
            with transaction(self.sessions) as s:
                found = s.exec(select(IdempotencyRecord).where(
                    IdempotencyRecord.principal_id == self.principal_id,
                    IdempotencyRecord.key == self.key)).first()
                if found is not None and found.created_at < horizon:
                    s.delete(found)
                    s.flush()
                    found = None
                if found is None:
                    s.add(IdempotencyRecord(key=self.key or "", principal_id=self.principal_id,
                                            method=method, path=path, request_hash=fp,
                                            status_code=IN_PROGRESS, body=None))
                    return None
                s.expunge(found)
        except IntegrityError:  # a concurrent twin claimed the key first
            raise self._in_progress() from None
        if found.request_hash != fp or found.method != method or found.path != path:
            raise Problem("idempotency-key-reused",
                          "This Idempotency-Key was already used with another request body or "
                          "route. Use a new key for a new request.",
                          "此幂等键已用于另一个请求内容或路由，新请求请使用新的键。",
                          errors=[{"path": "header/Idempotency-Key", "message": "key reused",
                                   "code": "idempotency_key_reused"}])
        if found.status_code == IN_PROGRESS:
            raise self._in_progress()
        return found

    def _in_progress(self) -> Problem:
        return Problem("idempotency-in-progress",
                       "The first request with this key has not finished; retry shortly.",
                       "使用此键的第一个请求尚未完成，请稍后重试。", headers={"Retry-After": "1"})

    def _finish(self, body: Any) -> None:
        with transaction(self.sessions) as s:
            rec = s.exec(select(IdempotencyRecord).where(
                IdempotencyRecord.principal_id == self.principal_id,
                IdempotencyRecord.key == self.key)).one()
            rec.status_code = self._status()
            rec.body = body
            s.add(rec)

    def _abandon(self) -> None:
        with transaction(self.sessions) as s:
            s.exec(delete(IdempotencyRecord).where(
                IdempotencyRecord.principal_id == self.principal_id,  # type: ignore[arg-type]
                IdempotencyRecord.key == self.key))  # type: ignore[arg-type]

    def _replay(self, rec: IdempotencyRecord) -> Any:
        self.response.status_code = rec.status_code
        self.response.headers["Idempotent-Replayed"] = "true"
        return rec.body

    def run(self, material: Any, fn: Callable[[], T]) -> T | Any:
        if self.key is None:
            return fn()
        fp = fingerprint(self.request.method, self.request.url.path, material)
        rec = self._begin(fp)
        if rec is not None:
            return self._replay(rec)
        try:
            result = fn()
        except BaseException:
            self._abandon()
            raise
        self._finish(jsonable_encoder(result))
        return result

    async def arun(self, material: Any, fn: Callable[[], Awaitable[T]]) -> T | Any:
        if self.key is None:
            return await fn()
        fp = fingerprint(self.request.method, self.request.url.path, material)
        rec = await run_in_threadpool(self._begin, fp)
        if rec is not None:
            return self._replay(rec)
        try:
            result = await fn()
        except BaseException:
            await run_in_threadpool(self._abandon)
            raise
        await run_in_threadpool(self._finish, jsonable_encoder(result))
        return result


def idempotency(
    request: Request,
    response: Response,
    principal: CurrentUser,
    idempotency_key: Annotated[str | None, Header(
        alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID is ideal). A retry with the same key and body "
        "returns the first response instead of creating again.")] = None,
) -> Idempotency:
    return Idempotency(request, response, principal, idempotency_key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
