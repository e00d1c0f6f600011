"""Parse one workbook cell into a typed value, or say (zh + en) what is wrong with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter

from evidence.errors import CellProblem

_TRUE = {"yes", "y", "true", "1", "是", "对"}
_FALSE = {"no", "n", "false", "0", "否", "不"}


class Bad(Exception):
    """Internal: a cell failed to parse (turned into a CellProblem by the caller)."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code, self.en, self.zh = code, en, zh
        super().__init__(en)


def problem(sheet: str, row: int, col: int, column: str, code: str, en: str, zh: str) -> CellProblem:
    cell = f"{get_column_letter(col)}{row}"
    return CellProblem(sheet, cell, row, column, code, en, zh)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_float(value: Any, *, allow_negative: bool = False) -> float:
    if isinstance(value, bool):
        raise Bad("not_a_number", f"'{value}' is not a number", f"“{value}”不是数字")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise Bad("not_a_number", f"'{value}' is not a number", f"“{value}”不是数字") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Bad("not_a_number", f"'{value}' is not a finite number", f"“{value}”不是有效数字")
    if number < 0 and not allow_negative:
        raise Bad("negative", f"{number:g} is negative; enter zero or more",
                  f"{number:g} 为负数，应为零或正数")
    return number


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Bad("unknown_choice", f"'{value}' is not yes or no", f"“{value}”应为 yes 或 no（是/否）")


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Bad("bad_date", f"'{value}' is not a date (use YYYY-MM-DD)",
                  f"“{value}”不是日期（格式 YYYY-MM-DD）") from None


def as_choice(value: Any, choices: tuple[str, ...] | list[str]) -> str:
    text = as_text(value)
    if text in choices:
        return text
    shown = ", ".join(list(choices)[:8]) + (" ..." if len(choices) > 8 else "")
    raise Bad("unknown_choice", f"'{text}' is not one of: {shown}", f"“{text}”不在可选项中：{shown}")


def as_list(value: Any) -> list[str]:
    text = as_text(value).replace("，", ",").replace(";", ",")
    return [p.strip() for p in text.split(",") if p.strip()]
