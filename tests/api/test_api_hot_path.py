"""The verification hot path (docs/api-performance.md): what its shortcuts must never change.

No cache may delay a revocation: a status change, a deactivated account, a revoked key or a
new password counts on the very next request. Route order does not matter because no two routes
match the same path. A session opened for the path records is closed whatever happens.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from api import policy
from api import security as sec
from config import get_settings
from store.registry import record_status_change, snapshot
from tests.api.api_world import PASSWORD, World

V = "/api/v1"
ADMIN = "admin@demo.tanpass"


def _sample(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: f"x{m.group(1)}1", path)


def test_hot_routers_share_no_path_with_the_others(world: World) -> None:
    """api/main.py includes the verification and public routers first (matching is linear, so
    the high-volume routes are found first); the others keep their order. That changes which
    route answers no request: no path of a moved router is matched by a route of another
    router, and the other way round (within one router the declared order stays)."""
    from api.main import HOT_FIRST

    moved = {m.__name__ for m in HOT_FIRST[:2]}
    assert moved == {"api.routes.verification", "api.routes.public"}
    routes = [(e, e.route.endpoint.__module__,
               re.compile("^" + re.sub(r"\{\w+(?::\w+)?\}", "[^/]+", e.path) + "$"))
              for e in policy.route_table(world.app)]
    clashes = [(a.path, b.path) for a, ma, _ in routes for b, mb, rb in routes
               if ma != mb and (ma in moved or mb in moved) and rb.match(_sample(a.path))]
    assert clashes == []
    assert sum(m in moved for _, m, _ in routes) > 8


def _officer(world: World) -> tuple[dict[str, str], str]:
    """A new customs officer (so the shared world's accounts stay as they are)."""
    admin = world.auth(ADMIN)
    email = f"customs-{uuid.uuid4().hex[:8]}@demo.tanpass"
    made = world.client.post(f"{V}/users", headers=admin, json={
        "org_id": world.org_ids["customs"], "email": email, "display_name": "Officer",
        "roles": ["customs"], "password": PASSWORD})
    assert made.status_code == 201, made.text
    token = world.client.post(f"{V}/auth/token", data={"username": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}, made.json()["id"]


def test_status_change_counts_on_the_very_next_request(world: World) -> None:
    officer, _ = _officer(world)
    number = world.tenants["B"].certificate_number
    paths = (f"{V}/verification/certificates/{number}", f"{V}/public/verify/{number}")

    def verdicts() -> set[tuple[str, str]]:
        answers = [world.client.get(p, headers=officer) for p in paths]
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
        return {(a.json()["verdict"], a.json()["status"]) for a in answers}

    def change(status: str) -> None:
        from store import transaction

        with transaction(world.app.state.sessions) as s:
            record_status_change(s, number, status, f"test {status}", None,
                                 datetime.now(UTC), f"hot-path/{number}/{status}")

    assert verdicts() == {("green", "valid")}
    change("suspended")
    assert verdicts() == {("red", "suspended")}
    change("valid")
    assert verdicts() == {("green", "valid")}
    change("revoked")
    assert verdicts() == {("red", "revoked")}


def test_snapshot_outside_and_inside_a_transaction_agree(world: World) -> None:
    """The compiled read (DBAPI cursor, no transaction) converts values as SQLAlchemy does."""
    number = world.tenants["A"].certificate_number
    with world.app.state.sessions() as s:
        inside = snapshot(s, number)
    outside = snapshot(world.app.state.engine, number)
    assert outside is not None and outside == inside
    assert outside.valid_from.tzinfo is not None and isinstance(outside.total, float)
    assert snapshot(world.app.state.engine, "TP-1999-999999") is None


def test_deactivated_officer_is_refused_on_the_next_request(world: World) -> None:
    officer, user_id = _officer(world)
    path = f"{V}/verification/certificates/{world.tenants['A'].certificate_number}"
    assert world.client.get(path, headers=officer).status_code == 200
    off = world.client.patch(f"{V}/users/{user_id}", headers=world.auth(ADMIN),
                             json={"is_active": False})
    assert off.status_code == 200, off.text
    refused = world.client.get(path, headers=officer)
    assert refused.status_code == 401 and refused.json()["type"].endswith("/unauthenticated")
    on = world.client.patch(f"{V}/users/{user_id}", headers=world.auth(ADMIN),
                            json={"is_active": True})
    assert on.status_code == 200 and world.client.get(path, headers=officer).status_code == 200


def test_a_verified_token_still_expires(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signature checks are remembered (api.security._VERIFIED); the time limits are not."""
    settings = get_settings()
    token, _ = sec.issue_token(settings, world.user_ids["customs@demo.tanpass"], "access",
                               session_version="x", ttl=timedelta(minutes=5))
    first = sec.read_token(settings, token, "access")
    assert first is not None and (token, settings.require_jwt_secret()) in sec._VERIFIED
    assert sec.read_token(settings, token, "refresh") is None  # wrong kind, remembered or not
    later = first.expires_at.timestamp() + 1
    monkeypatch.setattr(sec.time, "time", lambda: later)
    assert sec.read_token(settings, token, "access") is None
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert sec.read_token(settings, tampered, "access") is None


def test_session_for_path_records_is_closed_on_every_outcome(world: World) -> None:
    """authorise opens a session for the records named in the path and hands it to the route;
    when the request fails first (404 here) the problem handler closes it."""
    pool = world.app.state.engine.pool
    exporter = world.auth("exporter@demo.tanpass")
    other = world.tenants["B"].application_id
    for _ in range(3):
        assert world.client.get(f"{V}/applications/{other}", headers=exporter).status_code == 404
        assert world.client.get(f"{V}/applications/{world.tenants['A'].application_id}",
                                headers=exporter).status_code == 200
    held = 1 if world.app.state.loop_reader is not None else 0  # the loop's own (SQLite)
    assert pool.checkedout() == held
