"""RFC 9457 problem details: one stable type per error, bilingual titles, no stack traces.

Every error leaves the API as ``application/problem+json``. Titles and details are chosen by
``Accept-Language`` (zh or en); validation errors carry the field path of each problem.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("tanpass.api")
TYPE_BASE = "https://tanpass.example/problems/"

# type -> (status, title_en, title_zh)
CATALOGUE: dict[str, tuple[int, str, str]] = {
    "unauthenticated": (401, "Authentication required", "需要登录"),
    "invalid-credentials": (401, "Wrong e-mail or password", "邮箱或密码错误"),
    "invalid-client": (401, "Unknown client or wrong secret", "客户端不存在或密钥错误"),
    "forbidden": (403, "Not allowed for your role", "您的角色无权执行此操作"),
    "insufficient-scope": (403, "The API key lacks the scope for this route",
                           "API 密钥缺少此操作所需的权限范围"),
    "not-found": (404, "Not found", "未找到"),
    "method-not-allowed": (405, "Method not allowed", "不支持该请求方法"),
    "not-acceptable": (406, "Not acceptable", "无法提供所需格式"),
    "conflict": (409, "Conflicts with the current state", "与当前状态冲突"),
    "idempotency-in-progress": (409, "A request with this Idempotency-Key is still running",
                                "使用此幂等键的请求仍在处理中"),
    "payload-too-large": (413, "The upload is too large", "上传文件过大"),
    "unsupported-media-type": (415, "This file type is not accepted", "不接受此文件类型"),
    "validation": (422, "The request is not valid", "请求内容无效"),
    "rejected": (422, "The action was refused", "操作被拒绝"),
    "upload-rejected": (422, "The file was refused", "文件被拒绝"),
    "idempotency-key-reused": (422, "This Idempotency-Key was used for a different request",
                               "此幂等键已用于另一个不同的请求"),
    "login-throttled": (429, "Too many failed sign-ins; wait before trying again",
                        "登录失败次数过多，请稍后再试"),
    "too-many-requests": (429, "Too many requests", "请求过于频繁"),
    "unavailable": (503, "A back-end service is unavailable", "后台服务暂不可用"),
    "internal": (500, "Internal error", "内部错误"),
}
_BY_STATUS = {401: "unauthenticated", 403: "forbidden", 404: "not-found",
              405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
              413: "payload-too-large", 415: "unsupported-media-type", 422: "validation",
              429: "too-many-requests", 500: "internal", 503: "unavailable"}


class Problem(Exception):
    """Raise anywhere in a route to answer with a problem document."""

    def __init__(
        self,
        kind: str,
        detail_en: str = "",
        detail_zh: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail_en or kind)
        self.kind = kind
        self.detail_en = detail_en
        self.detail_zh = detail_zh or detail_en
        self.errors = errors
        self.headers = headers
        self.extensions = extensions


def wants_zh(request: Request) -> bool:
    """True when ``Accept-Language`` prefers Chinese to English (q-values honoured)."""
    best_zh = best_en = -1.0
    for i, part in enumerate(request.headers.get("accept-language", "").lower().split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= i * 1e-6  # earlier wins a tie
        if tag.startswith("zh"):
            best_zh = max(best_zh, q)
        elif tag.startswith("en") or tag == "*":
            best_en = max(best_en, q)
    return best_zh > 0 and best_zh > best_en


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    status, title_en, title_zh = CATALOGUE[problem.kind]
    zh = wants_zh(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind,
        "title": title_zh if zh else title_en,
        "status": status,
        "detail": (problem.detail_zh if zh else problem.detail_en) or (title_zh if zh else title_en),
        "instance": request.url.path,
    }
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extensions)
    return JSONResponse(
        body,
        status_code=status,
        media_type="application/problem+json",
        headers={**(problem.headers or {}), "Content-Language": "zh" if zh else "en",
                 "Vary": "Accept-Language"},
    )


def install(app: FastAPI,
            on_error: Callable[[Request], Awaitable[None]] | None = None) -> None:
    """The handlers. ``on_error(request)`` runs first in each (``api.deps.discard_session``:
    a session opened for a request that failed before its route got it)."""

    async def cleanup(request: Request) -> None:
        if on_error is not None:
            await on_error(request)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        await cleanup(request)
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        await cleanup(request)
        errors = [
            {"path": "/".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
             "code": e.get("type", "invalid")}
            for e in exc.errors()
        ]
        return problem_response(
            request,
            Problem("validation", "See `errors` for each invalid field.", "各无效字段见 errors。",
                    errors=errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        await cleanup(request)
        kind = _BY_STATUS.get(exc.status_code, "internal" if exc.status_code >= 500 else "validation")
        headers = getattr(exc, "headers", None)
        return problem_response(request, Problem(kind, str(exc.detail), headers=headers))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        await cleanup(request)
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(request, Problem("internal", "The error was logged.", "错误已记录。"))
