"""The process configuration a workflow run uses, from the worker's settings."""

from __future__ import annotations

from config import Settings
from workflows.types import ProcessConfig


def process_config(settings: Settings) -> ProcessConfig:
    validity = (settings.certificate_validity.total_seconds() if settings.certificate_validity
                else settings.certificate_validity_days * 86400.0)
    ca = (settings.corrective_action_period.total_seconds() if settings.corrective_action_period
          else settings.corrective_action_days * 86400.0)
    return ProcessConfig(
        activity_timeout_seconds=settings.activity_timeout.total_seconds(),
        certificate_validity_days=settings.certificate_validity_days,
        validity_seconds=validity,
        corrective_action_seconds=ca,
        corrective_action_reminders_seconds=[
            r.total_seconds() for r in settings.corrective_action_reminders
        ],
        surveillance_interval_seconds=settings.surveillance_interval.total_seconds(),
        surveillance_reminder_seconds=settings.surveillance_reminder.total_seconds(),
        max_consecutive_cycles=settings.verifier_max_consecutive_cycles,
        history_limit=settings.workflow_history_limit,
        pinned=True,
    )
