"""The factor rows of one calculation: set factors plus inline primary data, in CO2e.

Each row holds, per activity unit: total kg CO2e, a split by gas, a split by carbon class
(fossil, biogenic emission, biogenic removal, dLUC) and the aircraft part. Rows are appended in
first-use order, so the same dossier always yields the same row order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from footprint.errors import UnknownGasError
from footprint.factors import Factor, FactorSet
from footprint.units import conversion

UNSPLIT = "CO2e_unsplit"
CLASSES = ("fossil", "biogenic_emissions", "biogenic_removals", "dluc")


def _source_text(f: Factor) -> str:
    s = f.source
    parts = [s.document, s.table or "", str(s.year) if s.year else ""]
    return ", ".join(p for p in parts if p)


class FactorRows:
    def __init__(self, fs: FactorSet, gwp_set: str) -> None:
        self.fs = fs
        self.gwp_set = gwp_set
        self.by_key: dict[Any, int] = {}
        self.value: list[float] = []
        self.gases: list[dict[str, float]] = []
        self.classes: list[tuple[float, float, float, float]] = []
        self.aircraft: list[float] = []
        self.activity_unit: list[str] = []
        self.factor_id: list[str] = []
        self.factor_unit: list[str] = []
        self.source: list[str] = []
        self.check: list[bool] = []

    def _append(self, key: Any, value: float, gases: dict[str, float],
                classes: tuple[float, float, float, float], aircraft: float, activity_unit: str,
                factor_id: str, source: str, check: bool) -> int:
        self.by_key[key] = len(self.value)
        self.value.append(value)
        self.gases.append(gases)
        self.classes.append(classes)
        self.aircraft.append(aircraft)
        self.activity_unit.append(activity_unit)
        self.factor_id.append(factor_id)
        self.factor_unit.append(f"kg CO2e/{activity_unit}")
        self.source.append(source)
        self.check.append(check)
        return len(self.value) - 1

    def _gwp(self, gas: str, path: str) -> float:
        return self.fs.gwp_value(self.gwp_set, gas, path=path)

    def set_factor_co2e(self, f: Factor, path: str) -> tuple[float, dict[str, float]]:
        if f.gases is None:
            v = float(f.value or 0.0)
            return v, {UNSPLIT: v}
        gases = {g: a * self._gwp(g, path) for g, a in f.gas_keys().items()}
        return sum(gases.values()), gases

    def add_set_factor(self, f: Factor, path: str) -> int:
        value, gases = self.set_factor_co2e(f, path)
        cls = {"fossil": 0, "biogenic": 1 if value >= 0 else 2, "dluc": 3}[f.carbon]
        classes = tuple(value if i == cls else 0.0 for i in range(4))
        return self._append(f.id, value, gases, classes, value if f.aircraft else 0.0,  # type: ignore[arg-type]
                            f.activity_unit, f.id, _source_text(f), f.check)

    def add_pcf(self, pcf: Any, material: str | None) -> int:
        key = ("pcf", pcf.value, pcf.unit, pcf.biogenic_emissions, pcf.biogenic_removals,
               pcf.dluc, pcf.aircraft, pcf.supplier, pcf.reference)
        row = self.by_key.get(key)
        if row is not None:
            return row
        fossil = pcf.value - pcf.biogenic_emissions - pcf.biogenic_removals - pcf.dluc
        src = "supplier PCF" + (f" {pcf.supplier}" if pcf.supplier else "")
        src += f" ({pcf.reference})" if pcf.reference else ""
        src += ", verified" if pcf.verified else ", unverified"
        return self._append(key, pcf.value, {UNSPLIT: pcf.value},
                            (fossil, pcf.biogenic_emissions, pcf.biogenic_removals, pcf.dluc),
                            pcf.aircraft, pcf.unit, f"supplier:{material or 'pcf'}", src, False)

    def add_instrument(self, inst: Any) -> int:
        key = ("instrument", inst.type, inst.factor, inst.reference)
        row = self.by_key.get(key)
        if row is not None:
            return row
        src = f"supplier instrument {inst.type}" + (f" ({inst.reference})" if inst.reference else "")
        return self._append(key, inst.factor, {UNSPLIT: inst.factor}, (inst.factor, 0.0, 0.0, 0.0),
                            0.0, "kWh", f"instrument:{inst.type}", src, False)

    def add_gas(self, gas: str, origin: str, removal: bool, path: str) -> int:
        key = ("gas", gas, origin, removal)
        row = self.by_key.get(key)
        if row is not None:
            return row
        name = gas
        if gas == "CH4":
            name = "CH4_fossil" if origin == "fossil" else "CH4_non_fossil"
        gwp = self._gwp(name, path)
        if removal:
            if gas != "CO2":
                raise UnknownGasError(path=path, field="removal",
                                      reason="only CO2 can be recorded as a biogenic removal",
                                      message_zh=f"{path} 仅二氧化碳可记为生物源清除")
            gwp = -gwp
            cls = 2
        else:
            cls = {"fossil": 0, "biogenic": 1, "dluc": 3}[origin]
        classes = tuple(gwp if i == cls else 0.0 for i in range(4))
        table = self.fs.gwp[self.gwp_set]
        src = f"{self.gwp_set} GWP100: {table.source.document}, {table.source.table or ''}"
        return self._append(key, gwp, {name: gwp}, classes, 0.0, "kg",  # type: ignore[arg-type]
                            f"gwp:{self.gwp_set}:{name}", src, False)

    def _per_kg(self, fid: str | None, path: str, field: str) -> float:
        if fid is None:
            return 0.0
        f = self.fs.factor(fid, path=path, field=field)
        value, _ = self.set_factor_co2e(f, path)
        return value * conversion("kg", f.activity_unit, path=path, field=field)

    def _per_mj(self, fid: str | None, path: str, field: str) -> float:
        if fid is None:
            return 0.0
        f = self.fs.factor(fid, path=path, field=field)
        value, _ = self.set_factor_co2e(f, path)
        return value * conversion("MJ", f.activity_unit, path=path, field=field)

    def cff_per_kg(self, line: Any, path: str) -> float:
        """kg CO2e per kg of material by the PEF Circular Footprint Formula."""
        c = line.cff
        ev = self._per_kg(line.material, path, "material")
        erec = self._per_kg(c.erec, path, "cff.erec")
        erec_eol = self._per_kg(c.erec_eol, path, "cff.erec_eol")
        ev_star = self._per_kg(c.ev_star, path, "cff.ev_star") if c.ev_star else ev
        ed = self._per_kg(c.ed, path, "cff.ed")
        eer = self._per_kg(c.eer, path, "cff.eer")
        ese_heat = self._per_mj(c.ese_heat, path, "cff.ese_heat")
        ese_elec = self._per_mj(c.ese_elec, path, "cff.ese_elec")
        total = (1 - c.a) * c.r2 * (erec_eol - ev_star * c.qsout_qp)
        total += (1 - c.b) * c.r3 * (eer - c.lhv * c.x_heat * ese_heat - c.lhv * c.x_elec * ese_elec)
        total += (1 - c.r2 - c.r3) * ed
        if c.include_material_part:
            total += (1 - c.r1) * ev + c.r1 * (c.a * erec + (1 - c.a) * ev * c.qsin_qp)
        return total

    def add_cff(self, line: Any, path: str) -> int:
        value = self.cff_per_kg(line, path)
        key = ("cff", line.material, value)
        row = self.by_key.get(key)
        if row is not None:
            return row
        return self._append(key, value, {UNSPLIT: value}, (value, 0.0, 0.0, 0.0), 0.0, "kg",
                            f"cff:{line.material}", "PEF Circular Footprint Formula, "
                            "Rec. (EU) 2021/2279 Annex I section 4.4.8", False)

    def reorder(self, order: list[int]) -> None:
        """Keep rows ``order`` (current indexes), renumbered 0.. in that order."""
        for name in ("value", "gases", "classes", "aircraft", "activity_unit", "factor_id",
                     "factor_unit", "source", "check"):
            col = getattr(self, name)
            setattr(self, name, [col[i] for i in order])
        new = {old: i for i, old in enumerate(order)}
        self.by_key = {k: new[r] for k, r in self.by_key.items() if r in new}

    def matrices(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(gas names sorted, value[r], gas matrix[r, g], class matrix[r, 4], aircraft[r])."""
        names = sorted({g for d in self.gases for g in d})
        col = {g: i for i, g in enumerate(names)}
        gas = np.zeros((len(self.value), len(names)))
        for r, d in enumerate(self.gases):
            for g, v in d.items():
                gas[r, col[g]] = v
        return (names, np.asarray(self.value, dtype=np.float64), gas,
                np.asarray(self.classes, dtype=np.float64).reshape(-1, 4),
                np.asarray(self.aircraft, dtype=np.float64))
