"""Helpers for workflow tests on the real dev server and worker: parties, applications started
with their own durations (``ProcessConfig(pinned=True)``), and the steps of the process.

The application rows are written to the stack's database the way the API writes them; the
workflow is started with the client helpers the API uses, so only the HTTP layer is skipped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from compliance_rules.uscc import check_character
from footprint import demo_dossier
from store import (
    Application,
    AuditEntry,
    Organisation,
    Product,
    User,
    make_engine,
    new_id,
    session_factory,
)
from tests.harness import Stack
from workflows import client as wf
from workflows.types import (
    AssignVerifier,
    CertificationDecision,
    CertificationInput,
    CertificationState,
    IntakeDecision,
    ProcessConfig,
    ReviewWork,
    SiteVisit,
    SubmitDossier,
    VerifierApproval,
    workflow_id_for,
)

DOSSIER: dict[str, Any] = demo_dossier().model_dump(mode="json")
LINES: list[str] = [line["id"] for line in DOSSIER["lines"]]


def fast_config(**overrides: Any) -> ProcessConfig:
    """Durations for tests: long enough not to fire unless a test wants them to."""
    base = ProcessConfig(
        activity_timeout_seconds=20.0, validity_seconds=3600.0,
        corrective_action_seconds=3600.0, corrective_action_reminders_seconds=[],
        surveillance_interval_seconds=10_000.0, surveillance_reminder_seconds=0.0,
        max_consecutive_cycles=3, history_limit=2000, pinned=True)
    return replace(base, **overrides)


def make_uscc() -> str:
    body = "913100" + "".join(random.choice("0123456789") for _ in range(2)) + "".join(
        random.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + check_character(body)


@dataclass
class World:
    """One stack as the workflow tests see it: Temporal client, task queue, database."""

    client: Client
    task_queue: str
    engine: Engine
    users: dict[str, str] = field(default_factory=dict)  # e-mail -> user id
    orgs: dict[str, str] = field(default_factory=dict)  # user e-mail -> org id

    def session(self) -> Session:
        return session_factory(self.engine)()

    def user(self, name: str) -> str:
        return self.users[f"{name}@demo.tanpass"]

    def org_of(self, name: str) -> str:
        return self.orgs[f"{name}@demo.tanpass"]


async def world(stack: Stack) -> World:
    client = await Client.connect(f"127.0.0.1:{stack.temporal_port}")
    w = World(client, stack.task_queue, make_engine(stack.database_url))
    with w.session() as s:
        for user in s.exec(select(User)).all():
            w.users[user.email] = user.id
            w.orgs[user.email] = user.org_id
    return w


def add_org(w: World, kind: str, *, accredited: bool = False,
            consultant_for: str | None = None) -> str:
    with w.session() as s:
        org = Organisation.model_validate({
            "name": f"Test {kind} {new_id()[:6]}", "uscc": make_uscc(), "kind": kind,
            "accredited": accredited, "consultant_for_org_id": consultant_for})
        s.add(org)
        s.commit()
        return org.id


def add_user(w: World, org_id: str, roles: list[str]) -> str:
    with w.session() as s:
        user = User(org_id=org_id, email=f"{new_id()[:10]}@test.tanpass",
                    display_name="Test person", roles=roles, password_hash="x")
        s.add(user)
        s.commit()
        return user.id


async def start(w: World, config: ProcessConfig | None = None, exporter: str = "exporter",
                regimes: list[str] | None = None) -> str:
    """A product and an application of ``exporter``'s organisation, and its workflow."""
    regimes = regimes or ["cn_label"]
    org_id, user_id = w.org_of(exporter), w.user(exporter)
    with w.session() as s:
        product = Product(org_id=org_id, name="Smart meter", model=f"WF-{new_id()[:6]}",
                          category="smart_meter")
        s.add(product)
        s.flush()
        app = Application(org_id=org_id, product_id=product.id, regimes=regimes,
                          status="awaiting_submission", workflow_id="", created_by=user_id)
        app.workflow_id = workflow_id_for(app.id)
        s.add(app)
        s.commit()
        app_id = app.id
    await wf.start_certification(w.client, w.task_queue, CertificationInput(
        application_id=app_id, org_id=org_id, regimes=regimes, created_by=user_id,
        config=config or fast_config()))
    return app_id


