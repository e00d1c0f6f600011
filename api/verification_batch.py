"""Subsidy office batch check: a workbook of claims in, one verdict per claim out.

Unlike ``evidence.read_subsidy_claims`` (which refuses a workbook with any bad cell, right for
a submission form), the batch check reads every row it can and flags each claim on its own:

=====================  ==============================================================
code                   flagged when
=====================  ==============================================================
``bad_row``            a required cell is empty or unreadable (amount, date, number), or
                       the amount is not above 0 and below 10^12 in whole fen
``bad_uscc``           the claimant's USCC fails GB 32100-2015 (length, characters,
                       check character)
``not_found``          no certificate has that number
``not_valid_on_date``  the certificate was not valid on the claim date (suspended,
                       revoked, expired or not yet valid then)
``holder_mismatch``    the claimant's USCC is not the certificate holder's
``duplicate_claim``    the certificate was already claimed on an earlier row of this
                       batch (the first claim is judged on its own merits)
``already_claimed``    the same subsidy office already recorded a claim of this
                       certificate (``store.SubsidyClaim``, an earlier recorded batch)
=====================  ==============================================================

A claim is ``approved`` (approved amount = amount claimed) only with no flag. ``check_claims``
only reads. ``record_claims`` checks the same way and stores every approved claim of the batch
as a ``SubsidyClaim`` in one transaction under a new batch id: all or nothing. The table is
unique on (office, certificate number), so a recording racing another that claims the same
certificate fails whole with :class:`ClaimConflict` and stores nothing. Offices are separate
programmes: another office's records never flag a claim.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.schemas_verification import Reason, SubsidyBatch, SubsidyRow
from compliance_rules.uscc import uscc_problem
from evidence import subsidy_results_workbook
from evidence.cells import Bad, as_date, as_text, blank
from evidence.subsidy_claims import HEADERS, REQUIRED, claim_columns
from evidence.template_read import open_workbook
from store import (
    Certificate,
    CertificateEvent,
    SessionFactory,
    SubsidyClaim,
    audit,
    new_id,
    transaction,
)
from store.registry import status_of

MAX_ROWS = 100_000

_MESSAGES: dict[str, tuple[str, str]] = {
    "bad_row": ("The row is incomplete or unreadable", "该行不完整或无法读取"),
    "bad_uscc": ("The USCC is not valid", "统一社会信用代码无效"),
    "not_found": ("No certificate has this number", "没有该编号的证书"),
    "not_valid_on_date": ("The certificate was not valid on the claim date",
                          "申请日期证书不在有效状态"),
    "holder_mismatch": ("The claimant is not the certificate holder",
                        "申请企业不是证书持有人"),
    "duplicate_claim": ("The certificate was already claimed in this batch",
                        "该证书在本批次中已被申请"),
    "already_claimed": ("The certificate was already claimed from this office",
                        "该证书已在本机构申请过补贴"),
}
_STATUS_ZH = {"suspended": "暂停", "revoked": "撤销", "expired": "过期", "not_yet_valid": "尚未生效"}


class BatchInputError(ValueError):
    """The workbook cannot be read as a claims list at all (not xlsx, headers missing)."""

    def __init__(self, message_en: str, message_zh: str, errors: list[dict[str, Any]]) -> None:
        self.message_en, self.message_zh, self.errors = message_en, message_zh, errors
        super().__init__(message_en)


class ClaimConflict(Exception):
    """A recording hit the (office, certificate number) unique key: another recording of the
    same office stored one of these certificates first. Nothing of the batch was stored."""

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        super().__init__("already claimed: " + ", ".join(numbers))


def flag(code: str, detail_en: str = "", detail_zh: str = "") -> Reason:
    en, zh = _MESSAGES[code]
    return Reason(code=code, message_en=f"{en}: {detail_en}" if detail_en else en,
                  message_zh=f"{zh}：{detail_zh or detail_en}" if detail_en or detail_zh else zh)


@dataclass
class _Claim:
    row: int
    """Row in the worksheet (the header is row 1)."""
    uscc: str | None
    company: str | None
    number: str | None
    amount: Decimal | None
    claim_date: date | None
    flags: list[Reason]


MAX_AMOUNT = Decimal("1e12")
"""A claim must be below this (the store keeps 14 digits, 2 after the point)."""


def _read(data: bytes) -> list[_Claim]:
    try:
        wb = open_workbook(data)
    except Exception as exc:  # noqa: BLE001 - WorkbookError or anything openpyxl raises
        raise BatchInputError("The file is not an Excel workbook (.xlsx).",
                              "该文件不是 Excel 工作簿（.xlsx）。", []) from exc
    ws = wb.worksheets[0]
    cols = claim_columns(ws)
    missing = [k for k in REQUIRED if k not in cols]
    if missing:
        raise BatchInputError(
            "Columns missing: " + ", ".join(HEADERS[k][0] for k in missing),
            "缺少列：" + "、".join(HEADERS[k][1] for k in missing),
            [{"path": f"header/{k}", "message": f"no column '{HEADERS[k][0]}' / "
              f"'{HEADERS[k][1]}'"} for k in missing])
    if ws.max_row - 1 > MAX_ROWS:
        raise BatchInputError(f"At most {MAX_ROWS} claims per batch.",
                              f"每批最多 {MAX_ROWS} 条申请。", [])
    claims = []
    for row, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = {k: values[c - 1] if c - 1 < len(values) else None for k, c in cols.items()}
        if all(blank(v) for v in cells.values()):
            continue
        claims.append(_parse(row, cells))
    return claims


def _parse(row: int, cells: dict[str, Any]) -> _Claim:
    flags: list[Reason] = []
    missing = [HEADERS[k][0] for k in REQUIRED if blank(cells.get(k))]
    if missing:
        flags.append(flag("bad_row", "empty: " + ", ".join(missing),
                          "未填写：" + "、".join(HEADERS[k][1] for k in REQUIRED
                                             if blank(cells.get(k)))))
    uscc = None if blank(cells.get("uscc")) else as_text(cells["uscc"]).upper()
    number = None if blank(cells.get("certificate_number")) else \
        as_text(cells["certificate_number"]).upper()
    amount = None
    if not blank(cells.get("amount")):
        try:
            amount = Decimal(as_text(cells["amount"]).replace(",", "").replace("¥", "")
                             .replace("￥", ""))
            if not amount.is_finite():
                raise InvalidOperation
            amount = amount.quantize(Decimal("0.01"))  # whole fen, as stored (Numeric(14, 2))
            if not Decimal("0") < amount < MAX_AMOUNT:
                raise InvalidOperation
        except InvalidOperation:
            flags.append(flag("bad_row", f"amount {cells['amount']!r}",
                              f"金额“{cells['amount']}”无效"))
            amount = None
    when = None
    if not blank(cells.get("claim_date")):
        try:
            when = as_date(cells["claim_date"])
        except Bad as bad:
            flags.append(flag("bad_row", bad.en, bad.zh))
    if uscc is not None and (p := uscc_problem(uscc)) is not None:
        flags.append(flag("bad_uscc", p.message_en, p.message_zh))
    company = cells.get("company")
    return _Claim(row, uscc, None if blank(company) else as_text(company), number, amount,
                  when, flags)


def _already_claimed(session: Session, office_org_id: str,
                     numbers: list[str]) -> dict[str, SubsidyClaim]:
    """The office's recorded claims of these certificates, by certificate number."""
    found: dict[str, SubsidyClaim] = {}
    for chunk in (numbers[i:i + 500] for i in range(0, len(numbers), 500)):
        for claim in session.exec(select(SubsidyClaim).where(
                SubsidyClaim.office_org_id == office_org_id,
                col(SubsidyClaim.certificate_number).in_(chunk))).all():
            found[claim.certificate_number] = claim
    return found


