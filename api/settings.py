"""The API's limits (login throttling, public rate limit, uploads, pages, idempotency).

They live in the one platform settings object, :class:`config.Settings` (field ``api``; env
``TANPASS_API__PUBLIC_RATE_PER_MINUTE=120`` and so on); this module only names them for the API.
"""

from __future__ import annotations

from config import get_settings
from config.settings import ApiLimits as ApiSettings

__all__ = ["ApiSettings", "get_api_settings"]


def get_api_settings() -> ApiSettings:
    return get_settings().api
