"""Subsidy batch check over a generated registry (1,200 certificates with revocations,
suspensions, short and late validity) and a generated workbook of 1,180 claims with every fault
kind planted many times. Each row's flags must be exactly the planted ones: exact counts and no
false flags on clean rows (including clean claims dated just outside a bad window)."""

from __future__ import annotations

import io
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from api.verification_batch import BatchInputError, check_claims, results_workbook
from compliance_rules.uscc import ALPHABET
from store import (
    Application,
    Certificate,
    CertificateEvent,
    Organisation,
    OrganisationCreate,
    OrgKind,
    Product,
    User,
    make_engine,
    migrate,
    session_factory,
    transaction,
)
from tests.store.st_factories import make_uscc

CHINA = 8  # hours


def china(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=CHINA)


START, END = date(2026, 1, 1), date(2028, 12, 31)
REVOKED_ON = date(2026, 6, 1)
SUSPENDED, REINSTATED = date(2026, 4, 1), date(2026, 5, 1)
SHORT_END, LATE_START = date(2026, 3, 31), date(2026, 9, 1)


@dataclass
class Cert:
    number: str
    uscc: str
    kind: str  # normal / revoked / suspended / short / late

    def good_day(self, rng: random.Random) -> date:
        windows = {
            "normal": (START, END), "revoked": (START, REVOKED_ON - timedelta(days=1)),
            "suspended": rng.choice([(START, SUSPENDED - timedelta(days=1)),
                                     (REINSTATED, END)]),
            "short": (START, SHORT_END), "late": (LATE_START, END),
        }
        lo, hi = windows[self.kind]
        return lo + timedelta(days=rng.randrange((hi - lo).days + 1))

    def bad_day(self, rng: random.Random) -> date:
        windows = {"revoked": (REVOKED_ON, END),
                   "suspended": (SUSPENDED, REINSTATED - timedelta(days=1)),
                   "short": (SHORT_END + timedelta(days=1), END),
                   "late": (START, LATE_START - timedelta(days=1))}
        lo, hi = windows[self.kind]
        return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


@dataclass
class Row:
    uscc: object
    number: object
    amount: object
    day: object
    expected: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """1,200 certificates: 800 plain, 100 each revoked, suspended+reinstated, short, late."""
    path: Path = tmp_path_factory.mktemp("subsidy") / "reg.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    factory = session_factory(engine)
    rng = random.Random(7)
    kinds = ["normal"] * 800 + ["revoked", "suspended", "short", "late"] * 100
    rng.shuffle(kinds)
    certs: list[Cert] = []
    tables: list[list] = [[], [], [], [], [], []]  # in foreign-key order
    with transaction(factory) as s:
        for i, kind in enumerate(kinds):
            org = Organisation.model_validate(OrganisationCreate(
                name=f"Exporter {i}", uscc=make_uscc(rng), kind=OrgKind.exporter))
            user = User(org_id=org.id, email=f"u{i}@example.cn", display_name="x",
                        password_hash="x", roles=["exporter"])
            product = Product(org_id=org.id, name="meter", model=f"M{i}", category="smart_meter")
            app = Application(org_id=org.id, product_id=product.id, status="certified",
                              workflow_id=f"wf-{i}", created_by=user.id)
            first = LATE_START if kind == "late" else START
            last = SHORT_END if kind == "short" else END
            number = f"TP-2026-{i + 1:06d}"
            cert = Certificate(number=number, application_id=app.id, org_id=org.id,
                               product_id=product.id, holder_name=org.name, holder_uscc=org.uscc,
                               product_name="meter", product_model=f"M{i}", total=1.9,
                               unit="kg CO2e/piece", issued_at=china(first, 9),
                               valid_from=china(first, 9), valid_until=china(last, 9))
            for table, row in zip(tables, (org, user, product, app, cert), strict=False):
                table.append(row)
            events = [("valid", first, "issued")]
            if kind == "revoked":
                events.append(("revoked", REVOKED_ON, "fraud"))
            if kind == "suspended":
                events += [("suspended", SUSPENDED, "audit overdue"),
                           ("valid", REINSTATED, "audit passed")]
            for status, day, why in events:
                tables[5].append(CertificateEvent(certificate_id=cert.id, status=status,
                                                  reason=why, at=china(day, 9)))
            certs.append(Cert(number, org.uscc, kind))
        for table in tables:
            s.add_all(table)
            s.flush()
    yield factory, certs
    engine.dispose()


def _wrong_check(uscc: str) -> str:
    other = ALPHABET[(ALPHABET.index(uscc[17]) + 1) % len(ALPHABET)]
    return uscc[:17] + other


