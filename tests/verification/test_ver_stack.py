"""Verification end to end on the real stack: certificates issued by the real workflow, checked
by number, seal, QR image (pdftoppm + zbarimg), PDF upload, the offline CLI with the synced
status and trust lists, and pdfsig.

Revocation, suspension and recorded expiry are written with ``store.registry.
record_status_change`` directly on the stack's database (the workflow routes for them belong to
issue 5), exactly as those activities will call it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sqlmodel import select

from scripts.demo import drive, login
from signing import (
    SealClaims,
    SealKey,
    TrustList,
    TrustListError,
    build_trust_list,
    decode_seal,
    make_seal,
    parse_status_list,
)
from store import Product, make_engine, session_factory, transaction
from store.registry import CHINA, find_certificate, printed_validity, record_status_change
from tests.harness import REPO, Stack
from tests.signing.conftest import run_tool

V = "/api/v1"


@dataclass
class Issued:
    number: str
    pdf: bytes
    seal: str
    valid_until: date


@dataclass
class World:
    stack: Stack
    client: httpx.Client
    certs: dict[str, Issued]  # valid / revoked / suspended / expired
    tmp: Path
    officer: dict[str, str]  # customs officer's bearer header (officer routes: no IP throttle)


def _registry_change(stack: Stack, number: str, status: str, reason: str) -> None:
    engine = make_engine(stack.database_url)
    try:
        with transaction(session_factory(engine)) as s:
            record_status_change(s, number, status, reason, None, datetime.now(UTC),
                                 f"test/{number}/{status}")
    finally:
        engine.dispose()


def _set_cn_code(stack: Stack, number: str, code: str) -> None:
    engine = make_engine(stack.database_url)
    try:
        with transaction(session_factory(engine)) as s:
            cert = find_certificate(s, number)
            product = s.exec(select(Product).where(Product.id == cert.product_id)).one()
            product.cn_code = code
            s.add(product)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def world(shared_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with httpx.Client(base_url=shared_stack.api_url, timeout=120) as client:
        exporter = login(client, "exporter@demo.tanpass", shared_stack.password)
        certs: dict[str, Issued] = {}
        for kind in ("valid", "revoked", "suspended", "expired"):
            run = drive(client, shared_stack.password, product_name="电能表 Meter " + kind)
            number = run.certificate_number
            pdf = client.get(f"{V}/certificates/{number}/pdf", headers=exporter)
            assert pdf.status_code == 200, pdf.text
            engine = make_engine(shared_stack.database_url)
            with session_factory(engine)() as s:
                row = find_certificate(s, number)
                seal, until = row.seal or "", printed_validity(row)[1]
            engine.dispose()
            certs[kind] = Issued(number, pdf.content, seal, until)
        _registry_change(shared_stack, certs["revoked"].number, "revoked",
                         "falsified electricity bills 伪造电费单")
        _registry_change(shared_stack, certs["suspended"].number, "suspended",
                         "surveillance audit overdue 监督审核逾期")
        _registry_change(shared_stack, certs["expired"].number, "expired",
                         "superseded by renewal 已被换证取代")
        _set_cn_code(shared_stack, certs["valid"].number, "85437090")
        officer = login(client, "customs@demo.tanpass", shared_stack.password)
        tmp = tmp_path_factory.mktemp("ver")
        # the offline desk syncs both lists once (public routes are throttled per IP)
        (tmp / "trust.json").write_bytes(client.get(f"{V}/public/trust-list").content)
        (tmp / "status.json").write_bytes(client.get(f"{V}/public/status-list").content)
        yield World(shared_stack, client, certs, tmp, officer)


def _codes(answer: dict) -> set[str]:
    return {r["code"] for r in answer["reasons"]}


def _qr_png(world: World, pdf: bytes, name: str) -> bytes:
    """The certificate's page as a 300 dpi scan (pdftoppm), once per certificate."""
    png = world.tmp / f"{name}.png"
    if not png.exists():
        path = world.tmp / f"{name}.pdf"
        path.write_bytes(pdf)
        run_tool("pdftoppm", "-r", "300", "-png", "-singlefile", str(path), str(world.tmp / name),
                 check=True)
    return png.read_bytes()


