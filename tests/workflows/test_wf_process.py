"""The certification process on the real dev server and worker (the session's shared stack):
document review, verifier assignment, findings and corrective actions under a deadline,
separation of duties, the certificate's life, renewal, search attributes."""

from __future__ import annotations

import asyncio
import copy

import pytest
from sqlmodel import select

from store import (
    Application,
    ApplicationEvent,
    Certificate,
    CorrectiveRound,
    FindingRecord,
    IntakeReview,
    Notification,
    VerifierAssignment,
)
from store.registry import status_at
from tests.workflows.wf_support import (
    DOSSIER,
    LINES,
    World,
    add_org,
    add_user,
    audit_rows,
    count,
    eventually,
    fast_config,
    opinion_and_decision,
    refused,
    start,
    state,
    submit,
    to_certified,
    to_verification,
    upd,
)
from workflows.types import (
    AssignVerifier,
    CertificateAction,
    CertificationDecision,
    CloseFinding,
    CorrectiveAnswer,
    CorrectiveRequest,
    IntakeDecision,
    RaiseFinding,
    RenewalRequest,
    SurveillanceDone,
    VerifierApproval,
    workflow_id_for,
)

pytestmark = pytest.mark.integration


async def test_returned_at_document_review_then_resubmitted(w: World) -> None:
    app = await start(w)
    assert (await submit(w, app)).status == "intake_review"
    staff = w.user("certifier2")
    reason = await refused(w, app, "review_intake", IntakeDecision(staff, accept=False))
    assert "at least one reason" in reason
    ack = await upd(w, app, "review_intake", IntakeDecision(
        staff, accept=False, reasons=["process flow chart missing", "BOM not signed"]))
    assert ack.status == "returned"
    assert (await submit(w, app)).status == "intake_review"  # version 2
    ack = await upd(w, app, "review_intake", IntakeDecision(staff, accept=True))
    assert ack.status == "awaiting_assignment"

    st = await state(w, app)
    assert st.dossier_versions == 2
    assert [h["status"] for h in st.history] == [
        "awaiting_submission", "assessing", "intake_review", "returned", "assessing",
        "intake_review", "awaiting_assignment"]
    with w.session() as s:
        reviews = s.exec(select(IntakeReview).where(IntakeReview.application_id == app)
                         .order_by(IntakeReview.at)).all()
        assert [(r.dossier_version, r.accepted) for r in reviews] == [(1, False), (2, True)]
        assert reviews[0].reasons == ["process flow chart missing", "BOM not signed"]
        assert s.get(Application, app).status == "awaiting_assignment"
    returned = audit_rows(w, app, "application.returned")
    assert len(returned) == 1 and returned[0].data["reasons"][0] == "process flow chart missing"


async def test_verifier_rejected_for_conflict_of_interest(w: World) -> None:
    app = await start(w)
    await submit(w, app)
    staff = w.user("certifier2")
    await upd(w, app, "review_intake", IntakeDecision(staff, accept=True))
    exporter_org = w.org_of("exporter")
    in_house = add_user(w, exporter_org, ["verifier"])
    consultant = add_user(w, add_org(w, "verification_body", accredited=True,
                                     consultant_for=exporter_org), ["verifier"])
    unaccredited = add_user(w, add_org(w, "verification_body"), ["verifier"])

    reason = await refused(w, app, "assign_verifier", AssignVerifier(in_house, staff))
    assert "applicant's organisation" in reason and "verification body" in reason
    reason = await refused(w, app, "assign_verifier", AssignVerifier(consultant, staff))
    assert "applicant's consultant" in reason
    reason = await refused(w, app, "assign_verifier", AssignVerifier(unaccredited, staff))
    assert "not accredited" in reason
    ack = await upd(w, app, "assign_verifier", AssignVerifier(w.user("verifier"), staff))
    assert ack.status == "awaiting_verification"

    with w.session() as s:
        rows = s.exec(select(VerifierAssignment).where(VerifierAssignment.application_id == app)
                      .order_by(VerifierAssignment.at)).all()
        assert [r.status for r in rows] == ["rejected", "rejected", "rejected", "active"]
        assert all(r.reasons for r in rows[:3]) and rows[3].reasons == []
    st = await state(w, app)
    assert len(st.rejected_assignments) == 3
    assert len(audit_rows(w, app, "assignment.rejected")) == 3


