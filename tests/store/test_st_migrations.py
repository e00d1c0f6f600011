"""Migrations apply on an empty database of each kind and match the models exactly."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from store import make_engine, migrate
from store.migrations.runner import current_revision, head_revision


def test_migrate_empty_database_reaches_head_without_drift(engine: Engine) -> None:
    assert sa.inspect(engine).get_table_names() == []
    migrate(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_migrate_is_idempotent_and_seeds_audit_head_once(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, seq FROM audit_head")).all()
    assert rows == [(1, 0)]


def test_two_processes_migrating_at_once_both_succeed(db_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        eng = make_engine(db_url)
        try:
            barrier.wait()
            migrate(eng)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    eng = make_engine(db_url)
    with eng.connect() as conn:
        assert current_revision(conn) == head_revision()
        assert conn.execute(sa.text("SELECT count(*) FROM audit_head")).scalar_one() == 1
    eng.dispose()
