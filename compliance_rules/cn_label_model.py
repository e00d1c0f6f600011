"""The dossier's optional ``regime_data["cn_label"]`` section (GB/T 24067-2024 report items).

Every field has a default, so a dossier without the section is checked on its core data;
what is then unknown (cut-off, dLUC reasoning) becomes a finding, never an exception.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ExcludedFlow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    estimated_share: float = Field(ge=0, le=1, description="estimated share of the total CFP")
    reason: str = Field(min_length=1)


class CnLabelSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalogue_category: str | None = Field(
        default=None, description="pilot catalogue key; defaults to product.category"
    )
    benchmark_id: str | None = Field(default=None, description="key of data/cn_label.json benchmarks")
    cutoff_criteria: str | None = Field(default=None, description="cut-off rule as stated in the report")
    excluded_flows: list[ExcludedFlow] = Field(default_factory=list)
    dluc_statement: str | None = Field(
        default=None, description="why dLUC is zero (e.g. no land conversion in the last 20 years)"
    )
    iluc_kg: float | None = Field(default=None, ge=0, description="indirect LUC if calculated; never in the total")
    critical_review: bool = False
    practitioner: str | None = None
