from __future__ import annotations

import pytest

from tests.harness import Stack
from tests.workflows.wf_support import World, world


@pytest.fixture
async def w(shared_stack: Stack) -> World:
    """The session's shared stack, seen through a Temporal client and the database."""
    return await world(shared_stack)