async def test_finding_deadline_escalated_then_answered_and_closed(w: World) -> None:
    app = await start(w, fast_config(corrective_action_seconds=3.0,
                                     corrective_action_reminders_seconds=[1.5]))
    await to_verification(w, app)
    verifier = w.user("verifier")
    reason = await refused(w, app, "raise_finding", RaiseFinding(
        verifier, "major_nc", ["no-such-line"], "quantity not supported"))
    assert "no-such-line" in reason
    nc = await upd(w, app, "raise_finding", RaiseFinding(
        verifier, "major_nc", [LINES[0]], "PC mass differs from the weighing record by 12 %"))
    await upd(w, app, "raise_finding", RaiseFinding(
        verifier, "observation", [LINES[1]], "supplier declaration expires next month"))
    reason = await refused(w, app, "approve", VerifierApproval(verifier, w.org_of("verifier")))
    assert "still open" in reason
    reason = await refused(w, app, "close_finding", CloseFinding(verifier, nc.finding_id))
    assert "after the exporter's corrective action" in reason

    rnd = await upd(w, app, "request_corrective_action", CorrectiveRequest(verifier))
    assert rnd.round == 1

    async def escalated() -> bool:
        return (await state(w, app)).rounds[0].status == "escalated"

    await eventually(escalated, 30, "escalation after the missed deadline")
    changed = copy.deepcopy(DOSSIER)
    changed["lines"][0]["quantity"] = changed["lines"][0]["quantity"] * 1.12
    answer = await upd(w, app, "answer_corrective_action", CorrectiveAnswer(
        w.user("exporter"), responses={nc.finding_id: "re-weighed; mass corrected"},
        dossier=changed))
    assert answer.dossier_version == 2
    await upd(w, app, "close_finding", CloseFinding(verifier, nc.finding_id, "verified"))

    # the verifier gives the opinion, then tries to decide: separation of duties
    await upd(w, app, "approve", VerifierApproval(
        verifier, w.org_of("verifier"), opinion="unmodified", materiality_percent=5.0,
        misstatement_percent=0.8))
    reason = await refused(w, app, "decide", CertificationDecision(verifier, True, "ok"))
    assert "separation of duties" in reason
    ack = await upd(w, app, "decide", CertificationDecision(
        w.user("certifier"), True, "NC closed after correction"))
    assert ack.status == "certified"

    with w.session() as s:
        (row,) = s.exec(select(CorrectiveRound).where(CorrectiveRound.application_id == app))
        assert (row.status, row.dossier_version, row.reminders_sent) == ("answered", 2, 1)
        assert row.escalated_at is not None and row.answered_at is not None
        assert row.responses == {nc.finding_id: "re-weighed; mass corrected"}
        kinds = sorted(n.kind for n in s.exec(
            select(Notification).where(Notification.application_id == app)))
        assert kinds == ["ca_escalation", "ca_reminder", "ca_requested"]
        finding = s.get(FindingRecord, nc.finding_id)
        assert finding is not None and finding.status == "closed"
    st = await state(w, app)
    assert [f.status for f in st.verifier_findings] == ["closed", "open"]  # observation stays
    assert [h["status"] for h in st.history].count("corrective_action.escalated") == 1


