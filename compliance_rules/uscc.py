"""Unified Social Credit Code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation type (2), administrative division
GB/T 2260 (3-8), organisation code (9-17), check character (18). Alphabet of 31 characters
``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z) valued 0..30; weights 3^(i-1) mod 31;
check value = 31 - (sum mod 31), where 31 becomes 0. Source: GB 32100-2015 section 4 and
appendix; see ../shared/DOMAIN.md section 9.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


@dataclass(frozen=True)
class UsccProblem:
    """Why a code is not a valid USCC: a stable ``code`` plus bilingual text."""

    code: str  # "length" | "character" | "check_character"
    position: int | None
    message_en: str
    message_zh: str


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (which must be valid alphabet)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> UsccProblem | None:
    """None when ``code`` is a valid USCC, else the first problem found."""
    code = code.strip().upper()
    if len(code) != 18:
        return UsccProblem(
            "length",
            None,
            f"A Unified Social Credit Code has 18 characters; this one has {len(code)}.",
            f"统一社会信用代码应为18位，此代码为{len(code)}位。",
        )
    for i, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return UsccProblem(
                "character",
                i,
                f"Character {i} ('{ch}') is not allowed in a Unified Social Credit Code.",
                f"第{i}位字符“{ch}”不是统一社会信用代码允许的字符。",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccProblem(
            "check_character",
            18,
            f"The check character is '{code[17]}' but should be '{expected}'.",
            f"校验码为“{code[17]}”，应为“{expected}”。",
        )
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None
