"""The typed dossier: what an exporter submits for one product footprint.

A dossier is a tree. Its ``lines`` are activity data (a material, a kWh, a truck leg ...), each
multiplied by one emission factor; a ``subassembly`` line pulls in a named :class:`Subassembly`
(its own lines, possibly nested further) times a quantity. Sub-assemblies are defined in a
``subassemblies`` registry on the dossier or on any sub-assembly; a reference resolves in the
nearest enclosing registry first, so one definition can be reused in many places.

Cross-field rules (units, shares, references, cycles) are checked once, with full paths, by
:func:`footprint.validation.validate_dossier` when a Dossier is built; failures raise the named
errors of :mod:`footprint.errors`, never a bare ValueError.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator


class Stage(enum.StrEnum):
    """Life-cycle stage (ISO 14067 / GB/T 24067)."""

    raw_material = "raw_material"
    production = "production"
    distribution = "distribution"
    use = "use"
    end_of_life = "end_of_life"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


class Boundary(enum.StrEnum):
    cradle_to_gate = "cradle-to-gate"
    cradle_to_grave = "cradle-to-grave"
    gate_to_gate = "gate-to-gate"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Product(_Model):
    name: str
    model: str
    category: str | None = None
    """Carbon-label catalogue key, e.g. "lithium_battery_power", "steel_long_process", "citrus"."""
    cn_code: str | None = None
    description: str = ""


class FunctionalUnit(_Model):
    amount: float = 1.0
    unit: str = "piece"
    """"kg", "piece", "kWh", "t", "set", "m**2" ..."""
    description: str = ""


class ReferencePeriod(_Model):
    start: date
    end: date


class DQR(_Model):
    """PEF data quality rating of one line: each criterion 1 (best) .. 5 (worst)."""

    ter: float
    """technological representativeness"""
    ger: float
    """geographical representativeness"""
    tir: float
    """time representativeness"""
    p: float
    """precision"""

    @property
    def value(self) -> float:
        """DQR = (TeR + GeR + TiR + P) / 4 (PEF, Rec. (EU) 2021/2279 Annex I)."""
        return (self.ter + self.ger + self.tir + self.p) / 4.0


class Uncertainty(_Model):
    """Distribution of a line's result around its point value, as multiplicative factors.

    lognormal: geometric standard deviation squared ``gsd2`` (ecoinvent convention, 95 % of draws
    within [value/gsd2, value*gsd2]); normal: relative standard deviation ``rel_sd``;
    uniform / triangular: relative ``low`` and ``high`` multipliers (triangular mode = 1).
    """

    distribution: Literal["lognormal", "normal", "uniform", "triangular"] = "lognormal"
    gsd2: float | None = None
    rel_sd: float | None = None
    low: float | None = None
    high: float | None = None


class SupplierPCF(_Model):
    """Supplier-specific footprint (primary data) per ``unit`` of the purchased item."""

    value: float
    """kg CO2e per unit, total including the parts below"""
    unit: str = "kg"
    supplier: str | None = None
    reference: str | None = None
    """document / PACT footprint id / evidence hash"""
    verified: bool = False
    biogenic_emissions: float = 0.0
    biogenic_removals: float = 0.0
    """kg CO2e per unit, zero or negative"""
    dluc: float = 0.0
    aircraft: float = 0.0
    """part of the fossil value that is aircraft transport"""


class SupplierInstrument(_Model):
    """Supplier-specific electricity (contractual instrument meeting ISO 14067 6.4.9.4)."""

    type: Literal["ppa", "direct_line", "green_certificate", "guarantee_of_origin", "supplier_mix"]
    factor: float
    """kg CO2e per kWh (life-cycle)"""
    reference: str | None = None


class _LineBase(_Model):
    id: str
    description: str = ""
    dqr: DQR | None = None
    uncertainty: Uncertainty | None = None
    evidence: list[str] = Field(default_factory=list)
    """ids / SHA-256 of evidence files backing this line"""


class MaterialLine(_LineBase):
    """A material or purchased component: mass (or pieces) x material factor or supplier PCF."""

    kind: Literal["material"] = "material"
    stage: Stage = Stage.raw_material
    quantity: float
    unit: str = "kg"
    material: str | None = None
    """factor id, e.g. "material.steel.bof"; optional when supplier_pcf is given"""
    origin: str | None = None
    """country / province of origin"""
    supplier_pcf: SupplierPCF | None = None
    recycled_content: float | None = None
    """share 0..1, informative (EU battery Art. 8); the factor chosen must already reflect it"""


class PackagingLine(MaterialLine):
    kind: Literal["packaging"] = "packaging"  # type: ignore[assignment]


class ElectricityLine(_LineBase):
    kind: Literal["electricity"] = "electricity"
    stage: Stage = Stage.production
    quantity: float
    unit: str = "kWh"
    grid: str | None = None
    """factor id, e.g. "elec.cn.lca.2023.national" or "elec.cn.grid.2022.province.sichuan\""""
    instrument: SupplierInstrument | None = None


