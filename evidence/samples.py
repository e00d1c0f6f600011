"""Sample evidence made by code (never committed binaries): bills, fuel invoices and supplier
declarations as PDFs in Chinese and English, plus a scanned-looking page, an encrypted PDF and
broken bytes. Each sample knows the page and box where it drew every value, so tests can check
extraction against the truth.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from evidence.provenance import BBox, DocumentType, Value

Lang = Literal["zh", "en"]
CJK_FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
CJK = "WQYMicroHei"
LATIN = "Helvetica"
W, H = A4


@cache
def cjk_font() -> str:
    """Register the TrueType CJK font once (Noto CJK is CFF and cannot be embedded)."""
    pdfmetrics.registerFont(TTFont(CJK, CJK_FONT_FILE, subfontIndex=0))
    return CJK


@dataclass(frozen=True)
class Drawn:
    """Where a sample drew one value."""

    value: Value
    page: int
    bbox: BBox
    text: str


@dataclass
class SamplePdf:
    data: bytes
    filename: str
    document_type: DocumentType
    expected: dict[str, Drawn] = field(default_factory=dict)


class _Writer:
    def __init__(self, lang: Lang, **canvas_kwargs: object) -> None:
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4, **canvas_kwargs)  # type: ignore[arg-type]
        self.font = cjk_font() if lang == "zh" else LATIN
        self.page = 1
        self.expected: dict[str, Drawn] = {}

    def text(self, x: float, y: float, s: str, size: float = 11) -> float:
        """Draw ``s`` with its baseline at ``y`` (from the top); return the x after it."""
        self.c.setFont(self.font, size)
        self.c.drawString(x, H - y, s)
        return x + pdfmetrics.stringWidth(s, self.font, size)

    def value(
        self, name: str, value: Value, x: float, y: float, s: str, size: float = 11
    ) -> float:
        end = self.text(x, y, s, size)
        box = BBox(x, y - size, end, y + 0.3 * size)
        self.expected[name] = Drawn(value, self.page, box, s)
        return end

    def pair(
        self, label: str, name: str, value: Value, shown: str, x: float, y: float,
        size: float = 11, suffix: str = "",
    ) -> None:
        end = self.text(x, y, label, size)
        end = self.value(name, value, end + 4, y, shown, size)
        if suffix:
            self.text(end + 3, y, suffix, size)

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1

    def done(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def electricity_bill(
    lang: Lang = "zh",
    *,
    supplier: str | None = None,
    meter: str = "5101238876",
    start: date = date(2024, 3, 1),
    end: date = date(2024, 3, 31),
    kwh: Decimal = Decimal("12345.60"),
    previous_kwh: Decimal = Decimal("9870"),
) -> SamplePdf:
    """A two-page bill; the figures are on page 2, after a distractor (last period's use)."""
    w = _Writer(lang)
    fmt = f"{kwh:,.2f}"
    if lang == "zh":
        supplier = supplier or "国网四川省电力公司"
        w.text(72, 80, supplier, 18)
        w.text(72, 110, "电费通知单")
        w.pair("供电单位：", "supplier", supplier, supplier, 72, 140)
        w.text(72, 160, "户名：成都示例电池有限公司     户号：0012345678")
        w.pair("电表编号：", "meter_number", meter, meter, 72, 180)
        w.pair("所属电网：", "grid_region", "southwest", "西南电网", 72, 200)
        w.new_page()
        w.text(72, 80, "计费周期：")
        s = w.value("billing_period_start", start, 127, 80, start.isoformat())
        s = w.text(s + 4, 80, "至")
        w.value("billing_period_end", end, s + 4, 80, end.isoformat())
        w.text(72, 110, "上期用电量(kWh)：")
        w.text(180, 110, f"{previous_kwh:,}")
        w.pair("本期用电量(kWh)：", "consumption_kwh", kwh, fmt, 72, 130, suffix="千瓦时")
        w.text(72, 150, "电价（元/千瓦时）：0.6231          应交电费（元）：7,692.54")
        return SamplePdf(w.done(), "bill_zh.pdf", "electricity_bill", w.expected)
    supplier = supplier or "State Grid Sichuan Electric Power Company"
    w.text(72, 80, "Electricity bill", 18)
    w.pair("Electricity supplier:", "supplier", supplier, supplier, 72, 110)
    w.text(72, 130, "Customer: Chengdu Example Battery Co., Ltd.")
    w.text(72, 160, "Meter number")
    w.text(300, 160, "Tariff")
    w.value("meter_number", meter, 72, 176, meter)
    w.text(300, 176, "Industrial 1-10 kV")
    w.new_page()
    s = w.text(72, 80, "Billing period:")
    s = w.value("billing_period_start", start, s + 4, 80, start.strftime("%Y/%m/%d"))
    s = w.text(s + 4, 80, "to")
    w.value("billing_period_end", end, s + 4, 80, end.strftime("%Y/%m/%d"))
    w.text(72, 110, f"Previous usage (kWh): {previous_kwh:,}")
    w.pair("Consumption (kWh):", "consumption_kwh", kwh, fmt, 72, 130)
    w.text(72, 150, "Amount due (CNY): 7,692.54")
    w.expected["grid_region"] = Drawn("southwest", 1, w.expected["supplier"].bbox, supplier)
    return SamplePdf(w.done(), "bill_en.pdf", "electricity_bill", w.expected)


def fuel_invoice(
    lang: Lang = "zh",
    *,
    fuel: str = "diesel",
    quantity: Decimal = Decimal("2400.5"),
    unit: str = "L",
    invoice_number: str = "24512000000012345678",
) -> SamplePdf:
    w = _Writer(lang)
    names = {"diesel": ("*汽油柴油*0号柴油", "Diesel (B0)"), "natural_gas": ("*燃气*天然气", "Natural gas"),
             "gasoline": ("*汽油*92号车用汽油", "Gasoline 92")}
    units = {"L": ("升", "L"), "kg": ("千克", "kg"), "t": ("吨", "t"), "m3": ("立方米", "m3")}
    zh = lang == "zh"
    w.text(72, 80, "电子发票（增值税专用发票）" if zh else "Fuel invoice", 18)
    w.pair("发票号码：" if zh else "Invoice number:", "invoice_number", invoice_number,
           invoice_number, 72, 110)
    seller = "中国石化销售股份有限公司四川成都石油分公司" if zh else "Sinopec Sichuan Sales Co."
    w.pair("销售方名称：" if zh else "Seller:", "seller", seller, seller, 72, 130)
    shown_fuel = names[fuel][0 if zh else 1]
    w.pair("货物名称：" if zh else "Fuel:", "fuel", fuel, shown_fuel, 72, 170)
    shown_unit = units[unit][0 if zh else 1]
    w.pair("单位：" if zh else "Unit:", "unit", unit, shown_unit, 72, 190)
    w.pair("数量：" if zh else "Quantity:", "quantity", quantity, f"{quantity:,}", 72, 210)
    w.text(72, 230, "单价：7.85          金额：18,843.93" if zh else "Unit price: 7.85   Amount: 18,843.93")
    return SamplePdf(w.done(), f"fuel_{lang}.pdf", "fuel_invoice", w.expected)


def supplier_declaration(
    lang: Lang = "zh",
    *,
    product: str | None = None,
    declared_unit: str | None = None,
    footprint: Decimal = Decimal("61.8"),
    standard: str = "ISO 14067:2018",
    verifier: str | None = None,
) -> SamplePdf:
    """A declaration: cover page, then the figures on page 2."""
    w = _Writer(lang)
    zh = lang == "zh"
    product = product or ("磷酸铁锂电芯 LF105" if zh else "LFP cell LF105")
    declared_unit = declared_unit or ("1 kWh" if zh else "1 kWh of rated capacity")
    verifier = verifier or ("中国质量认证中心" if zh else "TÜV Example Certification GmbH")
    w.text(72, 100, "产品碳足迹声明" if zh else "Supplier PCF declaration", 20)
    w.text(72, 130, "供应商：宁德示例新能源科技有限公司" if zh else "Declared by: Example Energy Co.")
    w.new_page()
    w.pair("产品名称：" if zh else "Product name:", "product", product, product, 72, 80)
    w.pair("声明单位：" if zh else "Declared unit:", "declared_unit", declared_unit, declared_unit,
           72, 100)
    unit = "kg CO2e/kWh"
    w.pair("产品碳足迹：" if zh else "Carbon footprint:", "footprint_value", footprint,
           f"{footprint}", 72, 120, suffix=unit)
    w.pair("核算标准：" if zh else "Standard:", "standard", standard, standard, 72, 140)
    w.pair("核查机构：" if zh else "Verifier:", "verifier", verifier, verifier, 72, 160)
    return SamplePdf(w.done(), f"declaration_{lang}.pdf", "supplier_declaration", w.expected)


def scanned_pdf(pages: int = 1) -> bytes:
    """Pages that hold only an image of a bill (no text layer), like a phone scan."""
    img = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(img)
    for y in range(20, 280, 24):
        draw.rectangle((30, y, 30 + (y * 7) % 500, y + 10), fill=40)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(img), 40, 400, width=500, height=250)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(lang: Lang = "en", password: str = "s3cret") -> bytes:
    """A bill that needs a user password to open."""
    w = _Writer(lang, encrypt=password)
    w.text(72, 80, "Electricity bill" if lang == "en" else "电费通知单")
    return w.done()


def corrupt_pdf() -> bytes:
    """A real PDF cut in half (a broken download)."""
    data = electricity_bill("en").data
    return data[: len(data) // 3]


def not_a_pdf() -> bytes:
    return b"PK\x03\x04 this is a zip file, not a PDF"


def many_page_bills(pages: int, lang: Lang = "zh") -> bytes:
    """One PDF with ``pages`` bill pages (for the benchmark)."""
    w = _Writer(lang)
    for i in range(pages):
        if i:
            w.new_page()
        w.text(72, 80, "国网四川省电力公司" if lang == "zh" else "Electricity bill", 18)
        for row in range(30):
            label = "本期用电量(kWh)：" if lang == "zh" else "Consumption (kWh):"
            w.text(72, 120 + row * 20, f"{label} {1000 + i * 31 + row:,}.50   {row:04d}")
    return w.done()
