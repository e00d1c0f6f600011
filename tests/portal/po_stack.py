"""The real Tanpass system in subprocesses for portal tests (self-contained on purpose).

Temporal dev server, worker and API on free ports with a temp var dir, SQLite database and a
unique task queue; the portal (``streamlit run``) on demand for browser tests. Each process logs
to ``<var>/log/<name>.log``; :meth:`PortalStack.logs` prints their tails when a test fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
TEMPORAL_BIN = REPO / ".tools" / "bin" / "temporal"
DEMO_USERS = ("exporter", "verifier", "certifier", "customs", "subsidy", "admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def poll(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Return the first truthy value of ``predicate()`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - not ready yet; reported on timeout
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last error: {last!r})")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PortalStack:
    root: Path
    temporal_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    portal_port: int = field(default_factory=free_port)
    task_queue: str = field(default_factory=lambda: f"po-{uuid.uuid4().hex[:10]}")
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    password: str = ""

    @property
    def var(self) -> Path:
        return self.root / "var"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.portal_port}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANPASS_")}
        env.update(
            TANPASS_MODE="test",
            TANPASS_VAR_DIR=str(self.var),
            DATABASE_URL=f"sqlite:///{self.var / 't.sqlite3'}",
            TANPASS_TEMPORAL_ADDRESS=f"127.0.0.1:{self.temporal_port}",
            TANPASS_TASK_QUEUE=self.task_queue,
            TANPASS_API_BASE_URL=self.api_url,
            TANPASS_PUBLIC_BASE_URL=self.portal_url,
            PYTHONPATH=str(REPO),
        )
        return env

    def _start(self, name: str, args: list[str]) -> None:
        (self.var / "log").mkdir(parents=True, exist_ok=True)
        with open(self.var / "log" / f"{name}.log", "ab") as fh:
            self.procs[name] = subprocess.Popen(args, env=self.env, cwd=REPO, stdout=fh,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def _alive(self, name: str) -> bool:
        proc = self.procs[name]
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")
        return True

    def up(self) -> None:
        attrs = subprocess.run(["bash", str(REPO / "scripts" / "search_attributes.sh")],
                               capture_output=True, text=True, check=True).stdout.split()
        self._start("temporal", [str(TEMPORAL_BIN), "server", "start-dev", "--headless", "--ip",
                                 "127.0.0.1", "--port", str(self.temporal_port), "--db-filename",
                                 str(self.var / "temporal.sqlite"), "--log-level", "error", *attrs])
        poll(lambda: self._alive("temporal") and _port_open(self.temporal_port), 60, "Temporal")
        subprocess.run([sys.executable, "-m", "api.bootstrap"], env=self.env, cwd=REPO,
                       check=True, capture_output=True)
        self.password = (self.var / "secrets" / "demo_password").read_text().strip()
        self._start("worker", [sys.executable, "-m", "workflows.worker"])
        self._start("api", [sys.executable, "-m", "uvicorn", "api.main:app", "--host",
                            "127.0.0.1", "--port", str(self.api_port), "--log-level", "warning"])
        poll(lambda: self._alive("api") and httpx.get(f"{self.api_url}/healthz",
                                                      timeout=1).status_code == 200, 90, "API")
        self._alive("worker")  # an import error in the worker shows here, not as a 503 later

    def start_portal(self) -> None:
        if "portal" in self.procs:
            return
        self._start("portal", [sys.executable, "-m", "streamlit", "run", "portal/app.py",
                               "--server.port", str(self.portal_port), "--server.address",
                               "127.0.0.1", "--server.headless", "true",
                               "--browser.gatherUsageStats", "false"])
        poll(lambda: self._alive("portal") and httpx.get(f"{self.portal_url}/_stcore/health",
                                                         timeout=1).status_code == 200, 60,
             "portal")

    def down(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)

    def tail(self, name: str, n: int = 30) -> str:
        try:
            lines = (self.var / "log" / f"{name}.log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def logs(self) -> str:
        return "\n".join(f"--- {n} ---\n{self.tail(n)}" for n in self.procs)


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