class FuelLine(_LineBase):
    kind: Literal["fuel"] = "fuel"
    stage: Stage = Stage.production
    fuel: str
    quantity: float
    unit: str = "kg"


class TransportLine(_LineBase):
    """A transport leg: mass x distance x mode factor (kg CO2e per t*km)."""

    kind: Literal["transport"] = "transport"
    stage: Stage = Stage.distribution
    mode: str
    """factor id, e.g. "transport.road.hgv.average\""""
    mass: float
    mass_unit: str = "kg"
    distance: float
    distance_unit: str = "km"


class ProcessEmissionLine(_LineBase):
    """A direct emission of one gas (mass of gas); CO2e from the dossier's GWP set."""

    kind: Literal["process_emission"] = "process_emission"
    stage: Stage = Stage.production
    gas: str
    """"CO2", "CH4", "N2O", "SF6", "HFC-134a" ... (CH4 takes the fossil / non-fossil GWP by origin)"""
    quantity: float
    unit: str = "kg"
    origin: Literal["fossil", "biogenic", "dluc"] = "fossil"
    removal: bool = False
    """biogenic CO2 taken up (counted negative, reported as biogenic removal)"""


class UseEnergyLine(_LineBase):
    """Use-stage energy: energy per year x years of service x factor."""

    kind: Literal["use_energy"] = "use_energy"
    stage: Stage = Stage.use
    energy_per_year: float
    unit: str = "kWh"
    years: float
    factor: str
    """factor id of the energy carrier, usually a grid factor"""


class CFFParameters(_Model):
    """PEF Circular Footprint Formula parameters (Rec. (EU) 2021/2279 Annex I 4.4.8; Annex C).

    E terms are factor ids (kg CO2e per kg of material, or per MJ for ESE); ``ev`` defaults to
    the end-of-life line's ``material`` and ``ev_star`` to ``ev``.
    """

    r1: float = 0.0
    r2: float = 0.0
    r3: float = 0.0
    a: float = 0.5
    b: float = 0.0
    qsin_qp: float = 1.0
    qsout_qp: float = 1.0
    erec: str | None = None
    erec_eol: str | None = None
    ev_star: str | None = None
    ed: str | None = None
    eer: str | None = None
    lhv: float = 0.0
    """MJ per kg of material"""
    x_heat: float = 0.0
    x_elec: float = 0.0
    ese_heat: str | None = None
    ese_elec: str | None = None
    include_material_part: bool = False
    """add (1-R1)Ev + R1(A Erec + (1-A) Ev Qsin/Qp): then list no separate material line"""


class EndOfLifeLine(_LineBase):
    kind: Literal["end_of_life"] = "end_of_life"
    stage: Stage = Stage.end_of_life
    material: str
    """factor id of the virgin material (Ev)"""
    mass: float
    unit: str = "kg"
    cff: CFFParameters = Field(default_factory=CFFParameters)


class WasteLine(_LineBase):
    kind: Literal["waste"] = "waste"
    stage: Stage = Stage.production
    treatment: str
    """factor id, e.g. "waste.landfill.mixed\""""
    quantity: float
    unit: str = "kg"


class SubassemblyLine(_LineBase):
    """``quantity`` units of sub-assembly ``ref`` per reference flow of the enclosing dossier."""

    kind: Literal["subassembly"] = "subassembly"
    stage: Stage | None = None
    """None: inner lines keep their own stages; set: all inner lines report in this stage"""
    ref: str
    quantity: float = 1.0


Line = Annotated[
    MaterialLine | PackagingLine | ElectricityLine | FuelLine | TransportLine
    | ProcessEmissionLine | UseEnergyLine | EndOfLifeLine | WasteLine | SubassemblyLine,
    Field(discriminator="kind"),
]


