"""Crashes on a stack of its own (one per module, killed and restarted on purpose): the worker is
SIGKILLed inside issuance and during a corrective-action wait; the dev server is SIGKILLed and
restarted on its SQLite file mid-run. Each run finishes once, with one certificate and every
audit entry once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from store import ApplicationEvent, Certificate, Notification, audit
from tests.conftest import running
from tests.harness import Stack
from tests.workflows.wf_support import (
    World,
    audit_rows,
    eventually,
    fast_config,
    opinion_and_decision,
    start,
    state,
    submit,
    to_verification,
    upd,
    world,
)
from workflows.types import (
    AppStatus,
    AssignVerifier,
    CertificationDecision,
    CloseFinding,
    CorrectiveAnswer,
    CorrectiveRequest,
    IntakeDecision,
    RaiseFinding,
    ReviewWork,
    VerifierApproval,
    workflow_id_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def crash_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running(tmp_path_factory.mktemp("crash-stack")) as s:
        yield s


@pytest.fixture
async def cw(crash_stack: Stack) -> World:
    return await world(crash_stack)


async def wait_file(path: Path, timeout: float) -> None:
    async def there() -> bool:
        return path.exists()

    await eventually(there, timeout, f"{path.name}")


async def assert_exactly_once(w: World, app: str) -> None:
    """One certificate; each status change of the run recorded once as an event and once in
    the audit chain (a retried or replayed step would add a second); the chain holds."""
    st = await state(w, app)
    statuses = [h["status"] for h in st.history if h["status"] in set(AppStatus)]
    with w.session() as s:
        certs = s.exec(select(Certificate).where(Certificate.application_id == app)).all()
        assert len(certs) == 1
        events = s.exec(select(ApplicationEvent).where(ApplicationEvent.application_id == app)
                        .order_by(col(ApplicationEvent.at))).all()
        assert audit.verify_chain(s).ok
    assert [e.status for e in events] == statuses
    audited = [e.action for e in audit_rows(w, app) if e.action.startswith("application.")
               and e.action != "application.renewal_opened"]
    assert audited == [f"application.{x}" for x in statuses if x != "expired"]
    cert_actions = [e.action for e in audit_rows(w, certs[0].id)]
    assert cert_actions == ["certificate.issued", "certificate.expired"]


async def test_worker_killed_inside_issuance(crash_stack: Stack, cw: World) -> None:
    app = await start(cw, fast_config(activity_timeout_seconds=8.0, validity_seconds=4.0))
    await to_verification(cw, app)
    verifier = cw.user("verifier")
    await upd(cw, app, "record_review", ReviewWork(verifier, sampling_notes="all lines"))
    await upd(cw, app, "approve", VerifierApproval(verifier, cw.org_of("verifier")))

    reached = crash_stack.hold("issue_certificate")
    decision = asyncio.ensure_future(upd(cw, app, "decide", CertificationDecision(
        cw.user("certifier"), True, "verified")))
    await wait_file(reached, 30)  # rendered, signed, numbered: inside the open transaction
    crash_stack.procs["worker"].kill()
    crash_stack.release("issue_certificate")
    crash_stack.start_worker()

    ack = await asyncio.wait_for(decision, 90)
    assert ack.status == "certified"
    result = await cw.client.get_workflow_handle(workflow_id_for(app)).result()
    assert result["status"] == "expired"  # the run went on to the end of the certificate
    await assert_exactly_once(cw, app)
    st = await state(cw, app)
    assert st.certificate is not None and st.certificate.status == "expired"


async def test_worker_killed_during_corrective_action_wait(crash_stack: Stack, cw: World) -> None:
    app = await start(cw, fast_config(corrective_action_seconds=4.0,
                                      corrective_action_reminders_seconds=[2.0],
                                      validity_seconds=3.0))
    await to_verification(cw, app)
    verifier = cw.user("verifier")
    nc = await upd(cw, app, "raise_finding", RaiseFinding(
        verifier, "minor_nc", ["copper"], "copper origin undocumented"))
    await upd(cw, app, "request_corrective_action", CorrectiveRequest(verifier))
    crash_stack.procs["worker"].kill()  # the run waits on its deadline with no worker
    crash_stack.start_worker()

    async def escalated() -> bool:
        return (await state(cw, app)).rounds[0].status == "escalated"

    await eventually(escalated, 60, "escalation after the restart")
    await upd(cw, app, "answer_corrective_action", CorrectiveAnswer(
        cw.user("exporter"), {nc.finding_id: "mill certificate attached"},
        evidence_sha256=["0" * 64]))
    await upd(cw, app, "close_finding", CloseFinding(verifier, nc.finding_id))
    await upd(cw, app, "approve", VerifierApproval(verifier, cw.org_of("verifier")))
    await upd(cw, app, "decide", CertificationDecision(cw.user("certifier"), True, "closed"))
    result = await cw.client.get_workflow_handle(workflow_id_for(app)).result()
    assert result["status"] == "expired"
    await assert_exactly_once(cw, app)
    with cw.session() as s:
        kinds = Counter(n.kind for n in s.exec(
            select(Notification).where(Notification.application_id == app)))
    assert kinds == {"ca_requested": 1, "ca_reminder": 1, "ca_escalation": 1}


async def test_dev_server_restarted_mid_run(crash_stack: Stack, cw: World) -> None:
    app = await start(cw, fast_config(validity_seconds=3.0))
    assert (await submit(cw, app)).status == "intake_review"
    crash_stack.restart_temporal()  # SIGKILL, then the same port and SQLite file

    async def answers() -> bool:
        return (await state(cw, app)).status == "intake_review"

    await eventually(answers, 60, "the restarted server answering for the run")
    staff = cw.user("certifier2")
    await upd(cw, app, "review_intake", IntakeDecision(staff, accept=True))
    await upd(cw, app, "assign_verifier", AssignVerifier(cw.user("verifier"), staff))
    await opinion_and_decision(cw, app)
    result = await cw.client.get_workflow_handle(workflow_id_for(app)).result()
    assert result["status"] == "expired"
    await assert_exactly_once(cw, app)
