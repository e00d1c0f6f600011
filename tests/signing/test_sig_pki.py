"""Development PKI generation and signer loading (modes, refusal of dev material)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from config import Mode
from config.settings import Settings
from signing import (
    DevMaterialRefusedError,
    KeyMaterialError,
    ensure_dev_pki,
    load_signer,
)
from signing.pki import PKI_FILES


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_layout_permissions_and_idempotence(var_dir: Path, signer) -> None:
    pki = ensure_dev_pki(var_dir)
    assert _mode(pki) == 0o700
    for name in PKI_FILES:
        assert (pki / name).is_file()
    for name in ("root-ca.key.pem", "signer.p12", "signer.p12.password", "tsa.key.pem",
                 "seal.key.pem"):
        assert _mode(pki / name) == 0o600, name
    before = {n: (pki / n).read_bytes() for n in PKI_FILES}
    assert ensure_dev_pki(var_dir) == pki
    assert before == {n: (pki / n).read_bytes() for n in PKI_FILES}


def test_chain_is_consistent(var_dir: Path) -> None:
    pki = ensure_dev_pki(var_dir)
    root = x509.load_pem_x509_certificate((pki / "root-ca.crt.pem").read_bytes())
    for leaf in ("signer", "tsa", "seal"):
        cert = x509.load_pem_x509_certificate((pki / f"{leaf}.crt.pem").read_bytes())
        cert.verify_directly_issued_by(root)


def test_concurrent_processes_produce_one_pki(tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from signing import ensure_dev_pki; " \
           "ensure_dev_pki(Path(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    pki = tmp_path / "pki"
    root = x509.load_pem_x509_certificate((pki / "root-ca.crt.pem").read_bytes())
    signer = x509.load_pem_x509_certificate((pki / "signer.crt.pem").read_bytes())
    signer.verify_directly_issued_by(root)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pki-")] == []


def test_incomplete_material_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "pki").mkdir()
    (tmp_path / "pki" / "root-ca.key.pem").write_text("precious")
    with pytest.raises(KeyMaterialError):
        ensure_dev_pki(tmp_path)
    assert (tmp_path / "pki" / "root-ca.key.pem").read_text() == "precious"


def test_development_mode_loads_generated_material(var_dir: Path) -> None:
    material = load_signer(Settings(mode=Mode.test, var_dir=var_dir))
    assert material.development and material.seal_key is not None and material.crls
    assert material.timestamper is not None


def test_production_refuses_dev_material(var_dir: Path) -> None:
    pki = ensure_dev_pki(var_dir)
    settings = Settings(mode=Mode.production, var_dir=var_dir,
                        signer_pkcs12_path=pki / "signer.p12",
                        signer_pkcs12_password=(pki / "signer.p12.password").read_text(),
                        tsa_url="http://127.0.0.1:9/tsa")
    with pytest.raises(DevMaterialRefusedError):
        load_signer(settings)


def test_production_requires_pkcs12(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError) as info:
        load_signer(Settings(mode=Mode.production, var_dir=tmp_path))
    assert "signer_pkcs12_path" in info.value.reason
    assert not (tmp_path / "pki").exists()
