"""Versioned factor sets: emission factors and GWP tables, each figure with its source.

Data files live in ``footprint/data/factor_sets/<id>@<version>.json`` (found relative to this
module, never the cwd). A file is never edited once released: a correction is a new version, so
a calculation that records (set id, version) can be repeated with identical figures forever.

File shape::

    {"id", "version", "published", "description",
     "sources": {key: {"document", "table", "year", "published", "url"}},
     "gwp": {"AR6": {"source": key, "table": str, "values": {gas: GWP100}}, "AR5": {...}},
     "factors": [{"id", "name", "unit": "kg CO2e/<activity unit>", "value" | "gases",
                  "carbon": "fossil|biogenic|dluc", "aircraft", "source": key, "table",
                  "valid_from", "check", "note"}]}

``value`` is kg CO2e per activity unit (life-cycle factors that are only published as CO2e);
``gases`` is kg of each gas per activity unit, turned into CO2e with the dossier's GWP set.
``"check": true`` marks figures whose exact value should be confirmed against the source.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from footprint.errors import FactorSetNotFoundError, MissingFactorError, UnknownGasError

DATA_DIR = Path(__file__).resolve().parent / "data" / "factor_sets"
DEFAULT_SET_ID = "tanpass-cn"


class FactorSource(BaseModel):
    model_config = ConfigDict(frozen=True)
    document: str
    table: str | None = None
    year: int | None = None
    """data year"""
    published: str | None = None
    """ISO date or year-month the document was published"""
    url: str | None = None


class Factor(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    unit: str
    """"kg CO2e/kWh", "kg CO2/kWh", "kg CO2e/kg", "kg CO2e/(t*km)" ..."""
    value: float | None = None
    gases: dict[str, float] | None = None
    carbon: Literal["fossil", "biogenic", "dluc"] = "fossil"
    aircraft: bool = False
    source: FactorSource
    valid_from: date
    check: bool = False
    note: str = ""

    @property
    def activity_unit(self) -> str:
        """The unit the activity amount must be converted to (after the '/')."""
        denom = self.unit.split("/", 1)[1].strip()
        return denom[1:-1] if denom.startswith("(") and denom.endswith(")") else denom

    def gas_keys(self) -> dict[str, float]:
        """Gas breakdown with CH4 named fossil / non-fossil after the factor's carbon origin."""
        if self.gases is None:
            return {}
        out: dict[str, float] = {}
        for gas, amount in self.gases.items():
            key = gas
            if gas == "CH4":
                key = "CH4_fossil" if self.carbon == "fossil" else "CH4_non_fossil"
            out[key] = out.get(key, 0.0) + amount
        return out


class GwpTable(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: FactorSource
    values: dict[str, float]


class FactorSet(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    version: str
    published: str
    description: str = ""
    gwp: dict[str, GwpTable]
    factors: dict[str, Factor]

    def factor(self, factor_id: str, *, path: str = "", field: str = "factor") -> Factor:
        f = self.factors.get(factor_id)
        if f is None:
            raise MissingFactorError(
                path=path, field=field,
                reason=f"factor {factor_id!r} is not in factor set {self.id}@{self.version}",
                message_zh=f"{path} 引用的排放因子 {factor_id!r} 不在因子集 {self.id}@{self.version} 中",
                detail={"factor_id": factor_id, "factor_set": f"{self.id}@{self.version}"},
            )
        return f

    def gwp_value(self, gwp_set: str, gas: str, *, path: str = "") -> float:
        table = self.gwp.get(gwp_set)
        value = None if table is None else table.values.get(gas)
        if value is None:
            raise UnknownGasError(
                path=path, field="gas", reason=f"no {gwp_set} GWP100 for gas {gas!r}",
                message_zh=f"{gwp_set} 中没有气体 {gas!r} 的 GWP100",
                detail={"gas": gas, "gwp_set": gwp_set},
            )
        return value

    def co2e(self, f: Factor, gwp_set: str) -> float:
        """kg CO2e per activity unit of ``f`` under ``gwp_set``."""
        if f.gases is None:
            return float(f.value or 0.0)
        return sum(a * self.gwp_value(gwp_set, g, path=f.id) for g, a in f.gas_keys().items())


def _version_key(v: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in v.replace("-", ".").split("."))


def available() -> dict[str, list[str]]:
    """Set id -> versions (oldest first) found in the data folder."""
    out: dict[str, list[str]] = {}
    for p in DATA_DIR.glob("*@*.json"):
        sid, ver = p.stem.split("@", 1)
        out.setdefault(sid, []).append(ver)
    return {k: sorted(v, key=_version_key) for k, v in sorted(out.items())}


def _parse(raw: dict) -> FactorSet:
    sources = raw["sources"]

    def src(key: str, table: str | None) -> FactorSource:
        s = dict(sources[key])
        if table is not None:
            s["table"] = table
        return FactorSource.model_validate(s)

    gwp = {
        name: GwpTable(source=src(t["source"], t.get("table")), values=t["values"])
        for name, t in raw["gwp"].items()
    }
    factors: dict[str, Factor] = {}
    for item in raw["factors"]:
        item = dict(item)
        item["source"] = src(item.pop("source"), item.pop("table", None))
        f = Factor.model_validate(item)
        if f.id in factors:
            raise ValueError(f"duplicate factor id {f.id} in {raw['id']}@{raw['version']}")
        factors[f.id] = f
    return FactorSet(id=raw["id"], version=raw["version"], published=raw["published"],
                     description=raw.get("description", ""), gwp=gwp,
                     factors=dict(sorted(factors.items())))


@lru_cache(maxsize=16)
def load_factor_set(set_id: str | None = None, version: str | None = None) -> FactorSet:
    """Load a factor set; ``version=None`` takes the newest version of ``set_id``."""
    sid = set_id or DEFAULT_SET_ID
    versions = available().get(sid, [])
    if version is None and versions:
        version = versions[-1]
    path = DATA_DIR / f"{sid}@{version}.json"
    if version is None or not path.is_file():
        raise FactorSetNotFoundError(
            field="factor_set", reason=f"no factor set {sid}@{version or '*'}",
            message_zh=f"找不到因子集 {sid}@{version or '*'}",
            detail={"available": available()},
        )
    return _parse(json.loads(path.read_text(encoding="utf-8")))
