"""The baseline server for the verification-route benchmark: one trivial FastAPI route.

Like Tanpass's verification route it is a plain (threadpool) route returning a small JSON body.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping/{number}")
def ping(number: str) -> dict[str, str]:
    return {"number": number, "status": "ok"}
