"""The Tanpass API: one FastAPI app, versioned under /api/v1.

``uvicorn api.main:app`` (``create_app`` for tests). Migrations are applied on start.
Docs: ``/docs`` (Swagger UI), ``/redoc``, the document itself at ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import openapi, problems, uploads
from api.deps import authorise, discard_session
from api.http_cache import ETagMiddleware
from api.routes import (
    admin,
    applications,
    auth,
    certificates,
    extras,
    process,
    products,
    public,
    records,
    reference,
    verification,
)
from api.settings import get_api_settings
from api.throttle import TokenBucket
from config import get_settings
from store import BlobStore, make_engine, migrate, session_factory
from store.reads import LoopReader

API_PREFIX = "/api/v1"
DOCUMENT_ORDER = (auth, admin, products, applications, records, process, certificates, reference,
                  public, verification, extras)
"""The routers in the order the OpenAPI document lists them (by subject)."""
HOT_FIRST = (verification, public, *(m for m in DOCUMENT_ORDER if m not in (verification, public)))
"""The routers in the order requests are matched against them: verification first."""
DESCRIPTION = """Product carbon footprint certification: submission, calculation, rule checks,
verification, decision, signed certificates and their public verification.

产品碳足迹认证：提交、计算、规则检查、核查、决定、签名证书及其公开验证。

**Sign-in.** People: OAuth2 password flow at `POST /api/v1/auth/token` (access token 15 min,
refresh token 7 days at `/auth/refresh`). Machines: an API key (`POST /api/v1/api-keys`,
scoped, revocable) exchanged at `POST /api/v1/auth/client-token` (client credentials).
Failed sign-ins are throttled per account and per IP (429, `Retry-After`).

**Errors** are RFC 9457 `application/problem+json` with a stable `type` per kind of error,
`errors[].path` for each invalid field, in Chinese or English by `Accept-Language`.

**Lists** return a JSON array; the next page is in `Link: <...>; rel="next"` and
`X-Next-Cursor` (opaque cursor, stable under inserts). **Reads** carry an `ETag`; send
`If-None-Match` for `304`. **Creating writes** accept `Idempotency-Key`: a retry with the same
key and body returns the first answer; another body with the same key is a 422.

**Public verification** (`/api/v1/public/...`) needs no token and is rate-limited per IP.
"""

TAGS = [
    {"name": "auth", "description": "Sign-in for people and machines"},
    {"name": "api keys", "description": "Client credentials for machines"},
    {"name": "organisations"}, {"name": "users"}, {"name": "products"},
    {"name": "applications", "description": "The certification process of one product"},
    {"name": "application records",
     "description": "History, dossier versions, footprint, findings, evidence"},
    {"name": "certificates"}, {"name": "audit"}, {"name": "reference data"}, {"name": "reports"},
    {"name": "public verification", "description": "No token; rate-limited"},
]


def create_app(database_url: str | None = None) -> FastAPI:
    settings = get_settings()
    limits = get_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(database_url or settings.database_url)
        migrate(engine)
        app.state.engine = engine
        # SQLite: the short reads (the principal, a certificate by number) run on the event
        # loop with a connection of their own: a local file, tens of microseconds, less than a
        # thread hop. PostgreSQL: a read is a network round trip and stays in a worker thread
        # (api.deps.short_read, docs/api-performance.md).
        app.state.loop_reader = LoopReader(engine) if engine.dialect.name == "sqlite" else None
        app.state.sessions = session_factory(engine)
        assert settings.blob_dir is not None
        app.state.blobs = BlobStore(settings.blob_dir)
        app.state.temporal = None
        yield
        uploads.shutdown_pool()
        if app.state.loop_reader is not None:
            app.state.loop_reader.close()
        engine.dispose()

    app = FastAPI(title="Tanpass API", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, openapi_tags=TAGS)
    app.state.public_bucket = TokenBucket(limits.public_rate_per_minute, limits.public_burst)
    problems.install(app, on_error=discard_session)

    @app.get("/healthz", tags=["health"], summary="Liveness")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # FastAPI matches a request against the routes one by one, in order, and an included router
    # is matched again when it is entered: each route passed costs a few microseconds, so the
    # last of 85 paid ~0.3 ms per request (docs/api-performance.md). The routers are therefore
    # included directly (no /api/v1 router around them: one matching pass less) and the
    # high-volume verification routers first. No two routes overlap (tests/api: test_no_two_
    # routes_match_the_same_path), so the order changes which route answers nothing.
    for module in HOT_FIRST:
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(authorise)])
    openapi.install(app, document_order=DOCUMENT_ORDER)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(uploads.BodyLimitMiddleware,
                       limit=limits.max_upload_bytes + uploads.MULTIPART_OVERHEAD)
    return app


app = create_app()
