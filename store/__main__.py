"""Operator commands: ``python -m store migrate`` and ``python -m store verify-audit``.

Both use the settings' database (``DATABASE_URL``) unless ``--url`` is given. ``verify-audit``
prints the chain report (English and Chinese) and exits 1 when the chain is broken.
"""

from __future__ import annotations

import argparse
import sys

from store.audit import verify_chain
from store.db import make_engine, migrate, session_factory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store")
    parser.add_argument("command", choices=["migrate", "verify-audit"])
    parser.add_argument("--url", default=None, help="database URL (default: settings)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    try:
        if args.command == "migrate":
            migrate(engine)
            print("schema at head")
            return 0
        with session_factory(engine)() as session:
            report = verify_chain(session)
        print(report.message_en)
        print(report.message_zh)
        return 0 if report.ok else 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