TableKind = Literal["material", "packaging", "electricity", "fuel", "waste", "transport"]
TABLE_DEFAULTS: dict[str, tuple[Stage, str]] = {
    "material": (Stage.raw_material, "kg"), "packaging": (Stage.raw_material, "kg"),
    "electricity": (Stage.production, "kWh"), "fuel": (Stage.production, "kg"),
    "waste": (Stage.production, "kg"), "transport": (Stage.distribution, "kg*km"),
}
"""table kind -> (default stage, default unit) - the defaults of the matching line class"""
Floats = tuple[float, ...]
Texts = tuple[str, ...]
OptFloats = tuple[float | None, ...]
OptTexts = tuple[str | None, ...]


class LineTable(BaseModel):
    """Many lines of one kind as equal-length columns: a bill of materials, a meter export.

    Row ``i`` means the same as the line object of that kind with the row's values: ``factor``
    is the material / grid / fuel / treatment / mode factor id; omitted columns take the line
    class defaults (stage and units by kind, no DQR, no uncertainty, no supplier data). A row
    is a line like any other: its path is its id under the enclosing dossier or sub-assembly,
    its id must be unique among all lines there (object lines and every table).

    Columns are tuples and the table is frozen, so a table never changes after validation; the
    numpy form of its columns is computed once (see :mod:`footprint.tables`). Whole columns are
    validated by pydantic (in Rust); cross-column checks (lengths, NaN, negative, units per
    distinct unit, DQR range) are vectorised and name the first bad row by table and row id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TableKind
    name: str = ""
    """label used in errors (a sheet name); default ``line_tables[<index>]``"""
    id: Texts
    factor: OptTexts
    """factor id per row; None only where the row has a supplier PCF (material, packaging)"""
    quantity: Floats | None = None
    """activity amount (all kinds but transport)"""
    unit: Texts | None = None
    mass: Floats | None = None
    """transport: mass carried"""
    mass_unit: Texts | None = None
    distance: Floats | None = None
    distance_unit: Texts | None = None
    stage: Texts | None = None
    """Stage values; default: the kind's stage (raw_material, production or distribution)"""
    description: Texts | None = None
    dqr_ter: OptFloats | None = None
    """PEF DQR criteria 1..5 per row (all four given, or all four None on a row)"""
    dqr_ger: OptFloats | None = None
    dqr_tir: OptFloats | None = None
    dqr_p: OptFloats | None = None
    gsd2: OptFloats | None = None
    """lognormal uncertainty (GSD squared) per row, None: no distribution"""
    rel_sd: OptFloats | None = None
    """normal uncertainty (relative standard deviation) per row"""
    pcf: OptFloats | None = None
    """supplier PCF, kg CO2e per ``pcf_unit`` (material, packaging): replaces the factor"""
    pcf_unit: Texts | None = None
    """default "kg", as SupplierPCF"""
    pcf_supplier: OptTexts | None = None

    def __len__(self) -> int:
        return len(self.id)

    @property
    def default_stage(self) -> Stage:
        return TABLE_DEFAULTS[self.kind][0]


