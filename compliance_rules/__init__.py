"""compliance_rules room of Tanpass: dated, cited rule packs (see ../shared/ARCHITECTURE.md).

A pack is a pure function of (dossier, footprint result, check date) -> findings::

    from compliance_rules import run_packs
    report = run_packs(["cn_label"], dossier, result, as_of=date(2026, 1, 15))
    report.blocking, report.findings, report.output("cn_label")
"""

from compliance_rules.errors import (
    PackNotInForceError,
    RuleDataError,
    RulesError,
    UnknownPackError,
    UnknownRuleError,
)
from compliance_rules.findings import Finding, LegalReference, Rule, Severity
from compliance_rules.pack import Check, PackVersion
from compliance_rules.registry import (
    PackOutcome,
    RuleReport,
    all_rules,
    get_pack,
    pack_names,
    pack_versions,
    run_pack,
    run_packs,
)
from compliance_rules.uscc import UsccProblem, check_character, is_valid_uscc, uscc_problem

__all__ = [
    "Check",
    "Finding",
    "LegalReference",
    "PackNotInForceError",
    "PackOutcome",
    "PackVersion",
    "Rule",
    "RuleDataError",
    "RuleReport",
    "RulesError",
    "Severity",
    "UnknownPackError",
    "UnknownRuleError",
    "UsccProblem",
    "all_rules",
    "check_character",
    "get_pack",
    "is_valid_uscc",
    "pack_names",
    "pack_versions",
    "run_pack",
    "run_packs",
    "uscc_problem",
]