def _all_paths(world: World, kind: str, at: str | None = None,
               public: bool = False) -> dict[str, dict]:
    """The four online checks of one certificate, on the public routes or the officer routes."""
    c = world.certs[kind]
    params = {"at": at} if at else {}
    base, headers = (f"{V}/public/verify", {}) if public else (f"{V}/verification",
                                                                 world.officer)
    number_path = f"{base}/{c.number}" if public else f"{base}/certificates/{c.number}"
    post = lambda path, **kw: world.client.post(f"{base}/{path}", params=params,  # noqa: E731
                                                headers=headers, **kw)
    answers = {
        "number": world.client.get(number_path, params=params, headers=headers),
        "seal": post("seal", json={"seal": c.seal}),
        "qr": post("qr", files={"file": ("qr.png", _qr_png(world, c.pdf, kind), "image/png")}),
        "pdf": post("pdf", files={"file": ("c.pdf", c.pdf, "application/pdf")}),
    }
    for path, r in answers.items():
        assert r.status_code == 200, (path, r.text)
    return {path: r.json() for path, r in answers.items()}


def _offline(world: World, *source: str, status_list: bool = True) -> tuple[int, dict]:
    """Run the offline CLI on ``source`` (a seal, or ``--qr-image PATH``) with the trust list
    (and the status list) downloaded from the public routes."""
    args = [sys.executable, "-m", "signing.offline_verify", "--trust-list",
            str(world.tmp / "trust.json"), "--json"]
    if status_list:
        args += ["--status-list", str(world.tmp / "status.json")]
    proc = subprocess.run([*args, *source], capture_output=True, text=True, cwd=REPO,
                          timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


# --- signatures ----------------------------------------------------------------------------------


def test_pdfsig_reports_every_issued_certificate_valid_and_wholly_signed(world: World) -> None:
    for kind, cert in world.certs.items():
        path = world.tmp / f"pdfsig-{kind}.pdf"
        path.write_bytes(cert.pdf)
        out = run_tool("pdfsig", str(path))
        text = out.stdout + out.stderr
        assert "Signature is Valid" in text, (kind, text)
        assert "Total document signed" in text, (kind, text)


@pytest.mark.parametrize("public", [True, False], ids=["public", "officer"])
def test_valid_certificate_is_green_on_every_path(world: World, public: bool) -> None:
    answers = _all_paths(world, "valid", public=public)
    for path, a in answers.items():
        assert a["verdict"] == "green", (path, a["reasons"])
        assert a["status"] == "valid" and a["number"] == world.certs["valid"].number
        assert a["holder_uscc"] and a["product_name"].startswith("电能表")
    pdf = answers["pdf"]
    assert pdf["signature"]["intact"] and pdf["signature"]["trusted"]
    assert pdf["signature"]["covers_whole_document"] and pdf["document"]["matches_registry"]
    assert answers["qr"]["seal"] == {"kid": answers["seal"]["seal"]["kid"], "authentic": True,
                                     "matches_registry": True}


def test_one_altered_byte_is_red_with_the_reason(world: World) -> None:
    data = bytearray(world.certs["valid"].pdf)
    start = data.index(b"stream", 2000) + 40  # inside a signed content stream
    data[start] ^= 0x01
    a = world.client.post(f"{V}/public/verify/pdf",
                          files={"file": ("c.pdf", bytes(data), "application/pdf")}).json()
    assert a["verdict"] == "red"
    assert {"document_differs"} < _codes(a)
    assert _codes(a) & {"digest_mismatch", "bad_signature", "validation_error"}
    assert a["number"] == world.certs["valid"].number  # still says which certificate it mimics
    assert all(r["message_zh"] and r["message_en"] for r in a["reasons"])


def test_appended_incremental_update_is_red_with_the_reason(world: World) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(world.certs["valid"].pdf))
    info = writer.trailer["/Info"].get_object()
    info[pdf_name("/Subject")] = pdf_string("footprint 0.1 kg CO2e")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    a = world.client.post(f"{V}/public/verify/pdf",
                          files={"file": ("c.pdf", out.getvalue(), "application/pdf")}).json()
    assert a["verdict"] == "red"
    assert {"modified_after_signing", "document_differs"} <= _codes(a)
    assert a["signature"]["intact"] and not a["signature"]["covers_whole_document"]


