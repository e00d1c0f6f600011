"""Errors of the signing room.

Hierarchy::

    SigningError                      base of every failure raised by signing/
    ├── FontNotFoundError             no usable CJK TrueType font (carries the paths tried)
    ├── KeyMaterialError              signer / seal key material missing, unreadable or refused
    │   └── DevMaterialRefusedError   generated development material offered in production mode
    ├── TimestampError                the timestamp authority could not be reached or refused
    ├── RenderError                   a certificate or label could not be drawn (carries the field)
    ├── SealError                     a seal could not be produced or decoded (carries a code)
    └── TrustListError                trust/status list malformed or wrongly signed (code)

Verification never raises for a forged, broken or unsigned document or seal: it returns a red
result with structured :class:`signing.problems.Problem` entries instead. Errors are only raised
for things the *caller* got wrong (missing keys, unusable configuration).
"""

from __future__ import annotations

from pathlib import Path


class SigningError(Exception):
    """Base class of every error raised by the signing room."""


class FontNotFoundError(SigningError):
    """No CJK TrueType font was found at any of the candidate paths."""

    def __init__(self, tried: tuple[Path, ...]) -> None:
        self.tried = tried
        super().__init__(
            "no CJK TrueType font found; tried: " + ", ".join(str(p) for p in tried)
        )


class KeyMaterialError(SigningError):
    """Signer or seal key material is missing, unreadable or unusable."""

    def __init__(self, what: str, reason: str, path: Path | None = None) -> None:
        self.what = what
        self.reason = reason
        self.path = path
        where = f" ({path})" if path else ""
        super().__init__(f"{what}{where}: {reason}")


class DevMaterialRefusedError(KeyMaterialError):
    """Generated development key material was offered while running in production mode."""


class TimestampError(SigningError):
    """The timestamp authority failed to issue a timestamp token."""

    def __init__(self, tsa_url: str | None, reason: str) -> None:
        self.tsa_url = tsa_url
        self.reason = reason
        super().__init__(f"timestamp from {tsa_url or 'in-process TSA'} failed: {reason}")


class RenderError(SigningError):
    """A certificate or label could not be rendered from the given data."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"cannot render ({field}): {reason}")


class SealError(SigningError):
    """An offline seal could not be produced."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"seal {code}: {reason}")


class TrustListError(SigningError):
    """A trust list or status list document is malformed or its signature does not verify."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code}: {reason}")