async def test_suspension_reinstatement_revocation_and_expiry(w: World) -> None:
    certifier = w.user("certifier")
    # due dates at +5 s and +10 s (reminders 1 s before), validity 11 s
    short_app = await start(w, fast_config(validity_seconds=11.0,
                                           surveillance_interval_seconds=5.0,
                                           surveillance_reminder_seconds=1.0))

    async def surveilled_then_expired() -> tuple[str, dict]:
        number = await to_certified(w, short_app)
        # the first surveillance is recorded in time; the second due date passes unanswered
        await upd(w, short_app, "record_surveillance", SurveillanceDone(certifier, notes="ok"))
        result = await w.client.get_workflow_handle(workflow_id_for(short_app)).result()
        return number, result

    async def suspended_reinstated_revoked() -> tuple[str, str, dict]:
        app = await start(w)
        number = await to_certified(w, app)
        reason = await refused(w, app, "suspend", CertificateAction(certifier, " "))
        assert "reason" in reason
        ack = await upd(w, app, "suspend", CertificateAction(certifier, "surveillance refused"))
        assert ack.status == "suspended"
        reason = await refused(w, app, "renew", RenewalRequest(w.user("exporter")))
        assert "only a valid certificate" in reason
        ack = await upd(w, app, "reinstate", CertificateAction(certifier, "audit completed"))
        assert ack.status == "certified"
        ack = await upd(w, app, "revoke", CertificateAction(certifier, "false declaration"))
        assert ack.status == "revoked"
        result = await w.client.get_workflow_handle(workflow_id_for(app)).result()
        return app, number, result

    (short_number, short), (long_app, number, revoked) = await asyncio.gather(
        surveilled_then_expired(), suspended_reinstated_revoked())
    assert revoked["status"] == "revoked"
    assert short["status"] == "expired"

    with w.session() as s:
        cert = s.exec(select(Certificate).where(Certificate.number == number)).one()
        assert (cert.status, cert.status_reason) == ("revoked", "false declaration")
        assert status_at(s, number).status == "revoked"
        short_cert = s.exec(select(Certificate).where(Certificate.number == short_number)).one()
        assert short_cert.status == "expired"
        kinds = [n.kind for n in s.exec(select(Notification).where(
            Notification.application_id == short_app))]
        assert kinds.count("surveillance_overdue") == 1  # only the due date left unanswered
        assert kinds.count("surveillance_reminder") >= 1
    actions = [e.action for e in audit_rows(w, cert.id)]
    assert actions == ["certificate.issued", "certificate.suspended", "certificate.reinstated",
                       "certificate.revoked"]
    short_actions = [e.action for e in audit_rows(w, short_cert.id)]
    assert short_actions[0] == "certificate.issued" and short_actions[-1] == "certificate.expired"
    assert short_actions.count("surveillance.recorded") == 1
    assert short_actions.count("notification.surveillance_overdue") == 1
    st = await state(w, short_app)
    assert st.certificate is not None
    assert st.certificate.surveillance_done == st.certificate.surveillance_due[:1]


async def test_renewal_links_the_previous_certificate_and_rotates_the_verifier(
    w: World,
) -> None:
    config = fast_config(max_consecutive_cycles=1, history_limit=60)
    app = await start(w, config)
    await to_certified(w, app)
    first = await state(w, app)
    assert first.runs >= 2  # the long history was continued as new, state carried whole
    started = await upd(w, app, "renew", RenewalRequest(w.user("exporter")))
    assert started.cycle == 2
    reason = await refused(w, app, "renew", RenewalRequest(w.user("exporter")))
    assert "already open" in reason

    renewal = started.application_id
    outcome = await submit(w, renewal)
    assert outcome.status == "intake_review"
    await upd(w, renewal, "review_intake", IntakeDecision(w.user("certifier2"), accept=True))
    reason = await refused(w, renewal, "assign_verifier",
                           AssignVerifier(w.user("verifier"), w.user("certifier2")))
    assert "rotation" in reason
    await upd(w, renewal, "assign_verifier",
              AssignVerifier(w.user("verifier2"), w.user("certifier2")))
    number = await opinion_and_decision(w, renewal, "verifier2")

    with w.session() as s:
        new = s.exec(select(Certificate).where(Certificate.number == number)).one()
        old = s.exec(select(Certificate).where(Certificate.application_id == app)).one()
        assert new.previous_certificate_id == old.id
        row = s.get(Application, renewal)
        assert row is not None and (row.cycle, row.previous_certificate_id) == (2, old.id)
    st = await state(w, renewal)
    assert (st.cycle, st.previous_certificate_id) == (2, old.id)


async def test_status_is_searchable_by_attributes(w: World) -> None:
    app = await start(w)
    number = await to_certified(w, app)
    query = f'TanpassCertificate = "{number}" AND TanpassStatus = "certified"'

    async def listed() -> bool:
        return [x.id async for x in w.client.list_workflows(query)] == [workflow_id_for(app)]

    await eventually(listed, 20, "visibility of the search attributes")
    exporter = w.org_of("exporter")
    by_exporter = [x.id async for x in w.client.list_workflows(
        f'TanpassExporter = "{exporter}" AND TanpassRegimes = "cn_label"')]
    assert workflow_id_for(app) in by_exporter


async def test_each_status_change_is_audited_once(w: World) -> None:
    app = await start(w)
    await to_certified(w, app)
    entries = [e for e in audit_rows(w, app) if e.action.startswith("application.")]
    assert [e.action for e in entries] == [
        "application.awaiting_submission", "application.assessing",
        "application.intake_review", "application.awaiting_assignment",
        "application.awaiting_verification", "application.awaiting_decision",
        "application.issuing", "application.certified"]
    st = await state(w, app)
    assert len(st.history) == len(entries)
    assert count(w, ApplicationEvent, ApplicationEvent.application_id == app) == len(entries)
