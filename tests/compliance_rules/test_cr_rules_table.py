from pathlib import Path

from compliance_rules import all_rules
from compliance_rules.catalogue import rules_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run .venv/bin/python scripts/gen_rules_table.py")


def test_every_rule_listed_with_reference_and_severity() -> None:
    text = DOC.read_text(encoding="utf-8")
    for _, rule in all_rules():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert rule.severity.value in row and rule.reference.act in row