def claims(certs: list[Cert], rng: random.Random) -> list[Row]:
    special = [c for c in certs if c.kind != "normal"]
    normal = [c for c in certs if c.kind == "normal"]
    rng.shuffle(special)
    rng.shuffle(normal)

    def amount() -> object:
        value = Decimal(rng.randrange(1000, 500000)) / 100
        return f"{value:,.2f}" if rng.random() < 0.3 else float(value)

    def day(d: date) -> object:
        return d.strftime("%Y/%m/%d") if rng.random() < 0.3 else d

    rows: list[Row] = []
    clean = special[:250] + normal[:450]
    for c in clean:
        number = c.number.lower() if rng.random() < 0.05 else c.number
        rows.append(Row(c.uscc, number, amount(), day(c.good_day(rng))))
    for c in special[250:400]:
        rows.append(Row(c.uscc, c.number, amount(), day(c.bad_day(rng)), {"not_valid_on_date"}))
    for i, c in enumerate(normal[450:550]):
        other = normal[(i + 600) % len(normal)].uscc
        rows.append(Row(other, c.number, amount(), day(c.good_day(rng)), {"holder_mismatch"}))
    for i, c in enumerate(normal[550:630]):
        bad = (_wrong_check(c.uscc) if i % 4 else
               c.uscc[:17] if i % 8 == 0 else c.uscc[:9] + "O" + c.uscc[10:])
        rows.append(Row(bad, c.number, amount(), day(c.good_day(rng)),
                        {"bad_uscc", "holder_mismatch"}))
    for i in range(40):
        rows.append(Row(make_uscc(rng), f"TP-2099-{i + 1:06d}", amount(), day(START),
                        {"not_found"}))
    for i, c in enumerate(normal[630:660]):
        kind = i % 3
        rows.append(Row(c.uscc, c.number, None if kind == 0 else "-5" if kind == 1 else amount(),
                        "2026-13-45" if kind == 2 else day(c.good_day(rng)), {"bad_row"}))
    rng.shuffle(rows)
    # 80 second claims of clean certificates, each placed after its first claim
    for original in rng.sample([r for r in rows if not r.expected], 80):
        index = next(i for i, r in enumerate(rows) if r is original)
        c = next(c for c in clean if c.number == str(original.number).upper())
        dup = Row(c.uscc, c.number, amount(), day(c.good_day(rng)), {"duplicate_claim"})
        rows.insert(rng.randrange(index + 1, len(rows) + 1), dup)
    return rows


def workbook(rows: list[Row]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("申请")
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["统一社会信用代码", "企业名称", "证书编号", "申请金额", "申请日期"])
    for r, row in enumerate(rows, start=1):
        ws.write(r, 0, row.uscc)
        ws.write(r, 1, f"企业 {r}")
        ws.write(r, 2, row.number)
        if row.amount is not None:
            ws.write(r, 3, row.amount)
        if isinstance(row.day, date):
            ws.write_datetime(r, 4, datetime.combine(row.day, datetime.min.time()), dates)
        else:
            ws.write(r, 4, row.day)
    wb.close()
    return buf.getvalue()


def test_every_planted_fault_is_found_and_nothing_else(registry) -> None:
    factory, certs = registry
    rows = claims(certs, random.Random(11))
    assert len(rows) >= 1000
    data = workbook(rows)
    started = time.perf_counter()
    with factory() as s:
        batch = check_claims(s, data)
    elapsed = time.perf_counter() - started
    assert batch.claims == len(rows) == 1180
    got = {r.row: {f.code for f in r.reasons} for r in batch.rows}
    mismatched = [(i + 2, row.expected, got[i + 2]) for i, row in enumerate(rows)
                  if got[i + 2] != row.expected]
    assert not mismatched, mismatched[:10]
    expected_counts = Counter(code for row in rows for code in row.expected)
    assert batch.flags == dict(expected_counts)
    assert expected_counts == {"not_valid_on_date": 150, "holder_mismatch": 180,
                               "bad_uscc": 80, "duplicate_claim": 80, "not_found": 40,
                               "bad_row": 30}
    assert batch.approved == 700 and batch.rejected == 480
    for r in batch.rows:
        if r.status == "approved":
            assert r.approved_amount == r.amount and not r.reasons
        else:
            assert r.approved_amount == 0 and all(f.message_zh and f.message_en for f in r.reasons)
    print(f"\nsubsidy batch: {batch.claims} claims checked in {elapsed * 1000:.0f} ms")

    out = openpyxl.load_workbook(io.BytesIO(results_workbook(batch)), read_only=True)
    sheet = out.worksheets[0]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1180
    written = Counter(code for v in values for code in set(re.findall(r"\[(\w+)\]", v[7] or "")))
    assert written == expected_counts
    assert Counter(v[5] for v in values) == {"approved": 700, "rejected": 480}


def test_unreadable_workbooks_are_refused_whole(registry) -> None:
    factory, _ = registry
    with factory() as s:
        with pytest.raises(BatchInputError):
            check_claims(s, b"not a workbook")
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        wb.add_worksheet().write_row(0, 0, ["uscc", "amount"])
        wb.close()
        with pytest.raises(BatchInputError) as exc:
            check_claims(s, buf.getvalue())
        assert {e["path"] for e in exc.value.errors} == {"header/certificate_number",
                                                         "header/claim_date"}
