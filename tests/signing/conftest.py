"""Fixtures of the signing tests: a development PKI generated in a temporary directory,
sample certificate data, and helpers to run poppler / zbar / NSS tools."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from signing import (
    CertificateData,
    SignerMaterial,
    load_dev_signer,
    render_certificate_pdf,
    sign_pdf,
)


def run_tool(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run an external tool, capturing text output (stderr noise of zbar/dbus is ignored)."""
    if shutil.which(args[0]) is None:
        pytest.fail(f"required tool {args[0]!r} is not installed")
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=120)


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("signing-var")


@pytest.fixture(scope="session")
def signer(var_dir: Path) -> SignerMaterial:
    return load_dev_signer(var_dir)


@pytest.fixture(scope="session")
def cert_data() -> CertificateData:
    return CertificateData(
        number="TP-2025-000123",
        holder_name="宁德示例电池有限公司",
        holder_uscc="91350100M000100Y43",
        product_name="磷酸铁锂电池包 LFP battery pack",
        product_model="LFP-280Ah",
        functional_unit="1 kWh 电池容量 of battery capacity",
        footprint_total=78.45,
        stage_breakdown={"原材料 Raw materials": 60.1, "生产 Production": 15.2,
                         "运输 Transport": 3.15},
        standard="GB/T 24067-2024",
        rule_packs=["cn_label", "eu_battery"],
        verifier_name="李华 Li Hua",
        verifier_body="示例核查机构 Example Verification Ltd",
        opinion="合理保证，无保留意见。Reasonable assurance, unmodified opinion; materiality 5 %.",
        certifier_name="王芳 Wang Fang",
        decision_date=date(2025, 6, 1),
        valid_from=date(2025, 6, 1),
        valid_until=date(2028, 5, 31),
        status_url="http://127.0.0.1:8501/verify/TP-2025-000123",
        qr_payload="http://127.0.0.1:8501/verify/TP-2025-000123",
    )


@pytest.fixture(scope="session")
def plain_pdf(cert_data: CertificateData) -> bytes:
    return render_certificate_pdf(cert_data)


@pytest.fixture(scope="session")
def signed_pdf(plain_pdf: bytes, signer: SignerMaterial) -> bytes:
    return sign_pdf(plain_pdf, signer, reason="产品碳足迹认证 Carbon footprint certification",
                    location="Shanghai, CN")


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory: pytest.TempPathFactory, var_dir: Path, signer: SignerMaterial
           ) -> str:
    """An NSS database trusting the development root, for ``pdfsig -nssdir``."""
    db = tmp_path_factory.mktemp("nssdb")
    run_tool("certutil", "-N", "-d", f"sql:{db}", "--empty-password", check=True)
    root = var_dir / "pki" / "root-ca.crt.pem"
    run_tool("certutil", "-A", "-d", f"sql:{db}", "-n", "tanpass-dev-root", "-t", "CT,C,C",
             "-i", str(root), check=True)
    return f"sql:{db}"


def with_payload(data: CertificateData, payload: str) -> CertificateData:
    return replace(data, qr_payload=payload)
