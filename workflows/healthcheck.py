"""Container health check for the worker: the database answers and Temporal is reachable."""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import text
from temporalio.client import Client

from config import get_settings
from store import make_engine


async def _check() -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    client = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    await client.service_client.check_health()


def main() -> int:
    try:
        asyncio.run(asyncio.wait_for(_check(), timeout=8))
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
