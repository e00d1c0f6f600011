"""Structured, bilingual problems reported by verification (never raised)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a verification is not green."""

    code: str
    """Stable machine code, e.g. ``digest_mismatch``, ``untrusted``, ``revoked``."""
    message_en: str
    """Human explanation in English."""
    message_zh: str
    """Human explanation in Chinese (简体中文)."""

    def as_dict(self) -> dict[str, str]:
        """Plain JSON-friendly form."""
        return {"code": self.code, "message_en": self.message_en, "message_zh": self.message_zh}
