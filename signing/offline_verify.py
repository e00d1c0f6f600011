"""Offline seal verifier for customs and subsidy desks (no network).

Usage::

    python -m signing.offline_verify --trust-list trust.json [--status-list status.json] \\
        [--at 2026-01-31] [--json] (SEAL | --qr-image photo.png)

Exit status: 0 green, 1 red (the seal is not acceptable), 2 usage or input-file problem.
The QR image is decoded with ``zbarimg`` (Debian package zbar-tools), run locally.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from signing.errors import TrustListError
from signing.seal_verify import SealVerification, verify_seal
from signing.trustlist import StatusList, TrustList, parse_status_list


def read_qr_image(path: Path) -> list[str]:
    """All QR payloads found in an image, via the local ``zbarimg``."""
    exe = shutil.which("zbarimg")
    if exe is None:
        raise FileNotFoundError("zbarimg not installed (apt-get install zbar-tools)")
    proc = subprocess.run([exe, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
                          capture_output=True, text=True, timeout=60)
    return [line for line in proc.stdout.splitlines() if line.strip()]


def _report(result: SealVerification) -> str:
    lines = ["结果 Result: " + ("有效 VALID" if result.ok else "无效 NOT VALID")]
    c = result.claims
    if c is not None:
        lines += [
            f"证书编号 Certificate: {c.number}",
            f"持证方 Holder USCC: {c.holder_uscc}",
            f"产品 Product: {c.product}",
            f"碳足迹 Footprint: {c.footprint:g} {c.unit}",
            f"有效期 Validity: {c.valid_from.isoformat()} .. {c.valid_until.isoformat()}",
            f"签发方 Issuer: {c.issuer}",
        ]
    lines.append(f"状态 Status: {result.status}")
    if result.status_list_issued_at is None:
        lines.append("状态列表 Status list: 未提供，无法确认是否撤销 none given, revocation unknown")
    else:
        lines.append(f"状态列表 Status list issued: {result.status_list_issued_at.isoformat()}")
    for p in result.reasons:
        lines.append(f"  - [{p.code}] {p.message_zh} / {p.message_en}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m signing.offline_verify",
                                     description="Verify a Tanpass offline seal (no network).")
    parser.add_argument("--trust-list", type=Path, required=True)
    parser.add_argument("--status-list", type=Path)
    parser.add_argument("--at", help="date/time to check validity for (ISO 8601; default now)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("seal", nargs="?", help="the seal text (TP1:...)")
    source.add_argument("--qr-image", type=Path)
    args = parser.parse_args(argv)
    try:
        trust = TrustList.from_json(args.trust_list.read_bytes())
        status: StatusList | None = None
        if args.status_list:
            status = parse_status_list(args.status_list.read_bytes(), trust)
        at = datetime.fromisoformat(args.at) if args.at else datetime.now(UTC)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if args.qr_image:
            found = read_qr_image(args.qr_image)
            if not found:
                print("图像中未找到二维码 No QR code found in the image", file=sys.stderr)
                return 2
            seal = found[0]
        else:
            seal = args.seal
    except (OSError, ValueError, TrustListError) as exc:
        print(f"输入错误 Input error: {exc}", file=sys.stderr)
        return 2
    result = verify_seal(seal, trust, status, at)
    if args.json:
        c = result.claims
        print(json.dumps({
            "ok": result.ok, "status": result.status, "kid": result.kid,
            "claims": None if c is None else {
                "number": c.number, "holder_uscc": c.holder_uscc, "product": c.product,
                "footprint": c.footprint, "unit": c.unit, "valid_from": c.valid_from.isoformat(),
                "valid_until": c.valid_until.isoformat(), "issuer": c.issuer,
                "issued_at": c.issued_at.isoformat()},
            "reasons": [p.as_dict() for p in result.reasons],
        }, ensure_ascii=False))
    else:
        print(_report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