def test_garbage_and_unsigned_uploads_are_red_answers_not_errors(world: World) -> None:
    for data in (b"", b"%PDF-1.7 nonsense", b"\x89PNG\r\n"):
        r = world.client.post(f"{V}/verification/pdf", files={"file": ("x.pdf", data)},
                              headers=world.officer)
        assert r.status_code == 200 and r.json()["verdict"] == "red", r.text
        r = world.client.post(f"{V}/verification/qr", files={"file": ("x.png", data)},
                              headers=world.officer)
        assert r.status_code == 200 and _codes(r.json()) == {"qr_unreadable"}, r.text
    for path, headers in ((f"{V}/public/verify/TP-1999-999999", {}),
                          (f"{V}/verification/certificates/TP-1999-999999", world.officer)):
        r = world.client.get(path, headers=headers)
        assert r.status_code == 200 and _codes(r.json()) == {"not_found"}, r.text
        assert r.json()["status"] == "not_found"


# --- registry status on every path --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["revoked", "suspended", "expired"])
def test_status_shows_on_number_seal_qr_and_pdf(world: World, kind: str) -> None:
    for path, a in _all_paths(world, kind).items():
        assert a["verdict"] == "red", path
        assert a["status"] == kind, (path, a)
        assert kind in _codes(a), (path, a["reasons"])
        assert a["status_reason"] and a["status_since"]
    # before the change (yesterday), the same certificate was valid
    yesterday = (datetime.now(CHINA) - timedelta(days=1)).date().isoformat()
    before = world.client.get(f"{V}/public/verify/{world.certs[kind].number}",
                              params={"at": yesterday}).json()
    if before["status"] != "not_yet_valid":  # issued today in China time: not yet valid then
        assert before["verdict"] == "green"


@pytest.mark.parametrize("kind", ["revoked", "suspended", "expired"])
def test_offline_cli_with_synced_status_list_shows_the_status(world: World, kind: str) -> None:
    code, out = _offline(world, world.certs[kind].seal)
    assert code == 1 and out["status"] == kind
    assert kind in {r["code"] for r in out["reasons"]}


def test_date_derived_expiry_on_every_path_and_offline(world: World) -> None:
    after = (world.certs["valid"].valid_until + timedelta(days=1)).isoformat()
    for path, a in _all_paths(world, "valid", at=after).items():
        assert a["verdict"] == "red" and a["status"] == "expired", path
        assert "expired" in _codes(a)
    last = world.certs["valid"].valid_until.isoformat()
    assert world.client.get(f"{V}/public/verify/{world.certs['valid'].number}",
                            params={"at": last}).json()["verdict"] == "green"
    code, out = _offline(world, "--at", f"{after}T12:00:00+08:00", world.certs["valid"].seal)
    assert code == 1 and out["status"] == "expired"


# --- offline seal -------------------------------------------------------------------------------


def test_qr_on_the_issued_pdf_decodes_to_the_seal_and_verifies_offline(world: World) -> None:
    cert = world.certs["valid"]
    _qr_png(world, cert.pdf, "valid")
    png = world.tmp / "valid.png"
    found = run_tool("zbarimg", "-q", "--raw", str(png)).stdout.splitlines()
    assert cert.seal in found
    code, out = _offline(world, cert.seal, status_list=False)  # the trust list only
    assert code == 0 and out["ok"] and out["claims"]["number"] == cert.number
    code, out = _offline(world, "--qr-image", str(png))
    assert code == 0 and out["claims"]["number"] == cert.number


