"""docker-compose.yml is valid YAML and every command and setting it names exists in the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml

from config import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_services_present_with_health_checks() -> None:
    expected = {"postgresql", "temporal", "temporal-ui", "worker", "api", "portal"}
    assert expected <= set(SERVICES)
    for name in expected:
        assert "healthcheck" in SERVICES[name], f"{name} has no health check"


def _module_of(command: list[str]) -> str:
    if command[:2] == ["python", "-m"]:
        return command[2]
    raise AssertionError(command)


def test_python_commands_name_real_modules() -> None:
    for name in ("worker",):
        importlib.import_module(_module_of(SERVICES[name]["command"]))
    importlib.import_module(_module_of(SERVICES["worker"]["healthcheck"]["test"][1:]))
    api_cmd = SERVICES["api"]["command"]
    module, attr = api_cmd[api_cmd.index("uvicorn") + 1].split(":")
    assert hasattr(importlib.import_module(module), attr)
    portal_cmd = SERVICES["portal"]["command"]
    assert (REPO / portal_cmd[portal_cmd.index("run") + 1]).is_file()


def test_environment_names_are_settings() -> None:
    fields = {f.upper() for f in Settings.model_fields}
    env = SERVICES["api"]["environment"]
    for key in env:
        if key == "DATABASE_URL":
            continue
        assert key.startswith("TANPASS_"), key
        assert key.removeprefix("TANPASS_") in fields, f"{key} is not a setting"


def test_temporal_runs_on_postgresql_and_images_are_pinned() -> None:
    assert SERVICES["temporal"]["environment"]["DB"].startswith("postgres")
    for name, svc in SERVICES.items():
        if "image" in svc:
            assert re.search(r":\d", svc["image"]), f"{name} image is not pinned"


def test_dockerfile_copies_every_room() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    for room in ("footprint", "compliance_rules", "evidence", "signing", "store", "workflows",
                 "api", "portal", "config"):
        assert f"COPY {room} {room}" in dockerfile
