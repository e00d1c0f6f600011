"""Property-based fuzzing of the OpenAPI document with schemathesis, in process.

The app runs on a real SQLite database with two tenants' records; the process engine is
unreachable, so routes that need it must answer their documented 503 problem. Every operation
gets generated valid and invalid requests (hypothesis, ``FUZZ_EXAMPLES`` each) sent as an
administrator and as an exporter; no answer may be a 500, and every answer must match its own
schema (status code, content type, headers, body). Invalid requests go as the administrator
only, to stay within about a minute on two cores (``TANPASS_FUZZ_EXAMPLES`` raises the bound)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as st_checks
from schemathesis.generation import GenerationMode

from api import policy
from api.openapi import _uses
from tests.api.api_world import World, make_world

FUZZ_EXAMPLES = int(os.environ.get("TANPASS_FUZZ_EXAMPLES", "6"))
# Routes of other rooms' engineers (issues 5 and 6): a request they accept although the schema
# says it is invalid is reported to them (printed), not failed here; a 500 or an answer that
# breaks its own schema fails for every route.
ADVISORY_MODULES = {"api.routes.verification", "api.routes.process"}
EXCLUDED = [
    st_checks.not_a_server_error,  # 503 is the honest answer without the engine: checked below
    st_checks.positive_data_acceptance,  # valid-looking data for a missing id is a 404
    st_checks.ignored_auth,  # the token is sent on purpose
]


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with make_world(Path(tmp_path_factory.mktemp("fuzz"))) as w:
        yield w


def _runner(op: Any, mode: GenerationMode, tokens: list[dict[str, str]],
            engine: set[tuple[str, str]]) -> Any:
    """A hypothesis test calling ``op`` with generated requests of ``mode``."""

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        for headers in tokens:
            response = case.call(headers=headers)
            status = response.status_code
            assert status != 500, f"500: {response.text[:300]}"
            if status == 503:
                assert (case.method.upper(), op.path) in engine, "503 off the engine"
            case.validate_response(response, headers=headers, excluded_checks=EXCLUDED)

    return run


def _notes(exc: BaseException) -> str:
    parts = [str(exc)]
    for sub in getattr(exc, "exceptions", ()) or ():
        parts.append(_notes(sub))
    return " | ".join(parts)


def test_openapi_fuzz_finds_no_500_and_no_schema_violation(fuzz_world: World) -> None:
    world = fuzz_world
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    table = policy.route_table(world.app)
    engine = {(e.method, e.path) for e in table if _uses(e.route, "get_temporal")}
    advisory_ops = {(e.method, e.path) for e in table
                    if e.route.endpoint.__module__ in ADVISORY_MODULES}
    advisories: list[str] = []
    tokens = [world.auth("admin@demo.tanpass"), world.auth("exporter@demo.tanpass")]
    failures: list[str] = []
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = _runner(op, mode, tokens if mode is GenerationMode.POSITIVE else tokens[:1],
                          engine)
            try:
                run()
            except Unsatisfiable:
                continue  # no invalid request exists for this operation (no parameters)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together
                text = f"{op.method.upper()} {op.path} [{mode}]: {exc!r} {_notes(exc)}"[:2000]
                only_lenient = "Schema-violating request accepted" in text and not any(
                    m in text for m in ("500", "Response violates schema", "Undocumented",
                                        "Missing Content-Type", "Missing header"))
                if only_lenient and (op.method.upper(), op.path) in advisory_ops:
                    advisories.append(text)
                else:
                    failures.append(text)
    elapsed = time.monotonic() - started
    print(f"fuzzed {operations} operations in {elapsed:.1f} s")
    for a in advisories:
        print("ADVISORY (accepts a request its schema calls invalid):", a[:400])
    assert operations >= 40
    assert failures == [], "\n\n".join(failures)
