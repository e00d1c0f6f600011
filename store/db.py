"""Engine, sessions, transactions and migrations.

SQLite (the one-machine default) is opened in WAL mode with foreign keys on and a busy timeout.
pysqlite's own transaction handling is switched off so that SQLAlchemy's ``begin`` emits the
BEGIN itself: a plain session begins DEFERRED (readers never wait), and ``transaction()``
begins IMMEDIATE, taking SQLite's single write lock up front. That serialises writers cleanly
(they queue on the busy timeout) instead of failing with "database is locked" when a deferred
reader later tries to write.

PostgreSQL goes through psycopg 3; ``postgresql://`` URLs are rewritten to
``postgresql+psycopg://``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "tanpass_sqlite_begin"
# Key of the PostgreSQL advisory locks taken by this package (arbitrary, fixed, 64-bit).
MIGRATION_LOCK_KEY = 0x7A4E_5041_0001
AUDIT_LOCK_KEY = 0x7A4E_5041_0002

SessionFactory = Callable[[], Session]


def normalise_url(url: str) -> str:
    """Pin PostgreSQL URLs to the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: ``get_settings().database_url``)."""
    url = normalise_url(url or get_settings().database_url or "")
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        return _sqlite_engine(sa_url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(sa_url, **kwargs)


def _sqlite_engine(sa_url: sa.URL, **kwargs: Any) -> Engine:
    if sa_url.database and sa_url.database != ":memory:":
        Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    # A SQLite connection is a file handle: keep enough of them for the API's thread pool
    # (40 threads) so that connections are reused rather than opened (and PRAGMA'd) per request.
    if sa_url.database and sa_url.database != ":memory:":
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 20)
    engine = sa.create_engine(sa_url, connect_args=connect_args, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module doc
        cursor = dbapi_connection.cursor()
        # busy_timeout first: switching a new file to WAL needs a lock another process may hold
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(bind: Engine | Connection | Session) -> bool:
    if isinstance(bind, Session):
        return bind.get_bind().dialect.name == "sqlite"
    return bind.dialect.name == "sqlite"


def session_factory(engine: Engine) -> SessionFactory:
    """A callable returning a new ``Session`` bound to ``engine`` (expire_on_commit off)."""

    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    return factory


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """A session whose work is committed whole on exit or rolled back whole on any error.

    On SQLite the transaction begins IMMEDIATE (the write lock is taken at once)."""
    session = factory()
    try:
        session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to Alembic ``head``. Safe when several processes start at once:
    the upgrade runs in one transaction under an exclusive lock (a PostgreSQL advisory lock,
    SQLite's write lock), so the second process waits and then finds nothing to do."""
    from store.migrations.runner import upgrade_head

    upgrade_head(engine)
