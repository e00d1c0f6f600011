"""The footprint result: JSON-serialisable, explainable line by line and as a tree.

``FootprintResult.lines`` is a :class:`LineTable`: a read-only sequence of :class:`LineResult`
kept as columns (the engine's arrays), so a 100,000-line result costs no 100,000 objects until
someone reads them. Indexing or iterating yields ``LineResult`` objects (built on first access
and kept); ``model_dump`` / ``model_dump_json`` write the same list of line objects as a plain
list would, and ``model_validate`` reads it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import numpy as np
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import core_schema

from footprint.model import Boundary, FunctionalUnit
from footprint.tree import ProductTree, TreeNode


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


_FIELDS = tuple(LineResult.model_fields)


def _line(values: tuple[Any, ...]) -> LineResult:
    """A LineResult from engine values already of the field types: what ``model_construct``
    does, without its per-field default handling (about 3x faster)."""
    obj = LineResult.__new__(LineResult)
    object.__setattr__(obj, "__dict__", dict(zip(_FIELDS, values, strict=True)))
    object.__setattr__(obj, "__pydantic_fields_set__", set(_FIELDS))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class _Fixed:
    """A made column set standing in for the callable that would make it (picklable)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> Any:
        return self.value


class LineColumns:
    """The engine's per-line columns. Factor details live once per factor row (``row``); the
    path is the tree node's path plus the line id, the stage an index into ``stage_names``.
    The text columns (id, kind, description, unit) come from ``texts()``, called on first
    use (the engine joins the dossier's own lists then); ``node`` and ``primary`` may be given
    the same way."""

    def __init__(self, *, texts: Callable[[], tuple[list[str], list[str], list[str], list[str]]],
                 node: np.ndarray | Callable[[], np.ndarray], node_path: list[str],
                 stage: np.ndarray,
                 stage_names: list[str], quantity: np.ndarray, row: np.ndarray,
                 factor_id: list[str], factor_value: list[float], factor_unit: list[str],
                 factor_source: list[str], check: list[bool], kg_co2e: np.ndarray,
                 multiplier: np.ndarray, primary: np.ndarray | Callable[[], np.ndarray],
                 dqr: np.ndarray) -> None:
        self._texts = texts
        self._prefix: list[str] | None = None
        self._node, self.node_path, self.stage = node, node_path, stage
        self.stage_names = stage_names
        self.quantity, self.row = quantity, row
        self.factor_id, self.factor_value, self.factor_unit = factor_id, factor_value, factor_unit
        self.factor_source, self.check, self.kg_co2e = factor_source, check, kg_co2e
        self.multiplier, self._primary, self.dqr = multiplier, primary, dqr

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with every lazy column made (the engine's callables stay behind)."""
        state = dict(self.__dict__)
        state["_texts"] = _Fixed(self._texts())
        state["_node"], state["_primary"] = self.node, self.primary
        return state

    @property
    def node(self) -> np.ndarray:
        """tree node per line (given as an array, or made on first use)"""
        if callable(self._node):
            self._node = self._node()
        return self._node

    @property
    def primary(self) -> np.ndarray:
        if callable(self._primary):
            self._primary = self._primary()
        return self._primary

    @property
    def line_id(self) -> list[str]:
        return self._texts()[0]

    @property
    def kind(self) -> list[str]:
        return self._texts()[1]

    @property
    def description(self) -> list[str]:
        return self._texts()[2]

    @property
    def unit(self) -> list[str]:
        return self._texts()[3]

    @property
    def prefix(self) -> list[str]:
        """per tree node, the path prefix of its lines"""
        if self._prefix is None:
            self._prefix = [p + "/" if p else "" for p in self.node_path]
        return self._prefix

    def __len__(self) -> int:
        return len(self.kg_co2e)

    def values(self, i: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Per line, the LineResult field values in field order (all lines, or line ``i``)."""
        sl = slice(None) if i is None else slice(i, i + 1)
        row = self.row[sl].tolist()
        fid, fval, funit, fsrc, chk = (self.factor_id, self.factor_value, self.factor_unit,
                                       self.factor_source, self.check)
        prefix, names = self.prefix, self.stage_names
        ids = self.line_id[sl]
        path = [prefix[n] + x for n, x in zip(self.node[sl].tolist(), ids, strict=True)]
        dq = [None if x != x else x for x in self.dqr[sl].tolist()]
        return zip(
            ids, path, [names[s] for s in self.stage[sl].tolist()], self.kind[sl],
            self.description[sl], self.quantity[sl].tolist(), self.unit[sl],
            [fid[r] for r in row], [fval[r] for r in row], [funit[r] for r in row],
            [fsrc[r] for r in row], self.kg_co2e[sl].tolist(), self.multiplier[sl].tolist(),
            self.primary[sl].tolist(), dq, [chk[r] for r in row], strict=True,
        )


class LineTable(Sequence[LineResult]):
    """Read-only sequence of :class:`LineResult`, backed by columns or by a list of objects."""

    __slots__ = ("_cols", "_items")

    def __init__(self, items: Sequence[LineResult] | None = None, *,
                 columns: LineColumns | None = None) -> None:
        if (items is None) == (columns is None):
            raise TypeError("give either items or columns")
        self._cols = columns
        # built lines, by index: made on first read (a result nobody reads costs no list)
        self._items: list[LineResult | None] | None = (
            list(items) if items is not None else None)

    def _slots(self) -> list[LineResult | None]:
        if self._items is None:
            assert self._cols is not None
            self._items = [None] * len(self._cols)
        return self._items

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else len(self._cols)  # type: ignore[arg-type]

    @overload
    def __getitem__(self, i: int) -> LineResult: ...
    @overload
    def __getitem__(self, i: slice) -> list[LineResult]: ...
    def __getitem__(self, i: int | slice) -> LineResult | list[LineResult]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        items = self._slots()
        item = items[i]
        if item is None:
            j = i + len(self) if i < 0 else i
            assert self._cols is not None
            item = items[j] = _line(next(self._cols.values(j)))
        return item

    def __iter__(self) -> Iterator[LineResult]:
        items = self._slots()
        if self._cols is None or all(x is not None for x in items):
            yield from items  # type: ignore[misc]
            return
        for j, vals in enumerate(self._cols.values()):
            item = items[j]
            if item is None:
                item = items[j] = _line(vals)
            yield item

    def to_dicts(self) -> list[dict[str, Any]]:
        """The lines as plain dicts (LineResult field order), without building line objects."""
        if self._cols is None:
            return [ln.model_dump() for ln in self]  # type: ignore[union-attr]
        return [dict(zip(_FIELDS, vals, strict=True)) for vals in self._cols.values()]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineTable):
            return len(self) == len(other) and self.to_dicts() == other.to_dicts()
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LineTable({len(self)} lines)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> LineTable:
            if isinstance(value, LineTable):
                return value
            return cls(inner(value))

        # serialised as plain dicts with LineResult's fields (typed, for the JSON schema)
        as_dict = core_schema.typed_dict_schema({
            name: core_schema.typed_dict_field(handler.generate_schema(f.annotation))
            for name, f in LineResult.model_fields.items()
        })
        return core_schema.no_info_wrap_validator_function(
            validate, handler.generate_schema(list[LineResult]),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda t: t.to_dicts(), return_schema=core_schema.list_schema(as_dict)),
        )


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
    lines: LineTable
    """per line, in dossier order (a sequence of LineResult)"""
    tree: ProductTree
    """product -> sub-assembly -> lines; reads as the root TreeNode (footprint.tree)"""
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


__all__ = ["FootprintResult", "LineColumns", "LineResult", "LineTable", "ProductTree", "TreeNode",
           "UncertaintyResult"]