async def upd(w: World, app_id: str, name: str, req: Any) -> Any:
    return await wf.update(w.client, app_id, name, req)


async def refused(w: World, app_id: str, name: str, req: Any) -> str:
    """Send an update that must be refused; return the reason."""
    try:
        await upd(w, app_id, name, req)
    except WorkflowUpdateFailedError as exc:
        cause: BaseException | None = exc
        while cause is not None and cause.__cause__ is not None:
            cause = cause.__cause__
        return str(cause)
    raise AssertionError(f"{name} was accepted")


async def state(w: World, app_id: str, timeout: float = 30.0) -> CertificationState:
    """The run's query; retried while the server says no worker polls yet (a worker that was
    just restarted, or a closed run that a worker must replay to answer)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while True:
        try:
            return await wf.query_state(w.client, app_id)
        except RPCError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    """Poll ``check`` until it is true (no fixed sleeps: a deadline)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if await check():
                return
        except Exception:  # noqa: BLE001 - not there yet (e.g. server restarting)
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s")


async def submit(w: World, app_id: str, dossier: dict[str, Any] | None = None) -> Any:
    return await upd(w, app_id, "submit",
                     SubmitDossier(dossier=dossier or DOSSIER, submitted_by=w.user("exporter")))


async def to_verification(w: World, app_id: str, verifier: str = "verifier") -> None:
    """Submit, pass document review, assign ``verifier``."""
    outcome = await submit(w, app_id)
    assert outcome.status == "intake_review", outcome
    await upd(w, app_id, "review_intake",
              IntakeDecision(reviewer_id=w.user("certifier2"), accept=True))
    await upd(w, app_id, "assign_verifier",
              AssignVerifier(verifier_id=w.user(verifier), assigned_by=w.user("certifier2")))


async def opinion_and_decision(w: World, app_id: str, verifier: str = "verifier") -> str:
    await upd(w, app_id, "record_review", ReviewWork(
        verifier_id=w.user(verifier), lines_checked=LINES[:3],
        sampling_notes="3 of 9 lines traced to invoices",
        site_visits=[SiteVisit(mode="physical", date="2026-11-18", notes="plant, Chengdu")]))
    await upd(w, app_id, "approve", VerifierApproval(
        verifier_id=w.user(verifier), verifier_org_id=w.org_of(verifier),
        opinion="unmodified", level_of_assurance="reasonable", materiality_percent=5.0,
        misstatement_percent=0.4, notes="no material misstatement"))
    ack = await upd(w, app_id, "decide", CertificationDecision(
        certifier_id=w.user("certifier"), approve=True, reasons="verified, no open findings"))
    assert ack.status == "certified", ack
    st = await state(w, app_id)
    assert st.certificate_number
    return st.certificate_number


async def to_certified(w: World, app_id: str, verifier: str = "verifier") -> str:
    await to_verification(w, app_id, verifier)
    return await opinion_and_decision(w, app_id, verifier)


def audit_rows(w: World, entity_id: str | None = None,
               action: str | None = None) -> list[AuditEntry]:
    with w.session() as s:
        q = select(AuditEntry).order_by(col(AuditEntry.seq))
        if entity_id is not None:
            q = q.where(AuditEntry.entity_id == entity_id)
        if action is not None:
            q = q.where(AuditEntry.action == action)
        return list(s.exec(q).all())


def count(w: World, model: Any, *where: Any) -> int:
    with w.session() as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())


@dataclass
class LocalStore:
    """A migrated SQLite store with the demo accounts under one test's own folder, for running
    activities without Temporal."""

    settings: Any
    engine: Engine
    factory: Any
    accounts: Any


def local_store(tmp_path: Any, password: str) -> LocalStore:
    """Everything under ``tmp_path``, whatever DATABASE_URL or TANPASS_* another test module
    left in the environment."""
    from api.bootstrap import seed_demo
    from config import Settings
    from store import migrate, session_factory

    settings = Settings(var_dir=tmp_path, mode="test",
                        database_url=f"sqlite:///{tmp_path / 'tanpass.sqlite3'}",
                        blob_dir=tmp_path / "blobs")
    engine = make_engine(settings.database_url)
    migrate(engine)
    factory = session_factory(engine)
    with factory() as session:
        accounts = seed_demo(session, password)
    return LocalStore(settings, engine, factory, accounts)

