"""The authorisation matrix: every role (and no token, and a narrowly scoped API key) against
every route of the app's route table, with another tenant's ids.

The matrix is generated from the app, so a new route without an access rule in ``api.policy``
fails ``test_every_route_has_an_access_rule``. Every forbidden combination must answer 401
(no token), 403 or 404, and the answer for another tenant's *existing* id must equal the
answer for an id that does not exist (same status, type and detail): nothing leaks.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from api import policy
from tests.api.api_world import World

ROLE_USERS = {
    "exporter": "exporter@demo.tanpass",
    "exporter2": "exporter2@demo.tanpass",
    "verifier": "verifier@demo.tanpass",
    "certifier": "certifier@demo.tanpass",
    "customs": "customs@demo.tanpass",
    "subsidy": "subsidy@demo.tanpass",
    "admin": "admin@demo.tanpass",
}
ROLES_OF = {"exporter": {"exporter"}, "exporter2": {"exporter"}, "verifier": {"verifier"},
            "certifier": {"certifier"}, "customs": {"customs"}, "subsidy": {"subsidy"},
            "admin": {"admin"}}
OUTSIDE_V1 = {("GET", "/healthz")}  # liveness probe, public by design
# Cross-tenant visibility that is by design: a certification officer sees every certificate
# and the whole audit trail; an administrator sees everything.
SEES_ALL = {("certifier", "/api/v1/certificates"), ("certifier", "/api/v1/audit")}


def _routes(world: World) -> list[policy.RouteEntry]:
    return [e for e in policy.route_table(world.app) if e.path.startswith("/api/v1/")]


def test_every_route_has_an_access_rule(world: World) -> None:
    missing = [f"{e.method} {e.path}" for e in policy.route_table(world.app)
               if policy.access_for(e.method, e.path, e.dependant) is None
               and (e.method, e.path) not in OUTSIDE_V1]
    assert missing == [], f"routes without an access rule in api.policy: {missing}"


def _ids_for(world: World, who: str, *, missing: bool) -> dict[str, str]:
    """Path values naming records of the *other* tenant (or records that do not exist)."""
    other = world.tenants["A" if who == "exporter2" else "B"]
    if missing:
        return {"application_id": "0" * 32, "product_id": "0" * 32, "number": "TP-2099-999999",
                "evidence_id": "0" * 32, "org_id": "0" * 32, "user_id": "0" * 32,
                "key_id": "0" * 32, "version": "1", "set_id": "tanpass-cn", "name": "cn_label",
                "finding_id": "0" * 32}
    return {"application_id": other.application_id, "product_id": other.product_id,
            "number": other.certificate_number, "evidence_id": other.evidence_id,
            "org_id": other.org_id, "user_id": other.user_id, "key_id": other.api_key_id,
            "version": "1", "set_id": "tanpass-cn", "name": "cn_label", "finding_id": "0" * 32}


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "x" * 8), path)


def _send(world: World, method: str, url: str, headers: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    return world.client.request(method, url, **kwargs)


def _same_answer(a: Any, b: Any) -> bool:
    if a.status_code != b.status_code:
        return False
    if a.status_code >= 400:
        ja, jb = a.json(), b.json()
        return (ja.get("type"), ja.get("detail")) == (jb.get("type"), jb.get("detail"))
    return True


@pytest.mark.parametrize("who", [*ROLE_USERS, "anonymous", "machine"])
def test_matrix(world: World, who: str) -> None:
    headers: dict[str, str] = {}
    roles: set[str] = set()
    if who in ROLE_USERS:
        headers, roles = world.auth(ROLE_USERS[who]), ROLES_OF[who]
    elif who == "machine":
        headers, roles = _machine_headers(world), {"exporter"}
    failures: list[str] = []
    checked = 0
    for e in _routes(world):
        rule = policy.access_for(e.method, e.path, e.dependant)
        assert rule is not None
        if rule.public:
            continue  # public routes: covered by their own tests and the fuzz run
        role_ok = bool(roles & set(rule.roles or ()))
        scope_ok = who != "machine" or policy.scope_for(e.method, e.path, rule) == "products:read"
        foreign = _send(world, e.method, _fill(e.path, _ids_for(world, who, missing=False)), headers)
        absent = _send(world, e.method, _fill(e.path, _ids_for(world, who, missing=True)), headers)
        checked += 1
        label = f"{who}: {e.method} {e.path} -> {foreign.status_code}"
        if foreign.status_code >= 500 and foreign.status_code != 503:
            failures.append(label + " (server error)")
            continue
        if who == "anonymous":
            if foreign.status_code != 401 or absent.status_code != 401:
                failures.append(label + " (expected 401)")
            continue
        if not role_ok or not scope_ok:
            if foreign.status_code != 403 or not _same_answer(foreign, absent):
                failures.append(label + " (expected 403, same for a missing id)")
            continue
        has_ids = "{" in e.path and any(p in e.path for p in (
            "{application_id}", "{product_id}", "{number}", "{org_id}", "{user_id}", "{key_id}"))
        sees_all = who == "admin" or any(
            who == w and e.path.startswith(prefix) for w, prefix in SEES_ALL)
        if has_ids and not sees_all:
            if foreign.status_code not in (403, 404) or not _same_answer(foreign, absent):
                failures.append(label + f" (expected 403/404 like a missing id: "
                                        f"{absent.status_code})")
        elif e.method == "GET" and not sees_all and foreign.status_code == 200:
            other = world.tenants["A" if who == "exporter2" else "B"]
            body = foreign.text
            leaked = [v for v in (other.application_id, other.product_id, other.evidence_id,
                                  other.certificate_number, other.api_key_id) if v in body]
            if leaked and not (who == "certifier" and "/certificates" in e.path):
                failures.append(label + f" (lists another tenant's records: {leaked})")
    assert checked > 40
    assert failures == [], "\n".join(failures)


def _machine_headers(world: World) -> dict[str, str]:
    """A key of the exporter with the one scope products:read."""
    person = world.auth("exporter@demo.tanpass")
    r = world.client.post("/api/v1/api-keys", headers=person,
                          json={"name": "matrix", "scopes": ["products:read"]})
    assert r.status_code == 201, r.text
    key = r.json()
    t = world.client.post("/api/v1/auth/client-token", data={
        "grant_type": "client_credentials", "client_id": key["id"],
        "client_secret": key["client_secret"]})
    assert t.status_code == 200, t.text
    return {"Authorization": f"Bearer {t.json()['access_token']}"}


def test_machine_key_reads_what_its_scope_allows(world: World) -> None:
    h = _machine_headers(world)
    r = world.client.get("/api/v1/products", headers=h)
    assert r.status_code == 200
    assert {p["org_id"] for p in r.json()} == {world.tenants["A"].org_id}
    w = world.client.post("/api/v1/products", headers=h, json={"name": "x", "model": "y"})
    assert w.status_code == 403
    assert w.json()["type"].endswith("/insufficient-scope")
    assert w.json()["required_scope"] == "products:write"
