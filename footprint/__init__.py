"""footprint room of Tanpass: the dossier model, factor sets and the calculation.

Pure Python (numpy, pint, pydantic); no Temporal, web or database code. See
docs/footprint.md for the model and docs/footprint-worked-examples.md for worked cases.
"""

from footprint.calculate import ENGINE_VERSION, calculate, dossier_sha256
from footprint.convert import to_tables
from footprint.demo import demo_dossier
from footprint.errors import (
    DossierError,
    DuplicateLineIdError,
    FactorError,
    FactorSetNotFoundError,
    FootprintError,
    IncompatibleUnitError,
    InvalidQuantityError,
    InvalidShareError,
    MissingFactorError,
    SubassemblyCycleError,
    TableShapeError,
    UncertaintyError,
    UnitError,
    UnknownGasError,
    UnknownSubassemblyError,
    UnknownUnitError,
)
from footprint.factors import Factor, FactorSet, FactorSource, GwpTable, available, load_factor_set
from footprint.model import (
    DQR,
    Allocation,
    Boundary,
    CFFParameters,
    CoProduct,
    Dossier,
    ElectricityLine,
    EndOfLifeLine,
    FuelLine,
    FunctionalUnit,
    Line,
    LineTable,
    LineView,
    MaterialLine,
    PackagingLine,
    ProcessEmissionLine,
    Product,
    ReferencePeriod,
    Stage,
    Subassembly,
    SubassemblyLine,
    SupplierInstrument,
    SupplierPCF,
    TransportLine,
    Uncertainty,
    UseEnergyLine,
    WasteLine,
)
from footprint.result import FootprintResult, LineResult, UncertaintyResult
from footprint.tree import ProductTree, TreeNode

__all__ = [
    "DQR", "ENGINE_VERSION", "Allocation", "Boundary", "CFFParameters", "CoProduct", "Dossier",
    "DossierError", "DuplicateLineIdError", "ElectricityLine", "EndOfLifeLine", "Factor",
    "FactorError", "FactorSet", "FactorSetNotFoundError", "FactorSource", "FootprintError",
    "FootprintResult", "FuelLine", "FunctionalUnit", "GwpTable", "IncompatibleUnitError",
    "InvalidQuantityError", "InvalidShareError", "Line", "LineResult", "LineTable", "LineView", "MaterialLine",
    "MissingFactorError", "PackagingLine", "ProcessEmissionLine", "Product", "ProductTree",
    "ReferencePeriod",
    "Stage", "Subassembly", "SubassemblyCycleError", "SubassemblyLine", "SupplierInstrument",
    "SupplierPCF", "TableShapeError", "TransportLine", "TreeNode", "Uncertainty", "UncertaintyError",
    "UncertaintyResult", "UnitError", "UnknownGasError", "UnknownSubassemblyError",
    "UnknownUnitError", "UseEnergyLine", "WasteLine", "available", "calculate",
    "demo_dossier", "dossier_sha256", "load_factor_set", "to_tables",
]
