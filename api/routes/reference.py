"""Reference data and reports: the audit trail, factor sets, rule packs, the dossier
template, the portfolio workbook."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from api import policy, services_admin
from api.deps import CurrentUser, PageDep, SessionDep
from api.idempotency import IdempotencyDep
from api.openapi import problems_for
from api.pagination import paginate, sorts
from api.problems import Problem
from api.schemas_admin import (
    AuditEntryRead,
    FactorSetImportBody,
    FactorSetSummary,
    PackVersionRead,
    RulePackRead,
    RuleRead,
)
from store import AuditEntry, Certificate, Product

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_SORTS = sorts(AuditEntry, "seq", id_attr="seq", kinds={"seq": "int"})


@router.get("/audit", response_model=list[AuditEntryRead], tags=["audit"],
            summary="Audit trail (administrators and certifiers: all; exporters: their own)")
def audit_trail(
    user: CurrentUser, session: SessionDep, page: PageDep, request: Request, response: Response,
    sort: Annotated[Literal["seq", "-seq"], Query()] = "seq",
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
) -> list[AuditEntry]:
    """The hash-chained log: each entry's ``hash`` covers its content and ``prev_hash``."""
    q = policy.audit_query(user)
    if entity_type is not None:
        q = q.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == entity_id)
    if action is not None:
        q = q.where(AuditEntry.action == action)
    return paginate(session, q, AUDIT_SORTS[sort], limit=page.limit, cursor=page.cursor,
                    request=request, response=response, id_kind="int")


# --- factor sets and rule packs ---------------------------------------------------------------

@router.get("/factor-sets", response_model=list[FactorSetSummary], tags=["reference data"],
            summary="Factor sets: released versions and versions imported by administrators")
def list_factor_sets(session: SessionDep) -> list[FactorSetSummary]:
    return services_admin.factor_sets(session)


@router.post("/factor-sets", response_model=FactorSetSummary, status_code=201,
             tags=["reference data"], summary="Import a new factor-set version (as data)",
             responses=problems_for("conflict"))
def import_factor_set(body: FactorSetImportBody, user: CurrentUser, request: Request,
                      idem: IdempotencyDep) -> Any:
    """The file format of ``footprint/data/factor_sets``; checked by loading it. A version is
    never replaced: a correction is a new version."""
    return idem.run(body, lambda: services_admin.import_factor_set(
        request.app.state.sessions, user, body))


@router.get("/factor-sets/{set_id}/{version}", response_model=dict[str, Any],
            tags=["reference data"], summary="One factor-set version with every factor and source")
def get_factor_set(session: SessionDep,
                   set_id: Annotated[str, Path(max_length=100)],
                   version: Annotated[str, Path(max_length=40)]) -> dict[str, Any]:
    return services_admin.factor_set(session, set_id, version)


def _pack(name: str) -> RulePackRead:
    from compliance_rules import pack_versions

    return RulePackRead(name=name, versions=[
        PackVersionRead(
            version=v.version, effective_from=v.effective_from.isoformat(),
            effective_to=v.effective_to.isoformat() if v.effective_to else None,
            title_en=v.title_en, title_zh=v.title_zh,
            rules=[RuleRead(id=r.id, severity=str(r.severity), reference=r.reference.cite(),
                            title_en=r.title_en, title_zh=r.title_zh) for r in v.rules])
        for v in pack_versions(name)])


@router.get("/rule-packs", response_model=list[RulePackRead], tags=["reference data"],
            summary="Rule packs with their dated versions and rules")
def list_rule_packs() -> list[RulePackRead]:
    from compliance_rules import pack_names

    return [_pack(n) for n in pack_names()]


@router.get("/rule-packs/{name}", response_model=RulePackRead, tags=["reference data"],
            summary="One rule pack")
def get_rule_pack(name: Annotated[str, Path(max_length=64)]) -> RulePackRead:
    from compliance_rules import pack_names

    if name not in pack_names():
        raise Problem("not-found", f"No rule pack {name}.", f"没有规则包 {name}。")
    return _pack(name)


@router.get("/templates/dossier.xlsx", response_class=Response, tags=["reference data"],
            summary="The xlsx submission template (zh/en)",
            responses={200: {"content": {XLSX: {}}}})
def dossier_template() -> Response:
    from evidence import write_template

    return Response(write_template(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="tanpass-dossier.xlsx"'})


# --- reports ----------------------------------------------------------------------------------

@router.get("/reports/portfolio.xlsx", response_class=Response, tags=["reports"],
            summary="Portfolio workbook: products x regimes x status x deadlines",
            responses={200: {"content": {XLSX: {}}}})
def portfolio(user: CurrentUser, session: SessionDep) -> Response:
    from evidence import portfolio_workbook

    apps = session.exec(policy.applications_query(user)).all()
    products = {p.id: p for p in session.exec(policy.products_query(user)).all()}
    certs = {c.application_id: c for c in session.exec(policy.certificates_query(user).where(
        Certificate.application_id.in_([a.id for a in apps]))).all()}  # type: ignore[attr-defined]
    rows = []
    for a in sorted(apps, key=lambda a: (a.created_at, a.id)):
        p = products.get(a.product_id) or session.get(Product, a.product_id)
        c = certs.get(a.id)
        for regime in a.regimes or ["—"]:
            rows.append({"product": p.name if p else a.product_id, "model": p.model if p else "",
                         "regime": regime, "status": c.status if c else a.status,
                         "deadline": c.valid_until.date() if c else None,
                         "certificate_number": c.number if c else None, "note": ""})
    data = portfolio_workbook(rows, as_of=date.today())
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'})

