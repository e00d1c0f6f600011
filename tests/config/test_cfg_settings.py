from __future__ import annotations

import stat
from pathlib import Path

import pytest

from config import Mode, Settings, SettingsError
from config.settings import dev_secret


def test_defaults_live_under_var(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'tanpass.sqlite3'}"
    assert s.blob_dir == tmp_path / "blobs"


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/db")
    assert Settings(var_dir=tmp_path).database_url == "postgresql://u@127.0.0.1:5432/db"


def test_dev_secret_generated_once_owner_only(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, mode=Mode.development)
    first = s.require_jwt_secret()
    assert len(first) >= 40 and first == s.require_jwt_secret()
    path = tmp_path / "secrets" / "jwt_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700


def test_production_refuses_generated_secrets(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, mode=Mode.production)
    with pytest.raises(SettingsError, match="TANPASS_JWT_SECRET"):
        s.require_jwt_secret()
    with pytest.raises(SettingsError):
        dev_secret(s, "demo_password")
    assert not (tmp_path / "secrets").exists()
    assert Settings(var_dir=tmp_path, mode=Mode.production, jwt_secret="x" * 40).require_jwt_secret()


def test_bad_mode_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode"):
        Settings(var_dir=tmp_path, mode="staging")  # type: ignore[arg-type]
