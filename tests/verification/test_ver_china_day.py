"""Printed validity days are China calendar days (UTC+8), the days the seal and registry read."""

from __future__ import annotations

from datetime import UTC, date, datetime

from store.registry import china_date


def test_late_utc_evening_is_next_china_day() -> None:
    assert china_date(datetime(2026, 11, 21, 16, 30, tzinfo=UTC)) == date(2026, 11, 22)
    assert china_date(datetime(2026, 11, 21, 15, 59, tzinfo=UTC)) == date(2026, 11, 21)
