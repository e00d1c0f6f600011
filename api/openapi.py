"""The OpenAPI document: every route with its error answers (problem+json) and examples.

Routes state the problems particular to them with ``responses=problems_for(...)``; the rest is
derived here from the app itself, so no route can forget them: 401/403 for routes that need a
token (from the policy), 404 for routes with path parameters, 422 for every route (replacing
FastAPI's application/json validation schema with problem+json), 429 for rate-limited public
routes, 503 for routes that need the process engine, 409/422 for routes taking an
Idempotency-Key, 304 and ``ETag`` for every GET, ``Link``/``X-Next-Cursor`` for every list.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from api import policy
from api.problems import CATALOGUE, TYPE_BASE

PROBLEM_JSON = "application/problem+json"
REF = {"$ref": "#/components/schemas/Problem"}

_DETAILS = {
    "unauthenticated": "Send a bearer token.",
    "invalid-credentials": "Wrong e-mail or password.",
    "invalid-client": "Unknown client, wrong secret, or a revoked key.",
    "forbidden": "This needs one of the roles: exporter.",
    "insufficient-scope": "The API key needs the scope products:write.",
    "not-found": "No such application.",
    "method-not-allowed": "Method Not Allowed",
    "conflict": "a dossier cannot be submitted while the application is certified",
    "idempotency-in-progress": "The first request with this key has not finished; retry shortly.",
    "payload-too-large": "The file is larger than 20 MiB.",
    "unsupported-media-type": "The content is not a PDF, PNG or JPEG file.",
    "validation": "See `errors` for each invalid field.",
    "rejected": "an adverse opinion or a disclaimer cannot approve a dossier",
    "upload-rejected": "bill.pdf is encrypted; send the file without a password.",
    "idempotency-key-reused": "This Idempotency-Key was already used with another request body.",
    "login-throttled": "Too many failed sign-ins. Try again in 300 s.",
    "too-many-requests": "Rate limit reached. Try again in 2 s.",
    "unavailable": "The process engine is not reachable.",
    "internal": "The error was logged.",
}


class ProblemError(BaseModel):
    path: str = Field(description="Where: `body/lines/3/quantity`, `query/cursor`, ...")
    message: str
    code: str | None = Field(default=None, description="Stable code of the error kind")


class Problem(BaseModel):
    """RFC 9457 problem details. ``type`` is stable per kind of error; ``title`` and ``detail``
    follow ``Accept-Language`` (zh or en). Further members may carry data (e.g. ``retry_after``,
    ``code``, ``certificate_status``)."""

    model_config = {"extra": "allow"}
    type: str = Field(examples=[TYPE_BASE + "not-found"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None


def _example(kind: str) -> dict[str, Any]:
    status, title_en, _ = CATALOGUE[kind]
    body: dict[str, Any] = {"type": TYPE_BASE + kind, "title": title_en, "status": status,
                            "detail": _DETAILS.get(kind, title_en), "instance": "/api/v1/..."}
    if kind == "validation":
        body["errors"] = [{"path": "body/name", "message": "Field required", "code": "missing"}]
    return body


def problems_for(*kinds: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the named problem kinds (grouped by status)."""
    out: dict[int | str, dict[str, Any]] = {}
    for kind in kinds:
        status, title_en, _ = CATALOGUE[kind]
        entry = out.setdefault(status, {"description": title_en,
                                        "content": {PROBLEM_JSON: {"schema": REF, "examples": {}}}})
        entry["content"][PROBLEM_JSON]["examples"][kind] = {"summary": title_en,
                                                            "value": _example(kind)}
        if status == 429:
            entry["headers"] = {"Retry-After": {"description": "Seconds to wait",
                                                "schema": {"type": "integer"}}}
    return out


def _uses(route: Any, name: str) -> bool:
    def walk(dep: Any) -> bool:
        call = getattr(dep, "call", None)
        if getattr(call, "__name__", "") == name:
            return True
        return any(walk(d) for d in getattr(dep, "dependencies", ()))
    return walk(route.dependant)


def _merge(responses: dict[str, Any], extra: dict[int | str, dict[str, Any]]) -> None:
    for status, entry in extra.items():
        key = str(status)
        have = responses.get(key)
        if have is None or PROBLEM_JSON not in have.get("content", {}):
            responses[key] = entry
            continue
        examples = have["content"][PROBLEM_JSON].setdefault("examples", {})
        for k, v in entry["content"][PROBLEM_JSON]["examples"].items():
            examples.setdefault(k, v)
        if "headers" in entry:
            have.setdefault("headers", {}).update(entry["headers"])


def _in_order(routes: list[Any], modules: tuple[Any, ...]) -> list[Any]:
    """``routes`` with the included routers in the order of ``modules`` (the routers' modules),
    anything else after them: the document keeps its order by subject whatever order requests
    are matched in (``api.main``)."""
    rank = {id(m.router): i for i, m in enumerate(modules)}
    return sorted(routes, key=lambda r: rank.get(id(getattr(r, "original_router", None)),
                                                 len(rank)))


def install(app: FastAPI, document_order: tuple[Any, ...] = ()) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=_in_order(list(app.routes), document_order),
                             tags=app.openapi_tags)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        defs = comps["Problem"].pop("$defs", {})
        comps.update(defs)
        for entry in policy.route_table(app):
            op = schema["paths"].get(entry.path, {}).get(entry.method.lower())
            if op is not None:
                _complete(entry, op)
        for unused in ("HTTPValidationError", "ValidationError"):
            comps.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(entry: policy.RouteEntry, op: dict[str, Any]) -> None:
    method, route = entry.method, entry.route
    responses = op.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's application/json validation answer: ours is a problem
    kinds = ["validation", "internal"]
    rule = policy.access_for(method, entry.path, entry.dependant)
    if rule is None or not rule.public:
        kinds += ["unauthenticated", "forbidden", "insufficient-scope"]
        op.setdefault("security", [{"OAuth2": []}])
    else:
        op["security"] = []  # no token needed
        if rule.rate_limited:
            kinds.append("too-many-requests")
    if "{" in entry.path:
        kinds.append("not-found")
    if _uses(route, "get_temporal"):
        kinds.append("unavailable")
    if _uses(route, "idempotency"):
        kinds += ["idempotency-key-reused", "idempotency-in-progress"]
    _merge(responses, problems_for(*kinds))
    ok = next((responses[s] for s in ("200", "201") if s in responses), None)
    if method == "GET" and ok is not None:
        ok.setdefault("headers", {})["ETag"] = {
            "description": "Entity tag of the body; send it as If-None-Match to get 304",
            "schema": {"type": "string"}}
        responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)",
                            "headers": {"ETag": {"schema": {"type": "string"}}}}
        content = ok.get("content", {}).get("application/json", {})
        if content.get("schema", {}).get("type") == "array":
            ok["headers"]["Link"] = {"description": 'Next page: `<url>; rel="next"` (RFC 8288)',
                                     "schema": {"type": "string"}}
            ok["headers"]["X-Next-Cursor"] = {"description": "Cursor of the next page",
                                              "schema": {"type": "string"}}
