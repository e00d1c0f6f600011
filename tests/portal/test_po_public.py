"""Public verification page (no login) and the login page, against the running API."""

from __future__ import annotations

import pytest

from tests.portal.conftest import new_app, signed_in
from tests.portal.po_stack import PortalStack

pytestmark = pytest.mark.integration


def _markdown(at) -> str:  # noqa: ANN001 - AppTest
    return "\n".join(m.value for m in at.markdown)


def test_qr_link_shows_green_answer_and_details(po_stack: PortalStack,
                                                 po_certificate: dict[str, str]) -> None:
    at = new_app()
    at.query_params["cert"] = po_certificate["number"]
    at.run()
    assert not at.exception, at.exception
    text = _markdown(at)
    assert "tp-answer tp-ok" in text and "证书有效" in text  # default language is Chinese
    assert po_certificate["number"] in text
    assert "成都智能电表有限公司" in text or "Chengdu Smart Meter" in text
    assert at.text_input(key="public_number").value == po_certificate["number"]


def test_unknown_number_is_a_red_not_found(po_stack: PortalStack) -> None:
    at = new_app()
    at.session_state["lang"] = "en"
    at.query_params["cert"] = "TP-0000-FAKE01"
    at.run()
    assert not at.exception, at.exception
    text = _markdown(at)
    assert "tp-answer tp-bad" in text and "Certificate NOT valid" in text and "Not found" in text
    assert "tp-answer tp-ok" not in text


def test_wrong_password_shows_the_problem_in_the_chosen_language(po_stack: PortalStack) -> None:
    for lang, expected in (("zh", "邮箱或密码错误"), ("en", "Wrong e-mail or password")):
        at = new_app()
        at.session_state["lang"] = lang
        at.run()
        at.text_input(key="login_email").input("exporter@demo.tanpass")
        at.text_input(key="login_password").input("not-the-password")
        at.button[0].click()
        at.run()
        assert not at.exception, at.exception
        assert any(expected in e.value for e in at.error), [e.value for e in at.error]
        assert "me" not in at.session_state


def test_login_lands_on_the_role_home(po_stack: PortalStack) -> None:
    at = signed_in("customs", po_stack.password)
    assert at.title[0].value == "Check certificates"
