"""Verification for customs and subsidy offices: by number, QR image, PDF, in batches; the
public status list and trust list for offline verifiers."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["verification"])
