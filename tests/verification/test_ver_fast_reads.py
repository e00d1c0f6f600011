"""The compiled reads of the verification hot path (store.reads) on SQLite and PostgreSQL: the
same values as SQLAlchemy in a transaction, and every committed change in the next read, also
through the connection the event loop keeps (``LoopReader``).

PostgreSQL comes from ``TANPASS_TEST_POSTGRES_URL`` (``scripts/pg.sh start``); unset, those
cases are skipped (as in tests/store).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api import principals
from api.bootstrap import seed_demo
from api.security import issue_token, session_version
from config import Settings
from store import (
    Application,
    Certificate,
    Product,
    make_engine,
    migrate,
    session_factory,
    transaction,
    utcnow,
)
from store.db import normalise_url
from store.reads import LoopReader
from store.registry import record_status_change, snapshot

NUMBER = "TP-2026-000001"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'reads.sqlite3'}")
        migrate(eng)
        yield eng
        eng.dispose()
        return
    base = os.environ.get("TANPASS_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("TANPASS_REQUIRE_POSTGRES") == "1":
            pytest.fail("TANPASS_REQUIRE_POSTGRES=1 but TANPASS_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not available: TANPASS_TEST_POSTGRES_URL is not set")
    admin = sa.create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    name = f"tanpass_t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    eng = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        migrate(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_compiled_reads_agree_with_sqlalchemy_and_see_every_change(engine: Engine,
                                                                    tmp_path: Path) -> None:
    factory = session_factory(engine)
    with factory() as s:
        accounts = seed_demo(s, "a-long-test-password")
    user_id = accounts.user_ids["exporter@demo.tanpass"]
    with transaction(factory) as s:
        org = accounts.org_ids["exporter"]
        product = Product(org_id=org, name="Meter", model="M", category="smart_meter",
                          cn_code="85437090")
        s.add(product)
        s.flush()
        app = Application(org_id=org, product_id=product.id, regimes=["cn_label"],
                          status="certified", workflow_id="wf-reads", created_by=user_id)
        s.add(app)
        s.flush()
        now = utcnow()
        s.add(Certificate(number=NUMBER, application_id=app.id, org_id=org, product_id=product.id,
                          holder_name="电表公司", holder_uscc="91510100MA61XY2K77",
                          product_name="Meter", product_model="M", total=59.25, unit="kg CO2e",
                          issued_at=now, valid_from=now, valid_until=now + timedelta(days=30)))

    reader = LoopReader(engine)  # one connection kept across reads (the event loop's)

    def both() -> object:
        with factory() as s:
            inside = snapshot(s, NUMBER)
        outside = snapshot(engine, NUMBER)
        assert outside == inside == snapshot(reader, NUMBER)
        return outside

    first = both()
    assert first is not None and first.history == () and first.cn_code == "85437090"
    assert first.valid_from.tzinfo is not None and first.total == 59.25
    for status in ("suspended", "valid", "revoked"):
        with transaction(factory) as s:
            record_status_change(s, NUMBER, status, f"test {status}", None, utcnow(),
                                 f"reads/{status}")
        snap = both()
        assert snap is not None and snap.history[-1].status == status  # the very next read
    assert snapshot(engine, "TP-1999-999999") is None
    reader.close()

    user = principals._USER.all(engine, id=user_id)
    with factory() as s:
        assert principals._USER.on(s, id=user_id) == user
    assert user[0].roles == ["exporter"] and user[0].is_active is True
    settings = Settings(var_dir=tmp_path, mode="test", jwt_secret="reads-test-secret-0123456789abcdef0123456789")
    token, _ = issue_token(settings, user_id, "access",
                           session_version=session_version(user[0].password_hash))
    principal = principals.resolve_principal(engine, settings, token)
    assert principal.id == user_id and principal.roles == ("exporter",)
