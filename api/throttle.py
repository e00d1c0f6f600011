"""Guards against guessing and flooding.

Login throttling (stored, so every API replica counts the same failures): failed sign-ins are
counted per account (``account:<email>``), per client id (``client:<id>``) and per IP address
(``ip:<address>``) in a sliding window. Past the limit the key is blocked for
``login_block_seconds``, doubling with each further failure up to ``login_block_max_seconds``.
A blocked key answers 429 ``login-throttled`` with ``Retry-After`` before any password is
checked. A success clears the account's count (not the IP's). Unknown e-mails are counted like
known ones, so the answers do not reveal which accounts exist.

Public verification routes: an in-process token bucket per client IP (``public_rate_per_minute``
refill, ``public_burst`` capacity). In-process means per API replica; a deployment with several
replicas divides the rate by their number or moves the bucket to the proxy.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta

from api.problems import Problem
from api.settings import ApiSettings
from store import LoginThrottle, SessionFactory, transaction, utcnow


def client_ip(scope_client: tuple[str, int] | None) -> str:
    return scope_client[0] if scope_client else "unknown"


def _limit(key: str, s: ApiSettings) -> int:
    return s.login_max_failures_per_ip if key.startswith("ip:") else s.login_max_failures_per_account


def check_login_allowed(sessions: SessionFactory, keys: list[str]) -> None:
    now = utcnow()
    with sessions() as session:
        waits = [
            (row.blocked_until - now).total_seconds()
            for key in keys
            if (row := session.get(LoginThrottle, key)) is not None
            and row.blocked_until is not None and row.blocked_until > now
        ]
    if waits:
        retry = max(1, math.ceil(max(waits)))
        raise Problem("login-throttled",
                      f"Too many failed sign-ins. Try again in {retry} s.",
                      f"登录失败次数过多，请在 {retry} 秒后重试。",
                      headers={"Retry-After": str(retry)}, retry_after=retry)


def record_login_failure(sessions: SessionFactory, keys: list[str], s: ApiSettings) -> None:
    now = utcnow()
    window = timedelta(seconds=s.login_window_seconds)
    with transaction(sessions) as session:
        for key in keys:
            row = session.get(LoginThrottle, key)
            if row is None:
                row = LoginThrottle(key=key, failures=0, window_started_at=now)
            if now - row.window_started_at > window:
                row.failures, row.window_started_at = 0, now
            row.failures += 1
            over = row.failures - _limit(key, s)
            if over >= 0:
                seconds = min(s.login_block_seconds * (2 ** min(over, 16)), s.login_block_max_seconds)
                row.blocked_until = now + timedelta(seconds=seconds)
            session.add(row)


def record_login_success(sessions: SessionFactory, key: str) -> None:
    with transaction(sessions) as session:
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)


class TokenBucket:
    """Per-key token bucket (thread-safe, bounded memory)."""

    def __init__(self, rate_per_minute: int, burst: int, max_keys: int = 50_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._state[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._state[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0
            if len(self._state) > self.max_keys:  # forget the longest-idle keys
                for k, _ in sorted(self._state.items(), key=lambda kv: kv[1][1])[: self.max_keys // 10]:
                    del self._state[k]
        return wait


def rate_limited(wait: float) -> Problem:
    retry = max(1, math.ceil(wait))
    return Problem("too-many-requests", f"Rate limit reached. Try again in {retry} s.",
                   f"请求过于频繁，请在 {retry} 秒后重试。", headers={"Retry-After": str(retry)},
                   retry_after=retry)
