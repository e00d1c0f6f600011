"""Errors of the compliance_rules room.

Findings about a dossier are never exceptions: they are ``Finding`` values in a report.
These errors are for callers and for broken rule data::

    RulesError
    ├── UnknownPackError        a pack name that is not registered
    ├── PackNotInForceError     no version of the pack applies on the check date
    ├── UnknownRuleError        a pack emitted a rule id it did not declare (programming error)
    └── RuleDataError           a dated data file under compliance_rules/data is missing or malformed
"""

from __future__ import annotations

from datetime import date


class RulesError(Exception):
    """Base class of every error raised by compliance_rules."""


class UnknownPackError(RulesError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown rule pack {name!r}; known packs: {', '.join(known)}")


class PackNotInForceError(RulesError):
    def __init__(self, name: str, as_of: date, earliest: date) -> None:
        self.name = name
        self.as_of = as_of
        self.earliest = earliest
        super().__init__(
            f"rule pack {name!r} has no version in force on {as_of.isoformat()}; "
            f"the earliest version applies from {earliest.isoformat()}"
        )


class UnknownRuleError(RulesError):
    def __init__(self, pack: str, rule_id: str) -> None:
        self.pack = pack
        self.rule_id = rule_id
        super().__init__(f"pack {pack!r} emitted undeclared rule id {rule_id!r}")


class RuleDataError(RulesError):
    def __init__(self, file: str, field: str, reason: str) -> None:
        self.file = file
        self.field = field
        self.reason = reason
        super().__init__(f"rule data {file}: {field}: {reason}")
