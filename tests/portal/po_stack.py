"""The real Tanpass system for portal tests: the shared harness's stack plus the portal.

:class:`PortalStack` is :class:`tests.harness.Stack` (Temporal dev server, worker and API in
subprocesses on free ports, temp var dir, SQLite, unique task queue) whose public base URL is
the portal's own, with ``streamlit run`` started on demand for browser tests.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.harness import REPO, TEMPORAL_BIN, Stack, free_port, wait_until

__all__ = ["REPO", "TEMPORAL_BIN", "Api", "PortalStack"]



@dataclass
class PortalStack(Stack):
    portal_port: int = field(default_factory=free_port)

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.portal_port}"

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "TANPASS_PUBLIC_BASE_URL": self.portal_url}

    def up(self) -> str:
        self.password = super().up()
        return self.password

    def start_portal(self) -> None:
        if "portal" in self.procs:
            return
        proc = self._proc("portal", [sys.executable, "-m", "streamlit", "run", "portal/app.py",
                                     "--server.port", str(self.portal_port), "--server.address",
                                     "127.0.0.1", "--server.headless", "true",
                                     "--browser.gatherUsageStats", "false"])
        proc.start()
        wait_until(lambda: httpx.get(f"{self.portal_url}/_stcore/health", timeout=1)
                   .status_code == 200, 60, f"portal ({proc.tail()})")


class Api:
    """A thin test helper over the API: log in as a demo user, call, fail loudly."""

    def __init__(self, stack: PortalStack) -> None:
        self.stack = stack
        self.http = httpx.Client(base_url=stack.api_url, timeout=60)
        self._headers: dict[str, dict[str, str]] = {}

    def headers(self, who: str) -> dict[str, str]:
        if who not in self._headers:
            r = self.http.post("/api/v1/auth/token", data={
                "username": f"{who}@demo.tanpass", "password": self.stack.password})
            r.raise_for_status()
            self._headers[who] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self._headers[who]

    def call(self, who: str, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, "/api/v1" + path, headers=self.headers(who), **kw)
        if r.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {r.status_code}: {r.text}")
        return r.json()

    def application_at(self, status: str, *, name: str, model: str,
                       regimes: tuple[str, ...] = ("cn_label",)) -> dict[str, Any]:
        """A fresh product + application whose dossier was submitted and moved on to
        ``status`` (one of :data:`scripts.demo.STEPS`) by the demo driver's ``advance``."""
        from footprint import demo_dossier
        from scripts.demo import advance

        product = self.call("exporter", "POST", "/products",
                            json={"name": name, "model": model, "category": "smart_meter"})
        app = self.call("exporter", "POST", "/applications",
                        json={"product_id": product["id"], "regimes": list(regimes)})
        dossier = demo_dossier().model_dump(mode="json")
        outcome = self.call("exporter", "POST", f"/applications/{app['id']}/dossier",
                            json=dossier)
        assert outcome["status"] == "intake_review", outcome
        advance(self.http, self.stack.password, app["id"], status, dossier=dossier)
        return self.call("exporter", "GET", f"/applications/{app['id']}")

    def close(self) -> None:
        self.http.close()
