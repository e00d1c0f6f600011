"""Session fixtures: the real system (Temporal, worker, API) with seeded demo data.

AppTest runs the portal in this process, so the fixture points this process's settings at the
stack's API. The browser fixture starts ``streamlit run portal/app.py`` only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from config.settings import reset_settings_cache
from tests.portal.po_stack import TEMPORAL_BIN, Api, PortalStack

APP = str(Path(__file__).resolve().parents[2] / "portal" / "app.py")
RUN_TIMEOUT = 60.0


@pytest.fixture(scope="package")  # its environment ends with the portal tests
def po_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalStack]:
    if not TEMPORAL_BIN.exists():
        pytest.fail(f"Temporal CLI missing at {TEMPORAL_BIN}: run scripts/setup.sh")
    stack = PortalStack(tmp_path_factory.mktemp("portal-stack"))
    mp = pytest.MonkeyPatch()
    try:
        stack.up()
        for key, value in stack.env.items():
            if key.startswith("TANPASS_") or key == "DATABASE_URL":
                mp.setenv(key, value)
        reset_settings_cache()
        yield stack
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.down()
        mp.undo()
        reset_settings_cache()


@pytest.fixture(scope="package")
def po_api(po_stack: PortalStack) -> Iterator[Api]:
    api = Api(po_stack)
    yield api
    api.close()


@pytest.fixture(scope="package")
def po_certificate(po_stack: PortalStack) -> dict[str, str]:
    """One product driven all the way to a valid certificate by the lead's demo driver."""
    from scripts.demo import drive

    try:
        with httpx.Client(base_url=po_stack.api_url, timeout=60) as client:
            run = drive(client, po_stack.password, model="PO-CERT-1")
    except BaseException:
        print(po_stack.logs())
        raise
    return {"number": run.certificate_number, "application_id": run.application_id}


@pytest.fixture(scope="package")
def portal_server(po_stack: PortalStack) -> str:
    po_stack.start_portal()
    return po_stack.portal_url


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    return at


def signed_in(who: str, password: str, lang: str = "en") -> AppTest:
    """The portal after a real login through its form, in ``lang``."""
    at = new_app()
    at.session_state["lang"] = lang
    at.run()
    at.text_input(key="login_email").input(f"{who}@demo.tanpass")
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["me"]["email"] == f"{who}@demo.tanpass"
    at.run()  # the rerun after sign-in lands on the role's home page
    return at
