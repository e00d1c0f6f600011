"""RFC 9457 problem details: one stable type per error, bilingual titles, no stack traces.

Every error leaves the API as ``application/problem+json``. Titles and details are chosen by
``Accept-Language`` (zh or en); validation errors carry the field path of each problem.
"""

from __future__ import annotations

import logging
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
    "forbidden": (403, "Not allowed for your role", "您的角色无权执行此操作"),
    "not-found": (404, "Not found", "未找到"),
    "conflict": (409, "Conflicts with the current state", "与当前状态冲突"),
    "validation": (422, "The request is not valid", "请求内容无效"),
    "rejected": (422, "The action was refused", "操作被拒绝"),
    "too-many-requests": (429, "Too many requests", "请求过于频繁"),
    "unavailable": (503, "A back-end service is unavailable", "后台服务暂不可用"),
    "internal": (500, "Internal error", "内部错误"),
}
_BY_STATUS = {v[0]: k for k, v in CATALOGUE.items()}


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
    lang = request.headers.get("accept-language", "").lower()
    return lang.startswith("zh")


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
        headers={**(problem.headers or {}), "Content-Language": "zh" if zh else "en"},
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"path": "/".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return problem_response(
            request,
            Problem("validation", "See `errors` for each invalid field.", "各无效字段见 errors。",
                    errors=errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _BY_STATUS.get(exc.status_code, "internal" if exc.status_code >= 500 else "validation")
        headers = getattr(exc, "headers", None)
        return problem_response(request, Problem(kind, str(exc.detail), headers=headers))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(request, Problem("internal", "The error was logged.", "错误已记录。"))
