from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import TEMPORAL_BIN, Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    if not TEMPORAL_BIN.exists():
        pytest.fail(f"Temporal CLI missing at {TEMPORAL_BIN}: run scripts/setup.sh")
    s = Stack(tmp_path)
    try:
        s.password = s.up()  # type: ignore[attr-defined]
        yield s
    except BaseException:
        print(s.logs())
        raise
    finally:
        s.down()


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        yield client
