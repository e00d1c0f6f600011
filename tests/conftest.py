"""Fixtures shared by every test folder.

- ``shared_stack``: ONE real system for the whole session (Temporal dev server, worker, API,
  seeded demo users), for tests that do not kill processes. Tests using it create their own
  products and applications, so they do not see each other's data as a precondition.
- ``stack``: a fresh system per test, for tests that kill or restart a process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.harness import TEMPORAL_BIN, Stack


def _up(root: Path) -> Stack:
    if not TEMPORAL_BIN.exists():
        pytest.fail(f"Temporal CLI missing at {TEMPORAL_BIN}: run scripts/setup.sh")
    s = Stack(root)
    try:
        s.password = s.up()
    except BaseException:
        print(s.logs())
        s.down()
        raise
    return s


@contextmanager
def running(root: Path) -> Iterator[Stack]:
    """A system started under ``root`` and stopped afterwards; its logs printed if the body
    fails."""
    s = _up(root)
    try:
        yield s
    except BaseException:
        print(s.logs())
        raise
    finally:
        s.down()


@pytest.fixture(scope="session")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running(tmp_path_factory.mktemp("shared-stack")) as s:
        yield s


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with running(tmp_path) as s:
        yield s


@pytest.fixture
def shared_api(shared_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shared_stack.api_url, timeout=60) as client:
        yield client
