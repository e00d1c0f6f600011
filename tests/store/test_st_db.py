"""Engine setup, URL handling, the operator CLI, and idempotency records."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store import IdempotencyRecord, SessionFactory, make_engine, normalise_url, transaction
from store.__main__ import main as store_cli
from store.audit import append


def test_postgres_urls_are_pinned_to_psycopg3() -> None:
    assert normalise_url("postgresql://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_engine_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'db.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_engine_reaches_the_database(db: Engine) -> None:
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_idempotency_key_is_unique_per_principal(factory: SessionFactory) -> None:
    def record(principal: str) -> IdempotencyRecord:
        return IdempotencyRecord(key="k-1", principal_id=principal, method="POST",
                                 path="/applications", request_hash="a" * 64, status_code=201,
                                 body={"id": "x"})

    with transaction(factory) as s:
        s.add(record("user-a"))
        s.add(record("user-b"))
    with pytest.raises(sa.exc.IntegrityError), transaction(factory) as s:
        s.add(record("user-a"))


def test_cli_migrates_and_verifies(db_url: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert store_cli(["migrate", "--url", db_url]) == 0
    assert store_cli(["verify-audit", "--url", db_url]) == 0
    assert "intact" in capsys.readouterr().out
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_head SET seq = 5"))
    engine.dispose()
    assert store_cli(["verify-audit", "--url", db_url]) == 1
    assert "missing" in capsys.readouterr().out


def test_append_inside_plain_session_commits_with_caller(factory: SessionFactory) -> None:
    with factory() as s:
        append(s, actor="a", action="b", entity_type="c", entity_id="d")
        s.rollback()
    with factory() as s:
        assert s.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar_one() == 0
