"""The pack registry: find the version of a pack in force, run chosen packs into a report."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from compliance_rules.errors import PackNotInForceError, UnknownPackError
from compliance_rules.findings import Finding, Rule
from compliance_rules.pack import Check, PackVersion, is_blocking, sort_findings


class PackOutcome(BaseModel):
    """What one pack said: its version, its findings and its output data (JSON values)."""

    pack: str
    version: str
    effective_from: date
    findings: list[Finding]
    output: dict[str, Any] = Field(default_factory=dict)
    blocking: bool


class RuleReport(BaseModel):
    """The findings of every chosen pack as of one date; ``blocking`` if any finding blocks."""

    as_of: date
    packs: list[PackOutcome]
    findings: list[Finding]
    blocking: bool

    def output(self, pack: str) -> dict[str, Any]:
        for outcome in self.packs:
            if outcome.pack == pack:
                return outcome.output
        raise KeyError(pack)


_PACK_MODULES = ("cn_label", "eu_battery", "cbam", "pef")


def _versions() -> dict[str, tuple[PackVersion, ...]]:
    modules = [importlib.import_module(f"compliance_rules.{name}") for name in _PACK_MODULES]
    return {m.PACK_NAME: m.VERSIONS for m in modules}


def pack_names() -> tuple[str, ...]:
    return tuple(_versions())


def pack_versions(name: str) -> tuple[PackVersion, ...]:
    versions = _versions()
    if name not in versions:
        raise UnknownPackError(name, tuple(versions))
    return versions[name]


def get_pack(name: str, as_of: date | None = None) -> PackVersion:
    """The version of pack ``name`` in force on ``as_of`` (the latest version if None)."""
    versions = sorted(pack_versions(name), key=lambda v: v.effective_from)
    if as_of is None:
        return versions[-1]
    for version in reversed(versions):
        if version.in_force(as_of):
            return version
    raise PackNotInForceError(name, as_of, versions[0].effective_from)


def all_rules() -> list[tuple[PackVersion, Rule]]:
    """Every declared rule of every pack version (for the generated rule table)."""
    return [(v, r) for name in pack_names() for v in pack_versions(name) for r in v.rules]


def run_pack(name: str, dossier: Any, result: Any, as_of: date) -> PackOutcome:
    version = get_pack(name, as_of)
    check = Check(pack=version, dossier=dossier, result=result, as_of=as_of)
    output = version.run(check) or {}
    findings = sort_findings(check.findings)
    return PackOutcome(
        pack=name,
        version=version.version,
        effective_from=version.effective_from,
        findings=findings,
        output=dict(output),
        blocking=is_blocking(findings),
    )


def run_packs(names: list[str] | tuple[str, ...], dossier: Any, result: Any, as_of: date) -> RuleReport:
    """Run each named pack (in the version in force on ``as_of``) over one dossier and result.

    Raises ``UnknownPackError`` / ``PackNotInForceError`` before running anything, so a bad
    request never yields a partial report.
    """
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        get_pack(name, as_of)
    outcomes = [run_pack(name, dossier, result, as_of) for name in chosen]
    findings = sort_findings([f for o in outcomes for f in o.findings])
    return RuleReport(as_of=as_of, packs=outcomes, findings=findings, blocking=is_blocking(findings))
