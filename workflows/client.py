"""Client helpers the API (and tests) use to start, update and query certification workflows.

Each human action is one update; ``update(client, application_id, name, request)`` sends any
of them by name (``PROCESS_UPDATES`` lists which request type each takes and what it returns).
"""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError

from workflows.certification import (
    SA_EXPORTER,
    SA_REGIMES,
    SA_STATUS,
    CertificationWorkflow,
)
from workflows.types import (
    AssignVerifier,
    CertificateAction,
    CertificationDecision,
    CertificationInput,
    CertificationState,
    CloseFinding,
    CorrectiveAnswer,
    CorrectiveRequest,
    FindingAck,
    IntakeDecision,
    RaiseFinding,
    RenewalRequest,
    RenewalStarted,
    ReviewWork,
    RoundAck,
    SubmissionOutcome,
    SubmitDossier,
    SurveillanceDone,
    UpdateAck,
    VerifierApproval,
    workflow_id_for,
)

__all__ = [
    "PROCESS_UPDATES",
    "RPCError",
    "WorkflowUpdateFailedError",
    "approve",
    "decide",
    "query_state",
    "start_certification",
    "submit_dossier",
    "update",
    "workflow_id_for",
]

# update name -> (request type, result type)
PROCESS_UPDATES: dict[str, tuple[type, type]] = {
    "submit": (SubmitDossier, SubmissionOutcome),
    "review_intake": (IntakeDecision, UpdateAck),
    "assign_verifier": (AssignVerifier, UpdateAck),
    "record_review": (ReviewWork, UpdateAck),
    "raise_finding": (RaiseFinding, FindingAck),
    "close_finding": (CloseFinding, FindingAck),
    "request_corrective_action": (CorrectiveRequest, RoundAck),
    "answer_corrective_action": (CorrectiveAnswer, RoundAck),
    "approve": (VerifierApproval, UpdateAck),
    "decide": (CertificationDecision, UpdateAck),
    "suspend": (CertificateAction, UpdateAck),
    "reinstate": (CertificateAction, UpdateAck),
    "revoke": (CertificateAction, UpdateAck),
    "record_surveillance": (SurveillanceDone, UpdateAck),
    "renew": (RenewalRequest, RenewalStarted),
}


async def start_certification(client: Client, task_queue: str, inp: CertificationInput) -> str:
    handle = await client.start_workflow(
        CertificationWorkflow.run,
        inp,
        id=workflow_id_for(inp.application_id),
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes([
            SearchAttributePair(SA_STATUS, "awaiting_submission"),
            SearchAttributePair(SA_EXPORTER, inp.org_id),
            SearchAttributePair(SA_REGIMES, list(inp.regimes)),
        ]),
    )
    return handle.id


def _handle(client: Client, application_id: str) -> WorkflowHandle:
    return client.get_workflow_handle(workflow_id_for(application_id))


async def update(client: Client, application_id: str, name: str, req: Any) -> Any:
    """Send the update ``name`` with ``req``; raises ``WorkflowUpdateFailedError`` when the
    validator or the handler refuses it (the cause carries the reason)."""
    request_type, result_type = PROCESS_UPDATES[name]
    if not isinstance(req, request_type):
        raise TypeError(f"{name} takes {request_type.__name__}, not {type(req).__name__}")
    return await _handle(client, application_id).execute_update(
        name, req, result_type=result_type)


async def submit_dossier(client: Client, application_id: str, req: SubmitDossier) -> SubmissionOutcome:
    return await update(client, application_id, "submit", req)


async def approve(client: Client, application_id: str, req: VerifierApproval) -> UpdateAck:
    return await update(client, application_id, "approve", req)


async def decide(client: Client, application_id: str, req: CertificationDecision) -> UpdateAck:
    return await update(client, application_id, "decide", req)


async def query_state(client: Client, application_id: str) -> CertificationState:
    return await _handle(client, application_id).query(
        CertificationWorkflow.state, result_type=CertificationState
    )
