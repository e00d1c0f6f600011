"""Knobs of the API room (limits, throttles, page sizes), read once from the environment.

``config.Settings`` holds the platform's settings; these are the API's own, prefixed
``TANPASS_API_`` (e.g. ``TANPASS_API_PUBLIC_RATE_PER_MINUTE=120``), so tests and operators can
tune them without touching code.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANPASS_API_", env_file=".env", extra="ignore")

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


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    return ApiSettings()