def check_claims(session: Session, data: bytes, office_org_id: str | None = None) -> SubsidyBatch:
    """Read and check every claim; certificates and their histories are loaded in two queries.
    With ``office_org_id``, claims that office already recorded are flagged ``already_claimed``.
    Writes nothing."""
    return _check(session, _read(data), office_org_id)[0]


def _check(session: Session, claims: list[_Claim],
           office_org_id: str | None) -> tuple[SubsidyBatch, list[_Claim]]:
    """The batch and the approved claims (in sheet order)."""
    numbers = sorted({c.number for c in claims if c.number})
    certs: dict[str, Certificate] = {}
    for chunk in (numbers[i:i + 500] for i in range(0, len(numbers), 500)):
        for cert in session.exec(select(Certificate)
                                 .where(col(Certificate.number).in_(chunk))).all():
            certs[cert.number] = cert
    events: dict[str, list[CertificateEvent]] = defaultdict(list)
    ids = [c.id for c in certs.values()]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for event in session.exec(select(CertificateEvent)
                                  .where(col(CertificateEvent.certificate_id).in_(chunk))
                                  .order_by(col(CertificateEvent.at),
                                            col(CertificateEvent.id))).all():
            events[event.certificate_id].append(event)
    recorded = _already_claimed(session, office_org_id, numbers) if office_org_id else {}
    first_claim: dict[str, int] = {}
    approved_claims: list[_Claim] = []
    rows: list[SubsidyRow] = []
    for claim in claims:
        sheet_row = claim.row
        flags = list(claim.flags)
        cert = certs.get(claim.number) if claim.number else None
        if claim.number and cert is None:
            flags.append(flag("not_found", claim.number))
        if cert is not None:
            if claim.claim_date is not None:
                state = status_of(cert, events[cert.id], claim.claim_date)
                if state.status != "valid":
                    flags.append(flag("not_valid_on_date",
                                      f"{state.status} on {claim.claim_date.isoformat()}",
                                      f"{claim.claim_date.isoformat()} 时为"
                                      f"{_STATUS_ZH.get(state.status, state.status)}"))
            if claim.uscc and claim.uscc != cert.holder_uscc:
                flags.append(flag("holder_mismatch", f"holder is {cert.holder_uscc}",
                                  f"持有人为 {cert.holder_uscc}"))
        if claim.number:
            if claim.number in first_claim:
                flags.append(flag("duplicate_claim", f"first claimed on row "
                                  f"{first_claim[claim.number]}",
                                  f"已在第 {first_claim[claim.number]} 行申请"))
            else:
                first_claim[claim.number] = sheet_row
            if (earlier := recorded.get(claim.number)) is not None:
                flags.append(flag("already_claimed",
                                  f"recorded {earlier.claim_date.isoformat()} in batch "
                                  f"{earlier.batch_id}",
                                  f"已于 {earlier.claim_date.isoformat()} 在批次 "
                                  f"{earlier.batch_id} 中记录"))
        ok = not flags
        if ok:
            approved_claims.append(claim)
        rows.append(SubsidyRow(
            row=sheet_row, uscc=claim.uscc, company=claim.company,
            certificate_number=claim.number,
            amount=float(claim.amount) if claim.amount is not None else None,
            claim_date=claim.claim_date, status="approved" if ok else "rejected",
            approved_amount=float(claim.amount) if ok and claim.amount is not None else 0.0,
            reasons=flags))
    counts = Counter(code for r in rows for code in {f.code for f in r.reasons})
    approved = sum(r.status == "approved" for r in rows)
    return SubsidyBatch(claims=len(rows), approved=approved, rejected=len(rows) - approved,
                        flags=dict(sorted(counts.items())), rows=rows), approved_claims