def _foreign_seal_key() -> SealKey:
    """An ES256 key and self-signed certificate that our trust list does not know."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forger seal")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=400))
            .sign(key, hashes.SHA256()))
    return SealKey(key, cert)


def test_offline_rejects_tampered_payload_and_unknown_key(world: World) -> None:
    import zlib

    import base45

    cert = world.certs["valid"]
    raw = bytearray(zlib.decompress(base45.b45decode(cert.seal[4:])))
    at = raw.index(cert.number.encode())
    raw[at + len(cert.number) - 1] ^= 0x01  # another certificate number, same signature
    forged = "TP1:" + base45.b45encode(zlib.compress(bytes(raw))).decode()
    code, out = _offline(world, forged)
    assert code == 1 and {r["code"] for r in out["reasons"]} == {"bad_signature"}
    a = world.client.post(f"{V}/public/verify/seal", json={"seal": forged}).json()
    assert a["verdict"] == "red" and "bad_signature" in _codes(a) and a["number"] is None
    # a trust list without our key: the seal's key id is unknown
    other = _foreign_seal_key()
    foreign = world.tmp / "foreign.json"
    foreign.write_text(build_trust_list([other], issuer="elsewhere").to_json())
    proc = subprocess.run([sys.executable, "-m", "signing.offline_verify", "--trust-list",
                           str(foreign), "--json", cert.seal], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.returncode == 1
    assert {r["code"] for r in json.loads(proc.stdout)["reasons"]} == {"unknown_kid"}
    # and a seal made by the foreign key is refused online
    claims = SealClaims(cert.number, "91350100M000100Y43", "x", 1.0, "kg", date(2026, 1, 1),
                        date(2030, 1, 1), datetime.now(UTC), "forger")
    fake = make_seal(claims, other)
    assert decode_seal(fake).kid != decode_seal(cert.seal).kid
    a = world.client.post(f"{V}/public/verify/seal", json={"seal": fake}).json()
    assert a["verdict"] == "red" and "unknown_kid" in _codes(a)


def test_status_list_is_signed_and_lists_the_changes(world: World) -> None:
    trust = TrustList.from_json(world.client.get(f"{V}/public/trust-list").content)
    text = world.client.get(f"{V}/public/status-list").text
    listed = parse_status_list(text, trust)
    for kind in ("revoked", "suspended", "expired"):
        entry = listed.entries[world.certs[kind].number]
        assert entry.status.value == kind and entry.reason
    assert world.certs["valid"].number not in listed.entries
    edited = json.loads(text)
    del edited["entries"][world.certs["revoked"].number]
    with pytest.raises(TrustListError):
        parse_status_list(json.dumps(edited), trust)


# --- customs ------------------------------------------------------------------------------------


def _customs(world: World, who: str, **body: str) -> httpx.Response:
    headers = login(world.client, who, world.stack.password)
    return world.client.post(f"{V}/verification/customs", headers=headers, json=body)


def test_customs_check_matches_codes_and_dates(world: World) -> None:
    valid = world.certs["valid"].number
    today = datetime.now(CHINA).date().isoformat()  # the registry counts China days
    cases = {
        "8543 70 90": ("green", "exact"),
        "8543709010": ("green", "covers"),
        "854370": ("red", "coarser"),
        "85044090": ("red", "mismatch"),
    }
    for declared, (verdict, match) in cases.items():
        r = _customs(world, "customs@demo.tanpass", certificate_number=valid,
                     declared_code=declared, declaration_date=today)
        assert r.status_code == 200, r.text
        assert (r.json()["verdict"], r.json()["code_match"]) == (verdict, match), declared
    late = (world.certs["valid"].valid_until + timedelta(days=1)).isoformat()
    r = _customs(world, "customs@demo.tanpass", certificate_number=valid,
                 declared_code="85437090", declaration_date=late).json()
    assert r["verdict"] == "red" and r["certificate"]["status"] == "expired"
    r = _customs(world, "customs@demo.tanpass", certificate_number=world.certs["revoked"].number,
                 declared_code="85437090", declaration_date=today).json()
    assert r["verdict"] == "red" and "revoked" in _codes(r) and "no_product_code" in _codes(r)
    assert _customs(world, "exporter@demo.tanpass", certificate_number=valid,
                    declared_code="85437090", declaration_date=today).status_code == 403
    bad = _customs(world, "customs@demo.tanpass", certificate_number=valid,
                   declared_code="85A3", declaration_date=today)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json")


# --- subsidy office -----------------------------------------------------------------------------


def test_subsidy_batch_route_answers_xlsx_and_json(world: World) -> None:
    import openpyxl
    import xlsxwriter

    valid, revoked = world.certs["valid"], world.certs["revoked"]
    answer = world.client.get(f"{V}/public/verify/{valid.number}").json()
    holder = answer["holder_uscc"]
    today = datetime.now(CHINA).date()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["USCC", "Certificate number", "Amount", "Claim date"])
    rows = [(holder, valid.number, 1000, today.isoformat()),          # approved
            (holder, revoked.number, 2000, today.isoformat()),        # not valid on date
            ("91350100M000100Y43", valid.number, 3000, today.isoformat()),  # mismatch + dup
            (holder[:17] + ("0" if holder[17] != "0" else "1"), "TP-2099-000001", 5,
             today.isoformat())]                                     # bad USCC, not found
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    subsidy = login(world.client, "subsidy@demo.tanpass", world.stack.password)
    files = {"file": ("claims.xlsx", buf.getvalue())}
    r = world.client.post(f"{V}/verification/subsidy/batch", headers=subsidy, files=files,
                          params={"format": "json"})
    assert r.status_code == 200, r.text
    got = [{f["code"] for f in row["reasons"]} for row in r.json()["rows"]]
    assert got == [set(), {"not_valid_on_date"}, {"holder_mismatch", "duplicate_claim"},
                   {"bad_uscc", "not_found"}]
    r = world.client.post(f"{V}/verification/subsidy/batch", headers=subsidy, files=files)
    assert r.status_code == 200 and r.headers["x-tanpass-rejected"] == "3"
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert [sheet.cell(i, 6).value for i in range(2, 6)] == ["approved"] + ["rejected"] * 3
    customs = login(world.client, "customs@demo.tanpass", world.stack.password)
    assert world.client.post(f"{V}/verification/subsidy/batch", headers=customs,
                             files=files).status_code == 403
    assert world.client.post(f"{V}/verification/subsidy/batch", files=files).status_code == 401
    bad = world.client.post(f"{V}/verification/subsidy/batch", headers=subsidy,
                            files={"file": ("x.xlsx", b"not a workbook")})
    assert bad.status_code == 422 and "xlsx" in bad.json()["detail"]


def test_officer_routes_need_an_officer_role(world: World) -> None:
    cert = world.certs["valid"]
    exporter = login(world.client, "exporter@demo.tanpass", world.stack.password)
    path = f"{V}/verification/certificates/{cert.number}"
    assert world.client.get(path).status_code == 401
    assert world.client.get(path, headers=exporter).status_code == 403
    subsidy = login(world.client, "subsidy@demo.tanpass", world.stack.password)
    assert world.client.get(path, headers=subsidy).json()["verdict"] == "green"


def test_latency_by_number_seal_and_pdf(world: World) -> None:
    """Measured figures for the report (printed with -s); bounds are generous for 2-core CI."""
    import statistics
    import time

    cert = world.certs["valid"]

    def timed(call, n: int) -> float:
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            assert call().status_code == 200
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    h = world.officer  # officer routes: the public ones are throttled per IP
    by_number = timed(lambda: world.client.get(f"{V}/verification/certificates/{cert.number}",
                                               headers=h), 30)
    by_seal = timed(lambda: world.client.post(f"{V}/verification/seal", headers=h,
                                              json={"seal": cert.seal}), 30)
    by_pdf = timed(lambda: world.client.post(f"{V}/verification/pdf", headers=h, files={
        "file": ("c.pdf", cert.pdf, "application/pdf")}), 8)
    by_qr = timed(lambda: world.client.post(f"{V}/verification/qr", headers=h, files={
        "file": ("qr.png", _qr_png(world, cert.pdf, "valid"), "image/png")}), 4)
    print(f"\nverification latency (median): number {by_number:.1f} ms, seal {by_seal:.1f} ms, "
          f"PDF ({len(cert.pdf) // 1024} KiB) {by_pdf:.0f} ms, QR page scan at 300 dpi "
          f"{by_qr:.0f} ms")
    assert by_number < 1000 and by_seal < 1000 and by_pdf < 10_000 and by_qr < 10_000