class TableCache:
    """Holds the numpy form of an owner's line tables (footprint.tables). Not part of the
    dossier's value: any two holders compare equal, a deep copy starts empty."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: Any = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableCache)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> TableCache:
        return TableCache()


@dataclass(frozen=True, slots=True)
class LineView:
    """One line definition as :meth:`Dossier.iter_lines` yields it: an object line or a row."""

    path: str
    """dossier field path, e.g. ``lines[2]``, ``subassemblies.pcb.line_tables[0].rows[5]``"""
    id: str
    kind: str
    stage: Stage | None
    """the line's own stage (a sub-assembly line's stage override is not applied)"""
    factor: str | None
    """factor id the line names (material, grid, fuel, treatment, mode, factor); None when the
    line carries its own figure (supplier PCF, instrument, gas) or is a sub-assembly"""
    line: Any = None
    """the line object; None for a table row"""
    table: int | None = None
    row: int | None = None

    @property
    def instrument(self) -> SupplierInstrument | None:
        return getattr(self.line, "instrument", None)


_FACTOR_FIELD = {"material": "material", "packaging": "material", "electricity": "grid",
                 "fuel": "fuel", "waste": "treatment", "transport": "mode",
                 "use_energy": "factor", "end_of_life": "material"}


def _views(owner: Subassembly | Dossier, base: str, seen: set[int]) -> Iterator[LineView]:
    for i, line in enumerate(owner.lines):
        fld = _FACTOR_FIELD.get(line.kind)
        fid = getattr(line, fld) if fld else None
        if getattr(line, "supplier_pcf", None) is not None or \
                getattr(line, "instrument", None) is not None:
            fid = None
        yield LineView(f"{base}lines[{i}]", line.id, line.kind, line.stage, fid, line)
    for t, table in enumerate(owner.line_tables):
        stages = table.stage or (table.default_stage,) * len(table.id)
        pcf = table.pcf or (None,) * len(table.id)
        for r, (rid, st, fid, v) in enumerate(zip(table.id, stages, table.factor, pcf,
                                                  strict=True)):
            yield LineView(f"{base}line_tables[{t}].rows[{r}]", rid, table.kind, Stage(st),
                           fid if v is None else None, None, t, r)
    for name, sub in owner.subassemblies.items():
        if id(sub) not in seen:
            seen.add(id(sub))
            yield from _views(sub, f"{base}subassemblies.{name}.", seen)


class CoProduct(_Model):
    name: str
    mass: float
    """in any consistent mass unit (the same for all outputs)"""
    economic_value: float | None = None
    """value of the output over the same period, any one currency"""


class Allocation(_Model):
    """Co-product allocation (ISO 14067 6.4.6): the share of ``stages`` kept by the product."""

    method: Literal["mass", "economic"]
    main_product: CoProduct
    co_products: list[CoProduct]
    stages: list[Stage] = Field(default_factory=lambda: [Stage.raw_material, Stage.production])

    @property
    def factor(self) -> float:
        outs = [self.main_product, *self.co_products]
        if self.method == "mass":
            vals = [o.mass for o in outs]
        else:
            vals = [o.economic_value or 0.0 for o in outs]
        total = sum(vals)
        return vals[0] / total if total > 0 else 0.0


class Subassembly(_Model):
    name: str
    description: str = ""
    reference_flow: float = 1.0
    """how many units of this sub-assembly the lines describe"""
    unit: str = "piece"
    lines: list[Line] = Field(default_factory=list)
    line_tables: list[LineTable] = Field(default_factory=list, exclude_if=lambda v: not v)
    """lines given as columns (after ``lines`` in results); left out of the JSON when empty,
    so dossiers without tables keep their canonical JSON and SHA-256"""
    subassemblies: dict[str, Subassembly] = Field(default_factory=dict)
    allocation: Allocation | None = None
    _rows: TableCache = PrivateAttr(default_factory=lambda: TableCache())
    """cached numpy form of ``line_tables`` (footprint.tables.owner_rows)"""

    def iter_lines(self) -> Iterator[LineView]:
        """Every line definition here and below once: object lines, then table rows."""
        return _views(self, "", {id(self)})


class Dossier(_Model):
    schema_version: str = "1"
    product: Product
    functional_unit: FunctionalUnit
    boundary: Boundary
    reference_period: ReferencePeriod
    reference_flow: float = 1.0
    """how many functional units the lines describe (e.g. a year's output)"""
    gwp_set: Literal["AR6", "AR5"] = "AR6"
    lines: list[Line] = Field(default_factory=list)
    line_tables: list[LineTable] = Field(default_factory=list, exclude_if=lambda v: not v)
    """lines given as columns (after ``lines`` in results); left out of the JSON when empty,
    so dossiers without tables keep their canonical JSON and SHA-256"""
    subassemblies: dict[str, Subassembly] = Field(default_factory=dict)
    allocation: Allocation | None = None
    regime_data: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_tree(self) -> Dossier:
        from footprint.validation import validate_dossier

        validate_dossier(self)
        return self

    _rows: TableCache = PrivateAttr(default_factory=lambda: TableCache())
    """cached numpy form of ``line_tables`` (footprint.tables.owner_rows)"""
    _joined: TableCache = PrivateAttr(default_factory=lambda: TableCache())
    """every owner's table rows joined, one key list (footprint.tables.join_rows)"""

    def iter_lines(self) -> Iterator[LineView]:
        """Every line definition once - the dossier's, then each sub-assembly registry's, depth
        first - object lines first, then table rows, as light :class:`LineView` records."""
        return _views(self, "", set())
