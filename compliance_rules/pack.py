"""The rule-pack interface.

A pack version is a pure function of (dossier, footprint result, check date) that reports
findings through a ``Check`` and may return output data (e.g. the battery declaration or the
CBAM cost estimate). Versions carry effective dates; the registry picks the one in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from compliance_rules.errors import UnknownRuleError
from compliance_rules.findings import SEVERITY_ORDER, Finding, Rule, Severity

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class PackVersion:
    """One version of a pack: the rules it declares, the dates it applies, its function."""

    name: str
    version: str
    effective_from: date
    effective_to: date | None  # exclusive; None while in force
    title_en: str
    title_zh: str
    rules: tuple[Rule, ...]
    run: Callable[[Check], Mapping[str, Any] | None]

    def in_force(self, as_of: date) -> bool:
        return self.effective_from <= as_of and (self.effective_to is None or as_of < self.effective_to)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownRuleError(self.name, rule_id)


@dataclass
class Check:
    """What a pack function receives: the inputs, the date, and a place to put findings."""

    pack: PackVersion
    dossier: Any  # footprint.Dossier
    result: Any  # footprint.FootprintResult
    as_of: date
    findings: list[Finding] = field(default_factory=list)

    def emit(self, rule_id: str, path: str, en: str, zh: str, **details: Any) -> Finding:
        rule = self.pack.rule(rule_id)
        finding = Finding(
            rule_id=rule.id,
            pack=self.pack.name,
            severity=rule.severity,
            reference=rule.reference,
            path=path,
            message_en=en,
            message_zh=zh,
            details=details,
        )
        self.findings.append(finding)
        return finding

    def section(
        self, key: str, model: type[M], missing_rule: str | None, invalid_rule: str
    ) -> M | None:
        """Parse ``dossier.regime_data[key]`` into ``model``.

        A missing section emits ``missing_rule`` (or, if that is None, yields the model's
        defaults); each validation error emits ``invalid_rule`` at the exact field path.
        Returns None when the section is missing (with a rule) or invalid.
        """
        regime_data = getattr(self.dossier, "regime_data", None) or {}
        base = f"regime_data.{key}"
        raw = regime_data.get(key)
        if raw is None:
            if missing_rule is None:
                return model()
            self.emit(
                missing_rule,
                base,
                f"The dossier has no '{key}' section; it is required for this market.",
                f"申报资料缺少“{key}”部分，该市场要求提供。",
            )
            return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
                self.emit(
                    invalid_rule,
                    base + loc,
                    f"Invalid value at {base + loc}: {err['msg']}.",
                    f"{base + loc} 的值无效：{err['msg']}。",
                    error_type=err["type"],
                )
            return None


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.pack, f.rule_id, f.path))


def is_blocking(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.blocking for f in findings)
