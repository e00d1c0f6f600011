"""Demo organisations and users for development and tests (idempotent).

The demo password is generated on first run under var/secrets (never in git) and printed by
``make run``. Organisation codes are syntactically valid USCCs made up for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from api.security import hash_password
from config import Settings
from config.settings import dev_secret
from store import Organisation, User

# (key, name, name_zh, uscc, kind, accredited)
DEMO_ORGS = [
    ("exporter", "Chengdu Smart Meter Co., Ltd.", "成都智能电表有限公司", "91510100MA61XY2K77",
     "exporter", False),
    ("exporter2", "Shanghai Cell Works Co., Ltd.", "上海电芯科技有限公司", "91310000MA1FL8TQ36",
     "exporter", False),
    ("verifier", "Sichuan Carbon Verification Centre", "四川碳核查中心", "12100000400011530B",
     "verification_body", True),
    ("certifier", "China Green Certification Co.", "中绿认证有限公司", "91110000717825330P",
     "certification_body", True),
    ("customs", "Chengdu Customs", "成都海关", "11510000MB0Y412345", "customs", False),
    ("subsidy", "Chengdu Economic Bureau, Subsidy Office", "成都市经信局补贴办",
     "91440300MA5FT3Q52R", "subsidy_office", False),
]
# (email, display name, org key, roles)
DEMO_USERS = [
    ("exporter@demo.tanpass", "王经理 Wang (export manager)", "exporter", ["exporter"]),
    ("exporter2@demo.tanpass", "李工 Li (Shanghai Cell Works)", "exporter2", ["exporter"]),
    ("verifier@demo.tanpass", "张核查 Zhang (verifier)", "verifier", ["verifier"]),
    ("verifier2@demo.tanpass", "赵核查 Zhao (verifier)", "verifier", ["verifier"]),
    ("certifier@demo.tanpass", "陈认证 Chen (certification officer)", "certifier", ["certifier"]),
    ("certifier2@demo.tanpass", "刘认证 Liu (certification officer)", "certifier", ["certifier"]),
    ("customs@demo.tanpass", "海关 Customs clerk", "customs", ["customs"]),
    ("subsidy@demo.tanpass", "补贴办 Subsidy clerk", "subsidy", ["subsidy"]),
    ("admin@demo.tanpass", "Administrator", "certifier", ["admin"]),
]


@dataclass(frozen=True)
class DemoAccounts:
    password: str
    org_ids: dict[str, str]
    user_ids: dict[str, str]


def demo_password(settings: Settings) -> str:
    return dev_secret(settings, "demo_password", nbytes=9)


def seed_demo(session: Session, password: str) -> DemoAccounts:
    org_ids: dict[str, str] = {}
    for key, name, name_zh, uscc, kind, accredited in DEMO_ORGS:
        org = session.exec(select(Organisation).where(Organisation.uscc == uscc)).first()
        if org is None:
            org = Organisation(name=name, name_zh=name_zh, uscc=uscc, kind=kind, accredited=accredited)
            session.add(org)
            session.flush()
        org_ids[key] = org.id
    user_ids: dict[str, str] = {}
    hashed = hash_password(password)
    for email, display, org_key, roles in DEMO_USERS:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, display_name=display, org_id=org_ids[org_key], roles=roles,
                        password_hash=hashed)
            session.add(user)
            session.flush()
        user_ids[email] = user.id
    session.commit()
    return DemoAccounts(password=password, org_ids=org_ids, user_ids=user_ids)


def main() -> None:
    from config import get_settings
    from store import make_engine, migrate, session_factory

    settings = get_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        accounts = seed_demo(session, demo_password(settings))
    print(f"demo users seeded ({len(accounts.user_ids)}); password in var/secrets/demo_password")


if __name__ == "__main__":
    main()
