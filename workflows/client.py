"""Client helpers the API uses to start, update and query certification workflows."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from workflows.certification import CertificationWorkflow
from workflows.types import (
    CertificationDecision,
    CertificationInput,
    CertificationState,
    SubmissionOutcome,
    SubmitDossier,
    UpdateAck,
    VerifierApproval,
)

__all__ = [
    "RPCError",
    "WorkflowUpdateFailedError",
    "approve",
    "decide",
    "query_state",
    "start_certification",
    "submit_dossier",
    "workflow_id_for",
]


def workflow_id_for(application_id: str) -> str:
    return f"certification-{application_id}"


async def start_certification(client: Client, task_queue: str, inp: CertificationInput) -> str:
    handle = await client.start_workflow(
        CertificationWorkflow.run,
        inp,
        id=workflow_id_for(inp.application_id),
        task_queue=task_queue,
    )
    return handle.id


def _handle(client: Client, application_id: str) -> WorkflowHandle:
    return client.get_workflow_handle(workflow_id_for(application_id))


async def submit_dossier(client: Client, application_id: str, req: SubmitDossier) -> SubmissionOutcome:
    return await _handle(client, application_id).execute_update(
        CertificationWorkflow.submit, req, result_type=SubmissionOutcome
    )


async def approve(client: Client, application_id: str, req: VerifierApproval) -> UpdateAck:
    return await _handle(client, application_id).execute_update(
        CertificationWorkflow.approve, req, result_type=UpdateAck
    )


async def decide(client: Client, application_id: str, req: CertificationDecision) -> UpdateAck:
    return await _handle(client, application_id).execute_update(
        CertificationWorkflow.decide, req, result_type=UpdateAck
    )


async def query_state(client: Client, application_id: str) -> CertificationState:
    return await _handle(client, application_id).query(
        CertificationWorkflow.state, result_type=CertificationState
    )
