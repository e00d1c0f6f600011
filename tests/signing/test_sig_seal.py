"""Offline seal: COSE_Sign1 ES256 round trip, trust and status lists, the CLI, and the QR on
the signed certificate decoded by zbarimg."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import base45
import pytest

from signing import (
    CertificateData,
    CertStatus,
    SealClaims,
    SignerMaterial,
    StatusEntry,
    TrustList,
    TrustListError,
    build_status_list,
    build_trust_list,
    load_dev_signer,
    make_seal,
    parse_status_list,
    render_certificate_pdf,
    sign_pdf,
    verify_pdf,
    verify_seal,
)
from signing.seal import PREFIX
from tests.signing.conftest import run_tool

NOW = datetime.now(UTC).replace(microsecond=0)
FROM = NOW.date() - timedelta(days=30)
UNTIL = FROM + timedelta(days=3 * 365)
AT = NOW + timedelta(days=1)


@pytest.fixture(scope="module")
def claims(signer: SignerMaterial) -> SealClaims:
    # Sealed after the signer exists (the session PKI may be made minutes after collection).
    issued = datetime.now(UTC).replace(microsecond=0)
    return SealClaims(number="TP-2025-000123", holder_uscc="91350100M000100Y43",
                      product="磷酸铁锂电池包 LFP-280Ah", footprint=78.45, unit="kg CO2e/kWh",
                      valid_from=FROM, valid_until=UNTIL, issued_at=issued,
                      issuer="Tanpass Certification Body")


@pytest.fixture(scope="module")
def seal(claims: SealClaims, signer: SignerMaterial) -> str:
    return make_seal(claims, signer)


@pytest.fixture(scope="module")
def trust(signer: SignerMaterial) -> TrustList:
    assert signer.seal_key is not None
    return build_trust_list([signer.seal_key], issuer="Tanpass", issued_at=AT)


def _tamper(seal: str, old: bytes, new: bytes) -> str:
    raw = bytearray(zlib.decompress(base45.b45decode(seal[len(PREFIX):])))
    pos = raw.index(old)
    raw[pos:pos + len(old)] = new
    return PREFIX + base45.b45encode(zlib.compress(bytes(raw))).decode()


def test_round_trip(seal: str, claims: SealClaims, trust: TrustList,
                    signer: SignerMaterial) -> None:
    assert seal.startswith("TP1:") and len(seal) < 600
    assert set(seal[4:]) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    v = verify_seal(seal, trust, at=AT)
    assert v.ok, v.reasons
    assert v.claims == claims and v.status == "valid"
    assert signer.seal_key is not None and v.kid == signer.seal_key.kid.hex()


def test_tampered_payload_is_red(seal: str, trust: TrustList) -> None:
    forged = _tamper(seal, b"78.45" and b"TP-2025-000123", b"TP-2025-999999")
    v = verify_seal(forged, trust, at=AT)
    assert not v.ok and v.claims is None
    assert [p.code for p in v.reasons] == ["bad_signature"]


def test_unknown_kid_and_junk_are_red(seal: str, tmp_path: Path) -> None:
    other = load_dev_signer(tmp_path)
    assert other.seal_key is not None
    foreign = build_trust_list([other.seal_key], issuer="someone else")
    assert [p.code for p in verify_seal(seal, foreign, at=AT).reasons] == ["unknown_kid"]
    assert [p.code for p in verify_seal("HC1:ABC", foreign).reasons] == ["bad_prefix"]
    assert [p.code for p in verify_seal("TP1:%%%", foreign).reasons] == ["bad_encoding"]
    junk = PREFIX + base45.b45encode(zlib.compress(b"\x01\x02")).decode()
    assert [p.code for p in verify_seal(junk, foreign).reasons] == ["bad_cose"]


def test_validity_window(seal: str, trust: TrustList) -> None:
    last_day = datetime.combine(UNTIL, time(15), UTC)  # 23:00 China time on the last day
    assert verify_seal(seal, trust, at=last_day).ok
    late = verify_seal(seal, trust, at=last_day + timedelta(hours=1, minutes=30))
    assert late.status == "expired" and [p.code for p in late.reasons] == ["expired"]
    early = verify_seal(seal, trust, at=datetime.combine(FROM, time(0), UTC) - timedelta(days=1))
    assert early.status == "not_yet_valid"


def test_status_list_revocation(seal: str, trust: TrustList, signer: SignerMaterial) -> None:
    assert signer.seal_key is not None
    doc = build_status_list(
        [StatusEntry("TP-2025-000123", CertStatus.revoked, AT.date(), "监督审核不合格"),
         StatusEntry("TP-2025-000124", CertStatus.valid, FROM)],
        issuer="Tanpass", key=signer.seal_key, issued_at=AT)
    status = parse_status_list(doc, trust)
    v = verify_seal(seal, trust, status, at=AT)
    assert not v.ok and v.status == "revoked" and v.claims is not None
    assert v.reasons[0].code == "revoked" and "监督审核不合格" in v.reasons[0].message_zh
    assert verify_seal(seal, trust, status, at=AT - timedelta(days=2)).ok
    edited = json.loads(doc)
    edited["entries"]["TP-2025-000123"]["status"] = "valid"
    with pytest.raises(TrustListError) as info:
        parse_status_list(json.dumps(edited), trust)
    assert info.value.code == "bad_signature"


def test_trust_list_json_round_trip(trust: TrustList) -> None:
    again = TrustList.from_json(trust.to_json())
    assert again.keys.keys() == trust.keys.keys() and again.issued_at == trust.issued_at
    doc = json.loads(trust.to_json())
    kid = next(iter(doc["keys"]))
    doc["keys"][base64.b64encode(b"\0" * 8).decode()] = doc["keys"].pop(kid)
    with pytest.raises(TrustListError):
        TrustList.from_json(json.dumps(doc))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "signing.offline_verify", *args],
                          capture_output=True, text=True, timeout=120)


def test_qr_on_signed_certificate_verifies_offline(
        tmp_path: Path, cert_data: CertificateData, seal: str, trust: TrustList,
        signer: SignerMaterial) -> None:
    signed = sign_pdf(render_certificate_pdf(replace(cert_data, qr_payload=seal)), signer,
                      reason="certification", location="Shanghai")
    assert verify_pdf(signed, list(signer.trust_roots)).ok
    (tmp_path / "cert.pdf").write_bytes(signed)
    run_tool("pdftoppm", "-r", "300", "-png", "-singlefile", str(tmp_path / "cert.pdf"),
             str(tmp_path / "page"), check=True)
    decoded = run_tool("zbarimg", "-q", "--raw", str(tmp_path / "page.png")).stdout.strip("\n")
    assert decoded == seal
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(trust.to_json())
    ok = _cli("--trust-list", str(trust_file), "--at", AT.isoformat(),
              "--qr-image", str(tmp_path / "page.png"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "有效 VALID" in ok.stdout and "TP-2025-000123" in ok.stdout
    forged = _cli("--trust-list", str(trust_file), "--json",
                  _tamper(seal, b"91350100M000100Y43", b"91350100M000100Y44"))
    assert forged.returncode == 1
    assert json.loads(forged.stdout)["reasons"][0]["code"] == "bad_signature"
    other = load_dev_signer(tmp_path / "other")
    assert other.seal_key is not None
    foreign = tmp_path / "foreign.json"
    foreign.write_text(build_trust_list([other.seal_key], issuer="x").to_json())
    unknown = _cli("--trust-list", str(foreign), "--json", seal)
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout)["reasons"][0]["code"] == "unknown_kid"


def test_cli_with_synced_status_list(tmp_path: Path, seal: str, trust: TrustList,
                                     signer: SignerMaterial) -> None:
    assert signer.seal_key is not None
    (tmp_path / "trust.json").write_text(trust.to_json())
    (tmp_path / "status.json").write_text(build_status_list(
        [StatusEntry("TP-2025-000123", CertStatus.revoked, FROM, "fraud")],
        issuer="Tanpass", key=signer.seal_key))
    out = _cli("--trust-list", str(tmp_path / "trust.json"), "--status-list",
               str(tmp_path / "status.json"), "--at", AT.isoformat(), seal)
    assert out.returncode == 1 and "[revoked]" in out.stdout
    bad = _cli("--trust-list", str(tmp_path / "missing.json"), seal)
    assert bad.returncode == 2
