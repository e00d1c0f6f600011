"""Real processes for integration tests: Temporal dev server, worker, API.

Each runs as a subprocess with its own environment (temp var dir, database, task queue), so a
test can kill one with SIGKILL and start it again, exactly as a crash would happen in production.
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

REPO = Path(__file__).resolve().parent.parent
TEMPORAL_BIN = REPO / ".tools" / "bin" / "temporal"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.1) -> Any:
    """The first truthy value of ``predicate()`` within ``timeout`` seconds (errors while it
    is not ready yet are retried and the last one is reported on timeout)."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - not ready yet
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last error: {last!r})")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def search_attribute_args() -> list[str]:
    """The dev server's search-attribute flags, from the script `make run` uses (one source)."""
    script = REPO / "scripts" / "search_attributes.sh"
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True).stdout
    return out.split()


@dataclass
class Proc:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        fh = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        self.popen = subprocess.Popen(
            self.args, env=self.env, cwd=REPO, stdout=fh, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        fh.close()

    def kill(self) -> None:
        """SIGKILL: no goodbye, as a crash."""
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


@dataclass
class Stack:
    """Dev server + worker + API on free ports, sharing one temp var dir and database."""

    root: Path
    database_url: str | None = None
    temporal_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    task_queue: str = field(default_factory=lambda: f"tq-{uuid.uuid4().hex[:10]}")
    procs: dict[str, Proc] = field(default_factory=dict)
    password: str = ""

    def __post_init__(self) -> None:
        self.var = self.root / "var"
        (self.var / "log").mkdir(parents=True, exist_ok=True)
        self.database_url = self.database_url or f"sqlite:///{self.var / 'tanpass.sqlite3'}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANPASS_")}
        env.update(
            TANPASS_MODE="test",
            TANPASS_VAR_DIR=str(self.var),
            DATABASE_URL=self.database_url or "",
            TANPASS_TEMPORAL_ADDRESS=f"127.0.0.1:{self.temporal_port}",
            TANPASS_TASK_QUEUE=self.task_queue,
            TANPASS_API_BASE_URL=self.api_url,
            TANPASS_PUBLIC_BASE_URL="http://127.0.0.1:8501",
            # A killed worker's activity is retried after this (tests kill workers on purpose).
            TANPASS_ACTIVITY_TIMEOUT="20",
            TANPASS_FAULT_HOLD_DIR=str(self.faults),
            PYTHONPATH=str(REPO),
        )
        return env

    @property
    def faults(self) -> Path:
        """Failpoint folder (workflows/faults.py): ``hold(name)`` parks that step."""
        path = self.var / "faults"
        path.mkdir(exist_ok=True)
        return path

    def hold(self, name: str) -> Path:
        """Park failpoint ``name`` until ``release(name)``; returns the 'reached' marker."""
        (self.faults / f"{name}.reached").unlink(missing_ok=True)
        (self.faults / f"{name}.hold").touch()
        return self.faults / f"{name}.reached"

    def release(self, name: str) -> None:
        (self.faults / f"{name}.hold").unlink(missing_ok=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _proc(self, name: str, args: list[str]) -> Proc:
        proc = Proc(name, args, self.env, self.var / "log" / f"{name}.log")
        self.procs[name] = proc
        return proc

    def start_temporal(self) -> None:
        proc = self._proc("temporal", [
            str(TEMPORAL_BIN), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
            "--port", str(self.temporal_port), "--db-filename", str(self.var / "temporal.sqlite"),
            "--log-level", "error", *search_attribute_args(),
        ])
        proc.start()
        wait_until(lambda: port_open(self.temporal_port), 60, "Temporal dev server port")

    def restart_temporal(self) -> None:
        """SIGKILL the dev server and start it again on the same port and SQLite file."""
        self.procs["temporal"].kill()
        self.start_temporal()

    def start_worker(self) -> None:
        self._proc("worker", [sys.executable, "-m", "workflows.worker"]).start()

    def start_api(self) -> None:
        proc = self._proc("api", [sys.executable, "-m", "uvicorn", "api.main:app", "--host",
                                  "127.0.0.1", "--port", str(self.api_port), "--log-level", "warning"])
        proc.start()
        wait_until(lambda: httpx.get(f"{self.api_url}/healthz", timeout=1).status_code == 200,
                   60, f"API health ({proc.tail()})")

    def seed(self) -> str:
        subprocess.run([sys.executable, "-m", "api.bootstrap"], env=self.env, cwd=REPO, check=True,
                       capture_output=True)
        return (self.var / "secrets" / "demo_password").read_text().strip()

    def up(self) -> str:
        self.start_temporal()
        password = self.seed()
        self.start_worker()
        self.start_api()
        return password

    def down(self) -> None:
        for proc in reversed(list(self.procs.values())):
            proc.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {n} ---\n{p.tail()}" for n, p in self.procs.items())
