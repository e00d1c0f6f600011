"""Write docs/rules.md: every rule id, its legal reference and severity, from the code.

Usage: .venv/bin/python scripts/gen_rules_table.py
"""

from __future__ import annotations

from pathlib import Path

from compliance_rules.catalogue import rules_markdown

TARGET = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def main() -> None:
    TARGET.write_text(rules_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
