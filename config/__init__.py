"""One typed settings object for every room that does I/O.

Read it through :func:`get_settings` (cached). Values come from the environment (prefix
``TANPASS_``; ``DATABASE_URL`` is also read as is) and default to an embedded development setup
under ``var/``. Development secrets and keys are generated on first run under ``var/secrets``
with owner-only permissions; in production mode they must be supplied and generated ones are
refused.
"""

from config.settings import Mode, Settings, SettingsError, get_settings, reset_settings_cache

__all__ = ["Mode", "Settings", "SettingsError", "get_settings", "reset_settings_cache"]
