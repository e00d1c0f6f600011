"""Tampering with one audit entry of a real run is detected and reported with its position,
by the store's verification routine and by the operator command. The run's database is copied
first (SQLite backup), so the shared stack's own chain stays intact."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import audit, make_engine, session_factory
from tests.harness import REPO, Stack
from tests.workflows.wf_support import World, audit_rows, start, to_certified

pytestmark = pytest.mark.integration


async def test_one_edited_audit_entry_is_found_with_its_position(
    shared_stack: Stack, w: World, tmp_path: Path
) -> None:
    app = await start(w)
    await to_certified(w, app)
    (decided,) = [e for e in audit_rows(w, app) if e.action == "application.issuing"]

    copy = tmp_path / "copy.sqlite3"
    assert shared_stack.database_url and shared_stack.database_url.startswith("sqlite:///")
    with sqlite3.connect(shared_stack.database_url.removeprefix("sqlite:///")) as src, \
            sqlite3.connect(copy) as dst:
        src.backup(dst)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with session_factory(engine)() as s:
        assert audit.verify_chain(s).ok  # intact before

    with sqlite3.connect(copy) as db:  # someone rewrites who decided, and why
        db.execute("UPDATE audit_entry SET actor = ?, data = ? WHERE seq = ?",
                   ("someone-else", '{"note":"approved by phone"}', decided.seq))
    with session_factory(engine)() as s:
        report = audit.verify_chain(s)
    engine.dispose()
    assert not report.ok
    assert (report.problem, report.first_bad_seq) == ("edited", decided.seq)
    assert report.entries_checked == decided.seq - 1

    cli = subprocess.run([sys.executable, "-m", "store", "verify-audit", "--url", url],
                         capture_output=True, text=True, cwd=REPO)
    assert cli.returncode == 1
    assert f"Audit entry {decided.seq} was edited" in cli.stdout
    assert f"审计记录第 {decided.seq} 条被修改" in cli.stdout
