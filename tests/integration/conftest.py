from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.harness import Stack


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        yield client
