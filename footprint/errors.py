"""Errors raised by the footprint engine.

Every error names the place that is wrong (dossier path, line id, field) and why, as attributes,
so callers (workflow activity, API, CLI) convert them without parsing strings. Each error also
carries a bilingual message: ``str(err)`` is English, ``err.message_zh`` is Chinese.

    FootprintError
    ├── DossierError                    the dossier itself is malformed
    │   ├── DuplicateLineIdError        two lines in one (sub-)dossier share an id
    │   ├── InvalidQuantityError        negative, NaN or infinite amount on a line
    │   ├── TableShapeError             a line table's columns differ in length, or one is missing
    │   ├── InvalidShareError           a share / ratio (CFF R1, R2, R3, A, B, allocation) out of range
    │   ├── UnknownSubassemblyError     a line references a sub-assembly that is not defined
    │   └── SubassemblyCycleError       sub-assemblies reference each other in a loop
    ├── UnitError                       a unit problem on a line
    │   ├── UnknownUnitError            the unit is not understood
    │   └── IncompatibleUnitError       the unit cannot be converted to what the factor needs
    ├── FactorError                     a factor problem
    │   ├── MissingFactorError          a line references a factor id the set does not hold
    │   ├── UnknownGasError             a process emission names a gas without a GWP in the set
    │   └── FactorSetNotFoundError      no factor set file with that id / version
    └── UncertaintyError                Monte Carlo parameters are invalid
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass
class FootprintError(Exception):
    """Base class. ``path`` is the slash path of the line or node concerned ('' = dossier)."""

    path: str = ""
    field: str | None = None
    reason: str = ""
    message_zh: str = ""
    detail: dict[str, object] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or "dossier"
        if self.field:
            where += f" (field {self.field})"
        return f"{type(self).__name__} at {where}: {self.reason}"

    @property
    def line_id(self) -> str | None:
        """The id of the offending line: the last path segment, if the path names a line."""
        return self.path.rsplit("/", 1)[-1] if self.path else None

    def to_dict(self) -> dict[str, object]:
        """Structured form for problem+json and CLI output."""
        return {
            "error": type(self).__name__,
            "path": self.path,
            "line_id": self.line_id,
            "field": self.field,
            "reason": self.reason,
            "message_en": str(self),
            "message_zh": self.message_zh,
            "detail": dict(self.detail),
        }


class DossierError(FootprintError):
    """The dossier is malformed."""


class DuplicateLineIdError(DossierError):
    """Two lines in the same dossier or sub-assembly share an id."""


class InvalidQuantityError(DossierError):
    """An amount is negative, NaN or infinite where that is not allowed."""


class TableShapeError(DossierError):
    """A line table's columns differ in length, or a column its kind needs is missing or one it
    does not take is given; ``detail`` names the table and the first row concerned."""


class InvalidShareError(DossierError):
    """A share or ratio is outside its allowed range."""


class UnknownSubassemblyError(DossierError):
    """A sub-assembly line references an undefined sub-assembly."""


class SubassemblyCycleError(DossierError):
    """Sub-assemblies reference each other in a loop; ``detail['cycle']`` lists the keys."""


class UnitError(FootprintError):
    """A unit problem on a line."""


class UnknownUnitError(UnitError):
    """The unit string is not understood by the unit registry."""


class IncompatibleUnitError(UnitError):
    """The line's unit has a different dimension than the factor's activity unit."""


class FactorError(FootprintError):
    """A factor problem."""


class MissingFactorError(FactorError):
    """A line references a factor id the factor set does not contain."""


class UnknownGasError(FactorError):
    """A gas without a GWP value in the chosen GWP set."""


class FactorSetNotFoundError(FactorError):
    """No factor set data file with the requested id / version."""


class UncertaintyError(FootprintError):
    """Monte Carlo parameters are invalid."""
