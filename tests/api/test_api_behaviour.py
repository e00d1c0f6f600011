"""Idempotent retries, pagination under inserts, upload refusals, problem+json, throttling."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from store import BlobRecord, Evidence, Product
from tests.api.api_world import PASSWORD, World, make_world

EXPORTER = "exporter@demo.tanpass"


def _count(world: World, model: type) -> int:
    with world.app.state.sessions() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


# --- idempotency --------------------------------------------------------------------------------

def test_retried_post_with_same_key_creates_once_and_replays(world: World) -> None:
    h = {**world.auth(EXPORTER), "Idempotency-Key": "retry-1"}
    before = _count(world, Product)
    first = world.client.post("/api/v1/products", headers=h, json={"name": "Idem", "model": "I-1"})
    again = world.client.post("/api/v1/products", headers=h,
                              json={"model": "I-1", "name": "Idem"})  # same body, other key order
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(world, Product) == before + 1


def test_same_key_different_body_is_a_422_problem(world: World) -> None:
    h = {**world.auth(EXPORTER), "Idempotency-Key": "retry-2"}
    assert world.client.post("/api/v1/products", headers=h,
                             json={"name": "A", "model": "1"}).status_code == 201
    other = world.client.post("/api/v1/products", headers=h, json={"name": "B", "model": "1"})
    assert other.status_code == 422
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["type"].endswith("/idempotency-key-reused")


def test_keys_are_per_principal(world: World) -> None:
    key = {"Idempotency-Key": "shared-key"}
    a = world.client.post("/api/v1/products", headers={**world.auth(EXPORTER), **key},
                          json={"name": "A", "model": "1"})
    b = world.client.post("/api/v1/products",
                          headers={**world.auth("exporter2@demo.tanpass"), **key},
                          json={"name": "A", "model": "1"})
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_failed_request_frees_its_key(world: World) -> None:
    h = {**world.auth(EXPORTER), "Idempotency-Key": "retry-3"}
    # the process engine is unreachable: 503, nothing created, the key may be used again
    p = world.tenants["A"].product_id
    r = world.client.post("/api/v1/applications", headers=h,
                          json={"product_id": p, "regimes": ["cn_label"]})
    assert r.status_code == 503
    r2 = world.client.post("/api/v1/applications", headers=h,
                           json={"product_id": p, "regimes": ["cn_label"]})
    assert r2.status_code == 503 and r2.json()["type"].endswith("/unavailable")


# --- pagination ---------------------------------------------------------------------------------

def test_pages_stay_stable_while_rows_are_inserted(world: World) -> None:
    h = world.auth("exporter2@demo.tanpass")
    for i in range(7):
        world.client.post("/api/v1/products", headers=h, json={"name": f"Page {i}", "model": "P"})
    expected = [p["id"] for p in world.client.get("/api/v1/products?limit=200&q=Page",
                                                  headers=h).json()]
    seen: list[str] = []
    url = "/api/v1/products?limit=3&q=Page"
    inserted = 0
    while url:
        r = world.client.get(url, headers=h)
        assert r.status_code == 200
        seen += [p["id"] for p in r.json()]
        # someone creates products between our pages
        world.client.post("/api/v1/products", headers=h, json={"name": f"Page new {inserted}",
                                                               "model": "P"})
        inserted += 1
        link = r.headers.get("link")
        assert (link is None) == ("x-next-cursor" not in r.headers)
        url = link.split(";")[0].strip("<>").replace("http://testserver", "") if link else ""
    assert len(seen) == len(set(seen)), "a row came twice"
    assert seen[:len(expected)] == expected, "a row present at the start was skipped"


def test_descending_sort_and_bad_cursor(world: World) -> None:
    h = world.auth("exporter2@demo.tanpass")
    r = world.client.get("/api/v1/products?sort=-created_at&limit=2", headers=h)
    cursor = r.headers["x-next-cursor"]
    bad = world.client.get(f"/api/v1/products?sort=created_at&cursor={cursor}", headers=h)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "query/cursor"
    junk = world.client.get("/api/v1/products?cursor=%%%", headers=h)
    assert junk.status_code == 422


def test_etag_gives_304(world: World) -> None:
    h = world.auth(EXPORTER)
    url = f"/api/v1/applications/{world.tenants['A'].application_id}"
    r = world.client.get(url, headers=h)
    etag = r.headers["etag"]
    assert world.client.get(url, headers={**h, "If-None-Match": etag}).status_code == 304
    assert world.client.get(url, headers={**h, "If-None-Match": '"other"'}).status_code == 200


# --- uploads ------------------------------------------------------------------------------------

def _upload(world: World, data: bytes, name: str = "bill.pdf", mime: str = "application/pdf"):  # noqa: ANN202
    url = f"/api/v1/applications/{world.tenants['A'].application_id}/evidence"
    return world.client.post(url, headers=world.auth(EXPORTER), files={"file": (name, data, mime)})


def _sample(case: str) -> bytes:
    from evidence import samples

    return {
        "exe named pdf": b"MZ\x90\x00" + b"\x00" * 100,
        "broken pdf": samples.corrupt_pdf(),
        "encrypted pdf": samples.encrypted_pdf(),
        "empty": b"",
        "broken png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    }[case]


@pytest.mark.parametrize(("case", "status", "kind", "code"), [
    ("exe named pdf", 415, "unsupported-media-type", None),
    ("broken pdf", 422, "upload-rejected", "corrupt_pdf"),
    ("encrypted pdf", 422, "upload-rejected", "encrypted_pdf"),
    ("empty", 422, "upload-rejected", "empty"),
    ("broken png", 422, "upload-rejected", "corrupt_image"),
])
def test_upload_refusals_leave_nothing_behind(world: World, case: str, status: int, kind: str,
                                              code: str | None) -> None:
    data = _sample(case)
    ev, blobs = _count(world, Evidence), _count(world, BlobRecord)
    r = _upload(world, data)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["type"].endswith("/" + kind)
    if code:
        assert body["code"] == code, body
    assert body["detail"] and "Traceback" not in r.text
    assert (_count(world, Evidence), _count(world, BlobRecord)) == (ev, blobs)


def test_upload_size_limit(tmp_path: Path) -> None:
    with make_world(tmp_path, TANPASS_API__MAX_UPLOAD_BYTES="1000") as w:
        url = f"/api/v1/applications/{w.tenants['A'].application_id}/evidence"
        r = w.client.post(url, headers=w.auth(EXPORTER),
                          files={"file": ("big.pdf", b"%PDF-1.4\n" + b"0" * 200_000, "application/pdf")})
        assert r.status_code == 413
        assert r.json()["type"].endswith("/payload-too-large")


def test_a_real_pdf_is_read_and_stored_by_hash(world: World) -> None:
    from evidence.samples import electricity_bill

    data = electricity_bill().data
    r = _upload(world, data, name="../../etc/passwd.txt", mime="text/plain")
    assert r.status_code == 201, r.text
    body = r.json()
    import hashlib

    assert body["blob_sha256"] == hashlib.sha256(data).hexdigest()
    assert body["media_type"] == "application/pdf" and body["filename"] == "passwd.txt"
    assert body["extraction"]["document_type"] == "electricity_bill"
    content = world.client.get(f"/api/v1/applications/{world.tenants['A'].application_id}"
                               f"/evidence/{body['id']}/content", headers=world.auth(EXPORTER))
    assert content.content == data


# --- problem+json -------------------------------------------------------------------------------

def test_problem_shape_and_language(world: World) -> None:
    h = world.auth(EXPORTER)
    en = world.client.post("/api/v1/products", headers=h, json={"name": ""})
    zh = world.client.post("/api/v1/products", headers={**h, "Accept-Language": "zh-CN,zh;q=0.9"},
                           json={"name": ""})
    for r in (en, zh):
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert set(body) >= {"type", "title", "status", "detail", "instance", "errors"}
        assert body["status"] == 422 and body["type"].endswith("/validation")
        assert {e["path"] for e in body["errors"]} >= {"body/name", "body/model"}
    assert en.json()["title"] == "The request is not valid"
    assert zh.json()["title"] == "请求内容无效" and zh.headers["content-language"] == "zh"
    assert en.json()["type"] == zh.json()["type"]


@pytest.mark.parametrize(("method", "url", "status", "kind"), [
    ("GET", "/api/v1/products", 401, "unauthenticated"),
    ("GET", "/api/v1/no-such-route", 404, "not-found"),
    ("PUT", "/api/v1/products", 405, "method-not-allowed"),
])
def test_every_error_is_a_problem(world: World, method: str, url: str, status: int,
                                  kind: str) -> None:
    r = world.client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/" + kind)


def test_no_stack_trace_on_internal_error(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from api import services

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals /etc/shadow")

    monkeypatch.setattr(services, "application_detail", boom)
    r = world.client.get(f"/api/v1/applications/{world.tenants['A'].application_id}",
                         headers=world.auth(EXPORTER))
    assert r.status_code == 500
    assert r.json()["type"].endswith("/internal")
    assert "secret" not in r.text and "Traceback" not in r.text


def test_openapi_documents_every_error(world: World) -> None:
    doc = world.client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"422", "500"} <= codes, (method, path)
            if path.startswith("/api/v1/") and not path.startswith(("/api/v1/public/",
                                                                    "/api/v1/auth/token",
                                                                    "/api/v1/auth/refresh",
                                                                    "/api/v1/auth/client-token")):
                assert {"401", "403"} <= codes, (method, path)
            for code, resp in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert "application/problem+json" in resp["content"], (method, path, code)
    assert world.client.get("/docs").status_code == 200


# --- sign-in ------------------------------------------------------------------------------------

def test_login_throttled_per_account_with_retry_after(tmp_path: Path) -> None:
    with make_world(tmp_path, TANPASS_API__LOGIN_MAX_FAILURES_PER_ACCOUNT="3") as w:
        form = {"username": "customs@demo.tanpass", "password": "wrong-password"}
        codes = [w.client.post("/api/v1/auth/token", data=form).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        # now even the right password waits: no guessing during the block
        r = w.client.post("/api/v1/auth/token", data={**form, "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert r.json()["type"].endswith("/login-throttled")
        # unknown accounts are counted the same way (no enumeration)
        ghost = {"username": "nobody@demo.tanpass", "password": "x"}
        assert [w.client.post("/api/v1/auth/token", data=ghost).status_code
                for _ in range(4)] == [401, 401, 401, 429]
        # another account is not blocked
        ok = w.client.post("/api/v1/auth/token", data={"username": "subsidy@demo.tanpass",
                                                       "password": PASSWORD})
        assert ok.status_code == 200


def test_login_throttled_per_ip(tmp_path: Path) -> None:
    with make_world(tmp_path, TANPASS_API__LOGIN_MAX_FAILURES_PER_IP="3") as w:
        for i in range(3):
            w.client.post("/api/v1/auth/token", data={"username": f"u{i}@x.cn", "password": "x"})
        r = w.client.post("/api/v1/auth/token", data={"username": "admin@demo.tanpass",
                                                      "password": PASSWORD})
        assert r.status_code == 429


def test_password_change_ends_earlier_tokens_and_refresh(tmp_path: Path) -> None:
    with make_world(tmp_path) as w:
        pair = w.client.post("/api/v1/auth/token", data={"username": EXPORTER,
                                                         "password": PASSWORD}).json()
        h = {"Authorization": f"Bearer {pair['access_token']}"}
        assert w.client.post("/api/v1/auth/refresh",
                             json={"refresh_token": pair["refresh_token"]}).status_code == 200
        new = w.client.post("/api/v1/auth/password", headers=h, json={
            "current_password": PASSWORD, "new_password": "a-new-long-password"})
        assert new.status_code == 200
        assert w.client.get("/api/v1/auth/me", headers=h).status_code == 401
        assert w.client.post("/api/v1/auth/refresh",
                             json={"refresh_token": pair["refresh_token"]}).status_code == 401
        h2 = {"Authorization": f"Bearer {new.json()['access_token']}"}
        assert w.client.get("/api/v1/auth/me", headers=h2).status_code == 200


def test_api_key_lifecycle(world: World) -> None:
    person = world.auth(EXPORTER)
    created = world.client.post("/api/v1/api-keys", headers=person, json={
        "name": "erp", "scopes": ["products:read", "applications:read"]})
    assert created.status_code == 201
    key = created.json()
    with world.app.state.sessions() as s:
        from store import ApiKey

        stored = s.get(ApiKey, key["id"])
        assert stored is not None and key["client_secret"] not in stored.secret_hash
    bad = world.client.post("/api/v1/auth/client-token", data={
        "grant_type": "client_credentials", "client_id": key["id"], "client_secret": "nope"})
    assert bad.status_code == 401 and bad.json()["type"].endswith("/invalid-client")
    tok = world.client.post("/api/v1/auth/client-token", auth=(key["id"], key["client_secret"]),
                            data={"grant_type": "client_credentials"})
    assert tok.status_code == 200 and tok.json()["scope"] == "applications:read products:read"
    mh = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert world.client.get("/api/v1/applications", headers=mh).status_code == 200
    # a machine cannot mint keys, and a key cannot exceed its owner's roles
    assert world.client.post("/api/v1/api-keys", headers=mh,
                             json={"name": "x", "scopes": ["products:read"]}).status_code == 403
    assert world.client.post("/api/v1/api-keys", headers=person, json={
        "name": "x", "roles": ["admin"], "scopes": ["products:read"]}).status_code == 422
    assert world.client.delete(f"/api/v1/api-keys/{key['id']}", headers=person).status_code == 200
    assert world.client.get("/api/v1/applications", headers=mh).status_code == 401


def test_organisation_uscc_is_checked(world: World) -> None:
    h = world.auth("admin@demo.tanpass")
    bad = world.client.post("/api/v1/organisations", headers=h, json={
        "name": "X", "uscc": "91350100M000100Y44", "kind": "exporter"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "body/uscc"
    ok = world.client.post("/api/v1/organisations", headers=h, json={
        "name": "Fuzhou Example", "uscc": "91350100M000100Y43", "kind": "exporter"})
    assert ok.status_code == 201
    again = world.client.post("/api/v1/organisations", headers=h, json={
        "name": "Dup", "uscc": "91350100m000100y43", "kind": "exporter"})
    assert again.status_code == 409
