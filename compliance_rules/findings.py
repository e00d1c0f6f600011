"""The finding model: what a rule says about a dossier, with its legal reference.

A ``Rule`` is declared once (id, severity, reference, title); a ``Finding`` is one occurrence
of that rule for one dossier field. The rule catalogue generated for docs/rules.md comes from
the declared rules, so the table cannot drift from the code.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Severity(enum.StrEnum):
    """How a finding affects certification.

    blocking: the dossier goes back to the exporter; no certificate can be issued.
    major: must be resolved or justified before the verifier's opinion.
    minor: to be corrected; does not stop certification.
    info: a fact recorded for the verifier and the certificate (e.g. a computed grade).
    """

    blocking = "blocking"
    major = "major"
    minor = "minor"
    info = "info"


SEVERITY_ORDER = {Severity.blocking: 0, Severity.major: 1, Severity.minor: 2, Severity.info: 3}


class LegalReference(BaseModel):
    """Where a rule comes from: act, and as precise a place in it as exists."""

    model_config = ConfigDict(frozen=True)

    act: str
    article: str | None = None
    annex: str | None = None
    paragraph: str | None = None  # for standards: the clause
    check: bool = False  # the precise place is not yet confirmed against the published text

    def cite(self) -> str:
        parts = [self.act]
        if self.article:
            parts.append(f"Art. {self.article}" + (f"({self.paragraph})" if self.paragraph else ""))
        elif self.paragraph:
            parts.append(f"§ {self.paragraph}")
        if self.annex:
            parts.append(f"Annex {self.annex}")
        return ", ".join(parts) + (" (check)" if self.check else "")


class Rule(BaseModel):
    """A declared rule: stable id, severity, reference and a short bilingual title."""

    model_config = ConfigDict(frozen=True)

    id: str
    severity: Severity
    reference: LegalReference
    title_en: str
    title_zh: str


class Finding(BaseModel):
    """One occurrence of a rule for one dossier field.

    ``path`` is the dotted path of the dossier field concerned (e.g.
    ``regime_data.eu_battery.usable_energy_kwh`` or ``lines[3].factor_id``); ``details`` carries
    the numbers behind the message (JSON scalars) so nobody parses the text.
    """

    model_config = ConfigDict(frozen=True)

    rule_id: str
    pack: str
    severity: Severity
    reference: LegalReference
    path: str
    message_en: str
    message_zh: str
    details: dict[str, Any] = Field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.blocking
