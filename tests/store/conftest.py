"""Fixtures for the store's tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TANPASS_TEST_POSTGRES_URL`` (``scripts/pg.sh start`` prints one). Unset,
the PostgreSQL half is skipped, unless ``TANPASS_REQUIRE_POSTGRES=1`` (CI), where a missing or
unreachable server is an error. Each PostgreSQL test gets its own fresh database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import SessionFactory, make_engine, migrate, normalise_url, session_factory

PG_URL_ENV = "TANPASS_TEST_POSTGRES_URL"
REQUIRE_PG_ENV = "TANPASS_REQUIRE_POSTGRES"


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_PG_ENV) == "1":
        pytest.fail(f"PostgreSQL required ({REQUIRE_PG_ENV}=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[Engine | None]:
    base = os.environ.get(PG_URL_ENV)
    if not base:
        yield None
        return
    engine = sa.create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _fresh_pg_database(admin: Engine | None) -> Iterator[str]:
    if admin is None:
        _postgres_unavailable(f"{PG_URL_ENV} is not set")
        return
    name = f"tanpass_t_{uuid.uuid4().hex[:16]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        _postgres_unavailable(f"cannot reach {admin.url.render_as_string()}: {exc}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           _pg_admin: Engine | None) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        yield from _fresh_pg_database(_pg_admin)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database (not migrated)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Engine:
    """An engine on a database migrated to head."""
    migrate(engine)
    return engine


@pytest.fixture
def factory(db: Engine) -> SessionFactory:
    return session_factory(db)