def record_claims(sessions: SessionFactory, data: bytes, *, office_org_id: str,
                  recorded_by: str) -> SubsidyBatch:
    """Check the workbook as ``check_claims`` does for the office, then store every approved
    claim under a new ``batch_id``, in one transaction with an audit entry. Raises
    :class:`ClaimConflict` (and stores nothing) when a concurrent recording of the same office
    stored one of the certificates between this check and the commit."""
    claims = _read(data)
    batch_id = new_id()
    approved: list[_Claim] = []
    try:
        with transaction(sessions) as s:
            batch, approved = _check(s, claims, office_org_id)
            for claim in approved:
                assert claim.number and claim.uscc and claim.amount and claim.claim_date
                s.add(SubsidyClaim(id=new_id(), office_org_id=office_org_id,
                                   certificate_number=claim.number, claimant_uscc=claim.uscc,
                                   amount=claim.amount, claim_date=claim.claim_date,
                                   batch_id=batch_id, recorded_by=recorded_by))
            s.flush()
            audit.append(s, actor=recorded_by, action="subsidy.claims_recorded",
                         entity_type="subsidy_batch", entity_id=batch_id,
                         data={"office_org_id": office_org_id, "claims": batch.claims,
                               "recorded": len(approved),
                               "amount": str(sum((c.amount for c in approved
                                                  if c.amount is not None), Decimal(0)))})
    except IntegrityError as exc:
        numbers = sorted({c.number for c in claims if c.number})
        with sessions() as s:
            taken = sorted(_already_claimed(s, office_org_id, numbers))
        conflicts = [n for n in taken if n in {c.number for c in approved}]
        if not conflicts:
            raise
        raise ClaimConflict(conflicts) from exc
    return batch.model_copy(update={"batch_id": batch_id})


def results_workbook(batch: SubsidyBatch) -> bytes:
    """The xlsx answer (``evidence.subsidy_results_workbook``): reasons as ``[code] zh / en``."""
    return subsidy_results_workbook([
        {"uscc": r.uscc, "company": r.company, "certificate_number": r.certificate_number,
         "amount": r.amount, "claim_date": r.claim_date, "status": r.status,
         "approved_amount": r.approved_amount,
         "reasons": [f"[{f.code}] {f.message_zh} / {f.message_en}" for f in r.reasons]}
        for r in batch.rows])
