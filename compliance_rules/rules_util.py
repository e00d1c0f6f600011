"""Small helpers for declaring rules tersely inside the pack modules."""

from __future__ import annotations

from compliance_rules.findings import LegalReference, Rule, Severity


def ref(act: str, article: str | None = None, annex: str | None = None,
        paragraph: str | None = None, check: bool = False) -> LegalReference:
    return LegalReference(act=act, article=article, annex=annex, paragraph=paragraph, check=check)


def rule(rule_id: str, severity: Severity, reference: LegalReference, en: str, zh: str) -> Rule:
    return Rule(id=rule_id, severity=severity, reference=reference, title_en=en, title_zh=zh)


def fmt(value: float, digits: int = 4) -> str:
    """A number for a message: up to ``digits`` significant decimals, no trailing zeros."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
