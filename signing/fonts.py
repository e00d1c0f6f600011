"""Finding and registering the embedded CJK TrueType font.

Noto CJK ships as CFF-flavoured OpenType, which reportlab cannot embed; WenQuanYi ships TrueType
collections (``.ttc``) that reportlab embeds (subset) through ``TTFont(..., subfontIndex=...)``.
Pass ``font_path`` to the renderers to use another TrueType font.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from signing.errors import FontNotFoundError

DEFAULT_CJK_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
"""Candidate CJK TrueType fonts, tried in order when no path is given."""

_lock = threading.Lock()
_registered: dict[Path, str] = {}


def find_cjk_font(font_path: Path | None = None) -> Path:
    """The font file to use: ``font_path`` if given (must exist), else the first default found."""
    candidates = (Path(font_path),) if font_path else DEFAULT_CJK_FONTS
    for path in candidates:
        if path.is_file():
            return path
    raise FontNotFoundError(candidates)


def register_cjk_font(font_path: Path | None = None) -> str:
    """Register the CJK font with reportlab once; return its reportlab font name."""
    path = find_cjk_font(font_path)
    with _lock:
        name = _registered.get(path)
        if name is None:
            name = f"TanpassCJK{len(_registered)}"
            kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
            pdfmetrics.registerFont(TTFont(name, str(path), **kwargs))
            _registered[path] = name
        return name
