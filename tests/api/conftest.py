from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.api_world import World, make_world


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One in-process API with two tenants, shared by the tests of this folder (torn down when the folder is done, so its
    environment never reaches other folders)."""
    with make_world(tmp_path_factory.mktemp("api-world")) as w:
        yield w
