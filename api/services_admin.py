"""Writes of the platform's own records: organisations, users, API keys, factor-set imports.
Each write commits whole with its audit entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.problems import Problem
from api.schemas_admin import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    FactorSetImportBody,
    FactorSetSummary,
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
)
from api.security import Principal, hash_key_secret, hash_password, new_key_secret
from store import (
    ApiKey,
    FactorSetImport,
    Organisation,
    SessionFactory,
    User,
    audit,
    canonical_json,
    sha256_hex,
    transaction,
    utcnow,
)


def _field_problem(path: str, en: str, zh: str, code: str) -> Problem:
    return Problem("validation", en, zh, errors=[{"path": path, "message": en, "code": code}])


def create_organisation(sessions: SessionFactory, actor: Principal,
                        body: OrganisationCreate) -> OrganisationRead:
    try:
        with transaction(sessions) as s:
            if body.consultant_for_org_id and s.get(Organisation, body.consultant_for_org_id) is None:
                raise _field_problem("body/consultant_for_org_id", "No such organisation.",
                                     "无此组织。", "unknown_organisation")
            org = Organisation.model_validate(body.model_dump())
            s.add(org)
            s.flush()
            audit.append(s, actor=actor.id, action="organisation.created", entity_type="organisation",
                         entity_id=org.id, data={"uscc": org.uscc, "kind": str(org.kind)})
            return OrganisationRead.model_validate(org)
    except IntegrityError as exc:
        raise Problem("conflict", "An organisation with this USCC exists.",
                      "已存在使用此统一社会信用代码的组织。") from exc


def update_organisation(sessions: SessionFactory, actor: Principal, org_id: str,
                        body: OrganisationUpdate) -> OrganisationRead:
    with transaction(sessions) as s:
        org = s.get(Organisation, org_id)
        assert org is not None  # visible: checked by the policy
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        for k, v in changes.items():
            setattr(org, k, v)
        s.add(org)
        audit.append(s, actor=actor.id, action="organisation.updated", entity_type="organisation",
                     entity_id=org.id, data=changes)
        return OrganisationRead.model_validate(org)


def create_user(sessions: SessionFactory, actor: Principal, body: UserCreate) -> UserRead:
    try:
        with transaction(sessions) as s:
            if s.get(Organisation, body.org_id) is None:
                raise _field_problem("body/org_id", "No such organisation.", "无此组织。",
                                     "unknown_organisation")
            user = User(org_id=body.org_id, email=body.email.strip().lower(),
                        display_name=body.display_name, roles=list(dict.fromkeys(body.roles)),
                        password_hash=hash_password(body.password))
            s.add(user)
            s.flush()
            audit.append(s, actor=actor.id, action="user.created", entity_type="user",
                         entity_id=user.id, data={"org_id": user.org_id, "roles": list(user.roles)})
            return UserRead.model_validate(user)
    except IntegrityError as exc:
        raise Problem("conflict", "A user with this e-mail exists.", "已存在使用此邮箱的用户。") from exc


def update_user(sessions: SessionFactory, actor: Principal, user_id: str,
                body: UserUpdate) -> UserRead:
    with transaction(sessions) as s:
        user = s.get(User, user_id)
        assert user is not None
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        if user.id == actor.id and (changes.get("is_active") is False
                                    or ("roles" in changes and "admin" not in changes["roles"])):
            raise Problem("conflict", "An administrator cannot lock themselves out.",
                          "管理员不能锁定自己的账户。")
        for k, v in changes.items():
            setattr(user, k, list(dict.fromkeys(v)) if k == "roles" else v)
        s.add(user)
        audit.append(s, actor=actor.id, action="user.updated", entity_type="user", entity_id=user.id,
                     data=changes)
        return UserRead.model_validate(user)


def create_api_key(sessions: SessionFactory, actor: Principal, body: ApiKeyCreate,
                   known_scopes: set[str]) -> ApiKeyCreated:
    roles = list(dict.fromkeys(body.roles)) if body.roles else list(actor.roles)
    extra = [r for r in roles if r not in actor.roles]
    if extra:
        raise _field_problem("body/roles", f"You do not hold the roles {extra}.",
                             f"您不具备角色 {extra}。", "role_not_held")
    unknown = [sc for sc in body.scopes if sc not in known_scopes]
    if unknown:
        raise _field_problem("body/scopes", f"Unknown scopes: {unknown}.",
                             f"未知的权限范围：{unknown}。", "unknown_scope")
    secret = new_key_secret()
    now = utcnow()
    with transaction(sessions) as s:
        key = ApiKey(owner_id=actor.id, org_id=actor.org_id, name=body.name,
                     secret_hash=hash_key_secret(secret), roles=roles,
                     scopes=sorted(set(body.scopes)),
                     expires_at=now + timedelta(days=body.expires_in_days)
                     if body.expires_in_days else None)
        s.add(key)
        s.flush()
        audit.append(s, actor=actor.id, action="api_key.created", entity_type="api_key",
                     entity_id=key.id, data={"roles": roles, "scopes": key.scopes})
        read = ApiKeyRead.model_validate(key)
    return ApiKeyCreated(**read.model_dump(), client_secret=secret)


def revoke_api_key(sessions: SessionFactory, actor: Principal, key_id: str) -> ApiKeyRead:
    with transaction(sessions) as s:
        key = s.get(ApiKey, key_id)
        assert key is not None
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            s.add(key)
            audit.append(s, actor=actor.id, action="api_key.revoked", entity_type="api_key",
                         entity_id=key.id, data={})
        return ApiKeyRead.model_validate(key)


# --- factor sets ------------------------------------------------------------------------------

def factor_sets(session: Any) -> list[FactorSetSummary]:
    from footprint import available, load_factor_set

    out = []
    for sid, versions in available().items():
        for v in versions:
            fs = load_factor_set(sid, v)
            out.append(FactorSetSummary(id=sid, version=v, published=str(fs.published),
                                        description=fs.description, origin="release",
                                        factors=len(fs.factors)))
    for row in session.exec(select(FactorSetImport).order_by(FactorSetImport.created_at)).all():
        out.append(FactorSetSummary(id=row.set_id, version=row.version, published=row.published,
                                    description=row.description, origin="imported",
                                    factors=len(row.content.get("factors", []))))
    return out


def factor_set(session: Any, set_id: str, version: str) -> dict[str, Any]:
    from footprint import FactorSetNotFoundError, available, load_factor_set

    if version in available().get(set_id, []):
        try:
            return load_factor_set(set_id, version).model_dump(mode="json")
        except FactorSetNotFoundError:
            pass
    row = session.exec(select(FactorSetImport).where(
        FactorSetImport.set_id == set_id, FactorSetImport.version == version)).first()
    if row is None:
        raise Problem("not-found", f"No factor set {set_id}@{version}.",
                      f"找不到因子集 {set_id}@{version}。")
    return _parse_factor_set(row.content)


def _parse_factor_set(raw: dict[str, Any]) -> dict[str, Any]:
    # footprint.factors has no public parser of the file format yet; ask its owner to export one
    from footprint.factors import _parse

    return _parse(raw).model_dump(mode="json")


def import_factor_set(sessions: SessionFactory, actor: Principal,
                      body: FactorSetImportBody) -> FactorSetSummary:
    from footprint import available

    raw = body.model_dump(mode="json")
    try:
        _parse_factor_set(raw)
    except Exception as exc:  # noqa: BLE001 - any defect of the data is the caller's
        raise _field_problem("body", f"The factor set does not load: {exc}",
                             f"因子集无法加载：{exc}", "invalid_factor_set") from exc
    if body.version in available().get(body.id, []):
        raise Problem("conflict", f"{body.id}@{body.version} is a released version; a correction "
                      "is a new version.", f"{body.id}@{body.version} 已发布；更正须使用新版本号。")
    try:
        digest = sha256_hex(canonical_json(raw).encode())
    except Exception as exc:  # noqa: BLE001 - NaN or the like
        raise _field_problem("body", "The factor set is not canonical JSON.",
                             "因子集不是规范的 JSON。", "invalid_factor_set") from exc
    try:
        with transaction(sessions) as s:
            row = FactorSetImport(set_id=body.id, version=body.version, published=body.published,
                                  description=body.description, sha256=digest, content=raw,
                                  imported_by=actor.id)
            s.add(row)
            s.flush()
            audit.append(s, actor=actor.id, action="factor_set.imported", entity_type="factor_set",
                         entity_id=f"{body.id}@{body.version}"[:64], data={"sha256": digest})
    except IntegrityError as exc:
        raise Problem("conflict", f"{body.id}@{body.version} was already imported; a correction is "
                      "a new version.", f"{body.id}@{body.version} 已导入；更正须使用新版本号。") from exc
    return FactorSetSummary(id=body.id, version=body.version, published=body.published,
                            description=body.description, origin="imported",
                            factors=len(body.factors))
