"""Record workflow histories for the replay test: ``python -m tests.workflows.record``.

Starts a throwaway stack (dev server, worker, API), runs the scenarios below with second-scale
durations, and writes each run's history to ``tests/workflows/histories/<name>.json``.
Re-record only for a deliberate, patched change; histories recorded by older code stay, so the
current code must keep replaying them (that is the point: running certificates live for years).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from tests.conftest import running
from tests.workflows.wf_support import (
    DOSSIER,
    LINES,
    World,
    eventually,
    fast_config,
    opinion_and_decision,
    start,
    state,
    submit,
    to_certified,
    to_verification,
    upd,
    world,
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

HERE = Path(__file__).resolve().parent / "histories"


async def full_cycle(w: World) -> list[str]:
    """Return at intake, resubmit, rejected assignment, finding with reminder and escalation,
    answer with a changed dossier, closure, opinion, decision, surveillance, suspension,
    reinstatement, expiry."""
    app = await start(w, fast_config(corrective_action_seconds=2.0,
                                     corrective_action_reminders_seconds=[1.0],
                                     validity_seconds=4.0, surveillance_interval_seconds=1.5,
                                     surveillance_reminder_seconds=0.5))
    staff, verifier = w.user("certifier2"), w.user("verifier")
    await submit(w, app)
    await upd(w, app, "review_intake", IntakeDecision(staff, False, ["BOM missing"]))
    await submit(w, app)
    await upd(w, app, "review_intake", IntakeDecision(staff, True))
    try:
        await upd(w, app, "assign_verifier", AssignVerifier(w.user("exporter"), staff))
    except Exception:  # noqa: BLE001 - rejected on purpose
        pass
    await upd(w, app, "assign_verifier", AssignVerifier(verifier, staff))
    nc = await upd(w, app, "raise_finding", RaiseFinding(verifier, "major_nc", [LINES[0]], "mass"))
    await upd(w, app, "request_corrective_action", CorrectiveRequest(verifier))

    async def escalated() -> bool:
        return (await state(w, app)).rounds[0].status == "escalated"

    await eventually(escalated, 30, "escalation")
    await upd(w, app, "answer_corrective_action", CorrectiveAnswer(
        w.user("exporter"), {nc.finding_id: "fixed"}, dossier=DOSSIER))
    await upd(w, app, "close_finding", CloseFinding(verifier, nc.finding_id))
    await upd(w, app, "approve", VerifierApproval(verifier, w.org_of("verifier")))
    await upd(w, app, "decide", CertificationDecision(w.user("certifier"), True, "ok"))
    certifier = w.user("certifier")
    await upd(w, app, "record_surveillance", SurveillanceDone(certifier))
    await upd(w, app, "suspend", CertificateAction(certifier, "test"))
    await upd(w, app, "reinstate", CertificateAction(certifier, "test"))
    await w.client.get_workflow_handle(workflow_id_for(app)).result()
    return [app]


async def refused_and_revoked(w: World) -> list[str]:
    refused = await start(w)
    await to_verification(w, refused)
    await upd(w, refused, "approve", VerifierApproval(w.user("verifier"), w.org_of("verifier"),
                                                       opinion="adverse"))
    await upd(w, refused, "decide", CertificationDecision(w.user("certifier"), False, "adverse"))
    revoked = await start(w)
    await to_certified(w, revoked)
    await upd(w, revoked, "revoke", CertificateAction(w.user("certifier"), "fraud"))
    for app in (refused, revoked):
        await w.client.get_workflow_handle(workflow_id_for(app)).result()
    return [refused, revoked]


async def renewal_after_continue_as_new(w: World) -> list[str]:
    app = await start(w, fast_config(history_limit=60, validity_seconds=30.0))
    await to_certified(w, app)
    started = await upd(w, app, "renew", RenewalRequest(w.user("exporter")))
    await submit(w, started.application_id)
    await upd(w, started.application_id, "review_intake",
              IntakeDecision(w.user("certifier2"), True))
    await upd(w, started.application_id, "assign_verifier",
              AssignVerifier(w.user("verifier2"), w.user("certifier2")))
    await opinion_and_decision(w, started.application_id, "verifier2")
    return [app, started.application_id]


SCENARIOS = {"full_cycle": full_cycle, "refused_and_revoked": refused_and_revoked,
             "renewal": renewal_after_continue_as_new}


async def record(w: World) -> None:
    HERE.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        apps = await scenario(w)
        for i, app in enumerate(apps):
            handle = w.client.get_workflow_handle(workflow_id_for(app))
            runs = []
            async for execution in w.client.list_workflows(f'WorkflowId = "{handle.id}"'):
                runs.append(execution.run_id)
            for j, run_id in enumerate(sorted(set(runs))):
                history = await w.client.get_workflow_handle(handle.id, run_id=run_id) \
                    .fetch_history()
                path = HERE / f"{name}-{i}-run{j}.json"
                path.write_text(json.dumps(json.loads(history.to_json()), indent=1) + "\n")
                print(f"wrote {path.relative_to(HERE.parent.parent.parent)}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        with running(Path(tmp)) as stack:
            asyncio.run(_main(stack))
    return 0


async def _main(stack) -> None:  # noqa: ANN001
    await record(await world(stack))


if __name__ == "__main__":
    sys.exit(main())
