"""The footprint result: JSON-serialisable, explainable line by line and as a tree."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from footprint.model import Boundary, FunctionalUnit


class LineResult(BaseModel):
    """One activity line after expansion of sub-assemblies, per functional unit."""

    model_config = ConfigDict(frozen=True)
    line_id: str
    path: str
    """slash path from the product: "pcb/solder" = line solder in sub-assembly line pcb"""
    stage: str
    kind: str
    description: str
    quantity: float
    """activity amount as submitted, in ``unit`` (for transport: mass x distance)"""
    unit: str
    factor_id: str
    factor_value: float
    """kg CO2e per factor unit, with the dossier's GWP set applied"""
    factor_unit: str
    factor_source: str
    kg_co2e: float
    """contribution to the total per functional unit"""
    multiplier: float
    """occurrences per functional unit (sub-assembly quantities / reference flows, allocation)"""
    primary: bool
    dqr: float | None = None
    check: bool = False
    """the factor is marked for confirmation against its source"""


class TreeNode(BaseModel):
    """Product or sub-assembly instance: totals per functional unit of the product."""

    path: str
    name: str
    ref: str | None = None
    quantity: float = 1.0
    """units of this sub-assembly per reference flow of its parent"""
    total: float
    per_stage: dict[str, float]
    share: float
    """share of the product total (0 when the total is 0)"""
    lines: list[int] = Field(default_factory=list)
    """indexes into FootprintResult.lines of this node's own lines"""
    children: list[TreeNode] = Field(default_factory=list)


class UncertaintyResult(BaseModel):
    draws: int
    seed: int
    mean: float
    median: float
    std: float
    p2_5: float
    p97_5: float
    lines_with_distribution: int


class FootprintResult(BaseModel):
    product: str
    functional_unit: FunctionalUnit
    boundary: Boundary
    reference_flow: float
    total: float
    """kg CO2e per functional unit (fossil + biogenic emissions + removals + dLUC)"""
    per_stage: dict[str, float]
    per_gas: dict[str, float]
    """kg CO2e per gas; "CO2e_unsplit" holds figures published only as CO2e"""
    fossil: float
    biogenic_emissions: float
    biogenic_removals: float
    dluc: float
    aircraft: float
    """aircraft transport emissions (included in fossil, reported separately)"""
    lines: list[LineResult]
    tree: TreeNode
    primary_data_share: float
    dqr: float | None
    dqr_coverage: float
    """share of |kg CO2e| carried by lines with a DQR"""
    factors_to_check: list[str]
    factor_set_id: str
    factor_set_version: str
    gwp_set: str
    dossier_sha256: str
    engine_version: str
    uncertainty: UncertaintyResult | None = None
