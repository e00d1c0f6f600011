"""Certification process actions beyond the first flow: intake review, verifier assignment,
findings and corrective actions, certificate life (suspend, reinstate, revoke, renew)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["process"])
