"""Typed settings (pydantic-settings) and first-run generation of development secrets.

pydantic-settings is used rather than hand-parsed ``os.environ`` because it gives one typed,
validated object with clear errors for a wrong value, and reads ``.env`` files for free.
"""

from __future__ import annotations

import enum
import os
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing or not allowed in the current mode."""


def _seconds(value: Any) -> Any:
    """A number (or numeric text, as environment variables are) means seconds."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


Duration = Annotated[timedelta, BeforeValidator(_seconds)]
"""A duration setting: seconds (``"20"``) or ISO 8601 (``"P30D"``)."""


class Mode(enum.StrEnum):
    development = "development"
    test = "test"
    production = "production"


class ApiLimits(BaseModel):
    """The API's limits, throttles and page sizes (env ``TANPASS_API__<FIELD>``)."""

    # Login throttling (per account, per client id, per IP): failures counted in a window.
    login_window_seconds: int = 15 * 60
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 30
    login_block_seconds: int = 5 * 60
    login_block_max_seconds: int = 60 * 60

    # Public verification: in-process token bucket per client IP (one process, one bucket).
    public_rate_per_minute: int = 60
    public_burst: int = 30

    # Client-credentials access tokens (minutes).
    client_token_minutes: int = 15

    # Uploads.
    max_upload_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000

    # Lists.
    default_page_size: int = 50
    max_page_size: int = 200

    # Idempotency records are replayed for this long.
    idempotency_hours: int = 24


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TANPASS_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    mode: Mode = Mode.development
    api: ApiLimits = Field(default_factory=ApiLimits)
    var_dir: Path = REPO_ROOT / "var"

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "TANPASS_DATABASE_URL")
    )
    blob_dir: Path | None = None

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "tanpass-certification"

    api_base_url: str = "http://127.0.0.1:8000"
    public_base_url: str = "http://127.0.0.1:8501"

    # Secret used to sign access tokens. Generated under var/secrets in development.
    jwt_secret: str | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 7

    # Certification-body signing material (PKCS#12). Generated development CA in development.
    signer_pkcs12_path: Path | None = None
    signer_pkcs12_password: str | None = None
    tsa_url: str | None = None

    # Durations of the certificate life (seconds so tests can shrink them).
    certificate_validity_days: int = 3 * 365
    corrective_action_days: int = 30

    # Durations of the certification process (workflows/). A plain number is seconds, or an
    # ISO 8601 duration ("P30D"); lists are JSON ("[604800, 86400]"). Tests use seconds.
    certificate_validity: Duration | None = None  # default: certificate_validity_days
    corrective_action_period: Duration | None = None  # default: corrective_action_days
    corrective_action_reminders: list[Duration] = Field(
        default_factory=lambda: [timedelta(days=7), timedelta(days=1)]
    )  # reminders this long before a corrective-action deadline
    surveillance_interval: Duration = timedelta(days=365)
    surveillance_reminder: Duration = timedelta(days=30)  # before each surveillance due date
    verifier_max_consecutive_cycles: int = 3  # rotation of verifiers across renewal cycles
    workflow_history_limit: int = 2000  # events in one run before continue-as-new
    activity_timeout: Duration = timedelta(seconds=60)
    # Test mode only: a folder where failpoints wait while "<name>.hold" exists (see
    # workflows/faults.py), so a test can kill the worker at an exact step.
    fault_hold_dir: Path | None = None

    @model_validator(mode="after")
    def _derive_defaults(self) -> Settings:
        if self.blob_dir is None:
            self.blob_dir = self.var_dir / "blobs"
        if self.database_url is None:
            self.database_url = f"sqlite:///{self.var_dir / 'tanpass.sqlite3'}"
        return self

    @property
    def secrets_dir(self) -> Path:
        return self.var_dir / "secrets"

    @property
    def access_token_ttl(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    def require_jwt_secret(self) -> str:
        """The token-signing secret; generated on first run outside production."""
        if self.jwt_secret:
            return self.jwt_secret
        if self.mode is Mode.production:
            raise SettingsError("TANPASS_JWT_SECRET must be set in production mode")
        # Generated once per process from var/secrets (a file read per request showed in profiles).
        self.jwt_secret = dev_secret(self, "jwt_secret")
        return self.jwt_secret


def dev_secret(settings: Settings, name: str, nbytes: int = 32) -> str:
    """Read or create a development secret file under ``var/secrets`` (mode 0600)."""
    if settings.mode is Mode.production:
        raise SettingsError(f"development secret {name!r} refused in production mode")
    settings.secrets_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.secrets_dir, 0o700)
    path = settings.secrets_dir / name
    if not path.exists():
        value = secrets.token_urlsafe(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
