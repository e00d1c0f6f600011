"""The Tanpass API: one FastAPI app, versioned under /api/v1.

``uvicorn api.main:app`` (``create_app`` for tests). Migrations are applied on start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import problems
from api.routes import applications, auth, certificates, process, products, public, verification
from config import get_settings
from store import BlobStore, make_engine, migrate, session_factory

API_PREFIX = "/api/v1"


def create_app(database_url: str | None = None) -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(database_url or settings.database_url)
        migrate(engine)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        assert settings.blob_dir is not None
        app.state.blobs = BlobStore(settings.blob_dir)
        app.state.temporal = None
        yield
        engine.dispose()

    app = FastAPI(
        title="Tanpass API",
        version="1.0.0",
        description="Product carbon footprint certification: submission, calculation, rule "
        "checks, verification, decision, signed certificates and their public verification.\n\n"
        "产品碳足迹认证：提交、计算、规则检查、核查、决定、签名证书及其公开验证。",
        lifespan=lifespan,
    )
    problems.install(app)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (auth, products, applications, process, certificates, public, verification):
        v1.include_router(module.router)
    app.include_router(v1)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
