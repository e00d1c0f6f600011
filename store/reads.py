"""Compiled reads for the hottest paths (the API's principal check, the verification registry).

A :class:`CompiledRead` is a Core ``select`` compiled once per dialect and run on a pooled DBAPI
connection, without SQLAlchemy's per-execution machinery: on the development machine a
primary-key select through ``Connection.execute`` cost ~120 us of Python, the same statement on
the DBAPI cursor ~25 us (docs/api-performance.md). Values come back converted by the columns'
own types (the result processors SQLAlchemy itself would apply: aware UTC datetimes, JSON,
booleans), so callers see what a Core query returns.

Only for single-statement reads: a statement is atomic on its own, so no transaction is opened
(on SQLite the connection is in autocommit mode, see ``store.db``; the rollback done when the
connection goes back to the pool is then a no-op). Nothing is cached but the compiled SQL:
every call reads the database, so a change committed before the call is in its answer.
Inside a transaction (a session), :meth:`CompiledRead.on` runs the same statement through
SQLAlchemy, so the read sees the transaction's own writes.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlmodel import Session


class LoopReader:
    """One pooled DBAPI connection kept for compiled reads made on the event loop's thread
    (SQLite only: ``api.deps.short_read``), so those reads skip the pool's checkout and
    check-in (~8 % of the verification route's samples). It stays in autocommit with no
    statement open between reads, so it holds no read lock and each read sees every commit made
    before it. Use it from one thread only; :meth:`close` returns it to the pool."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect
        self._conn: Any = engine.raw_connection()

    def raw_connection(self) -> Any:
        return _Borrowed(self._conn)

    def close(self) -> None:
        self._conn.close()


class _Borrowed:
    """The reader's connection, lent for one read: closing it keeps it."""

    def __init__(self, conn: Any) -> None:
        self.cursor = conn.cursor

    def close(self) -> None:
        pass


class CompiledRead:
    def __init__(self, stmt: sa.Select[Any]) -> None:
        self.stmt = stmt
        columns = list(stmt.selected_columns)
        self.row_type = namedtuple("Row", [c.key for c in columns])  # type: ignore[misc]
        self._types = [c.type for c in columns]
        self._sql: dict[str, tuple[str, tuple[str, ...] | None]] = {}
        self._procs: dict[str, list[Callable[[Any], Any] | None]] = {}

    def _compiled(self, dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
        found = self._sql.get(dialect.name)
        if found is None:
            compiled = self.stmt.compile(dialect=dialect)
            if any(b.type._cached_bind_processor(dialect) for b in compiled.binds.values()):
                raise TypeError("CompiledRead takes parameters needing no conversion")
            order = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
            found = self._sql[dialect.name] = (str(compiled), order)
        return found

    def _processors(self, dialect: Dialect, description: Any) -> list[Callable[[Any], Any] | None]:
        """The columns' result processors, as SQLAlchemy picks them: by the column type and the
        DBAPI's type code of the column (PostgreSQL numerics need it)."""
        procs = self._procs.get(dialect.name)
        if procs is None:
            procs = self._procs[dialect.name] = [
                t._cached_result_processor(dialect, d[1])
                for t, d in zip(self._types, description, strict=True)]
        return procs

    def all(self, engine: Engine | LoopReader, **params: Any) -> list[Any]:
        """Every row, on a connection of ``engine``'s pool or the loop reader's (no
        transaction)."""
        dialect = engine.dialect
        sql, order = self._compiled(dialect)
        args: Any = tuple(params[k] for k in order) if order is not None else params
        conn = engine.raw_connection()
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(sql, args)
                raw = cursor.fetchall()
                procs = self._processors(dialect, cursor.description)
            finally:
                cursor.close()
        finally:
            conn.close()
        make = self.row_type._make
        return [make([p(v) if p is not None else v for p, v in zip(procs, row, strict=True)])
                for row in raw]

    def on(self, conn: Connection | Session, **params: Any) -> list[Any]:
        """Every row, through SQLAlchemy on ``conn`` (a connection or a session, in its
        transaction)."""
        return [self.row_type._make(r) for r in conn.execute(self.stmt, params).all()]
