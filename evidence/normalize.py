"""Turn printed text into typed values: numbers, dates, fuels, units, China's grid regions."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Regional grids as used by the MEE electricity factors (see shared/DOMAIN.md section 3).
GRID_REGIONS: dict[str, tuple[str, str]] = {
    "north": ("华北", "North China"),
    "northeast": ("东北", "Northeast China"),
    "east": ("华东", "East China"),
    "central": ("华中", "Central China"),
    "northwest": ("西北", "Northwest China"),
    "south": ("南方", "South China"),
    "southwest": ("西南", "Southwest China"),
}

# province (zh, en) -> regional grid
PROVINCES: dict[str, tuple[str, str]] = {
    "北京": ("Beijing", "north"), "天津": ("Tianjin", "north"), "河北": ("Hebei", "north"),
    "山西": ("Shanxi", "north"), "山东": ("Shandong", "north"), "内蒙古": ("Inner Mongolia", "north"),
    "辽宁": ("Liaoning", "northeast"), "吉林": ("Jilin", "northeast"),
    "黑龙江": ("Heilongjiang", "northeast"),
    "上海": ("Shanghai", "east"), "江苏": ("Jiangsu", "east"), "浙江": ("Zhejiang", "east"),
    "安徽": ("Anhui", "east"), "福建": ("Fujian", "east"),
    "河南": ("Henan", "central"), "湖北": ("Hubei", "central"), "湖南": ("Hunan", "central"),
    "江西": ("Jiangxi", "central"),
    "陕西": ("Shaanxi", "northwest"), "甘肃": ("Gansu", "northwest"), "青海": ("Qinghai", "northwest"),
    "宁夏": ("Ningxia", "northwest"), "新疆": ("Xinjiang", "northwest"),
    "广东": ("Guangdong", "south"), "广西": ("Guangxi", "south"), "云南": ("Yunnan", "south"),
    "贵州": ("Guizhou", "south"), "海南": ("Hainan", "south"),
    "四川": ("Sichuan", "southwest"), "重庆": ("Chongqing", "southwest"), "西藏": ("Tibet", "southwest"),
}

FUELS: tuple[tuple[str, str], ...] = (
    # (pattern, fuel key); first match wins, so specific names come first
    (r"液化石油气|LPG|liquefied petroleum", "lpg"),
    (r"液化天然气|LNG", "lng"),
    (r"天然气|natural gas", "natural_gas"),
    (r"柴油|diesel|gas ?oil", "diesel"),
    (r"汽油|gasoline|petrol", "gasoline"),
    (r"燃料油|重油|fuel oil|heavy oil", "fuel_oil"),
    (r"煤油|kerosene|jet fuel", "kerosene"),
    (r"焦炭|coke", "coke"),
    (r"原煤|烟煤|无烟煤|煤炭|coal", "coal"),
)

UNITS: dict[str, str] = {
    "l": "L", "升": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L",
    "kg": "kg", "千克": "kg", "公斤": "kg",
    "t": "t", "吨": "t", "tonne": "t", "tonnes": "t",
    "m3": "m3", "m³": "m3", "立方米": "m3", "nm3": "Nm3", "nm³": "Nm3", "gj": "GJ",
    "kwh": "kWh", "千瓦时": "kWh", "度": "kWh",
}


def parse_number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str) -> date | None:
    m = _DATE_RE.search(text)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def fuel_key(text: str) -> str | None:
    for pattern, key in FUELS:
        if re.search(pattern, text, re.IGNORECASE):
            return key
    return None


def unit_key(text: str) -> str | None:
    return UNITS.get(text.strip().lower())


def grid_region_key(text: str) -> str | None:
    """The regional grid named in ``text``: a region name (华北 / North China / southwest), or
    a province (四川 / Sichuan), whose regional grid is returned."""
    low = text.lower()
    for key, (zh, en) in GRID_REGIONS.items():
        if zh in text or en.lower() in low:
            return key
    for zh, (en, region) in PROVINCES.items():
        if zh in text or re.search(rf"\b{en.lower()}\b", low):
            return region
    bare = low.strip().replace(" ", "")
    return bare if bare in GRID_REGIONS else None
