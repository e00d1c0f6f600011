"""The certification process pages, one application walked through them in the portal:
document review, verifier assignment (a refusal with its reasons, then the right verifier),
the verifier's line review, finding and corrective-action request, the exporter's answer,
closure and opinion, and the officer's decision page with the findings history."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.portal.conftest import signed_in
from tests.portal.po_stack import Api, PortalStack
from tests.portal.test_po_roles import button, ok, texts

pytestmark = pytest.mark.integration


def status_of(api: Api, app_id: str) -> str:
    return str(api.call("exporter", "GET", f"/applications/{app_id}")["status"])


def page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path)
    return ok(at.run())


def test_intake_returns_a_dossier_with_reasons_in_both_languages(po_stack: PortalStack,
                                                                  po_api: Api) -> None:
    app = po_api.application_at("intake_review", name="Intake meter", model="PO-INT")
    at = page(signed_in("certifier", po_stack.password, lang="zh"), "views/certifier_intake.py")
    assert at.title[0].value == "资料审核"
    at.session_state["lang"] = "en"
    ok(at.run())
    assert at.title[0].value == "Document review"
    at.selectbox(key="int_choose").set_value(app["id"])
    ok(at.run())
    assert any(df.value.shape[0] >= 10 for df in at.dataframe), "dossier lines shown"
    at.radio(key="int_accept").set_value(False)
    at.multiselect(key="int_common").select("boundary")
    at.text_area(key="int_reasons").input("Bills for March are missing.")
    button(at, "Record review").click()
    ok(at.run())
    assert "Returned to exporter" in texts(at) or "Returned" in texts(at), texts(at)
    assert status_of(po_api, app["id"]) == "returned"
    history = po_api.call("exporter", "GET", f"/applications/{app['id']}")["history"]
    assert "Bills for March are missing." in str(history)


def test_a_dossier_walks_through_assignment_review_and_corrective_action(
        po_stack: PortalStack, po_api: Api) -> None:
    app = po_api.application_at("awaiting_assignment", name="Process meter", model="PO-PROC")
    app_id = app["id"]

    # certification officer: the exporter is refused with each reason, the verifier assigned
    at = page(signed_in("certifier", po_stack.password), "views/certifier_assign.py")
    at.selectbox(key="asg_choose").set_value(app_id)
    ok(at.run())
    exporter_id = po_api.call("exporter", "GET", "/auth/me")["id"]
    at.text_input(key="asg_verifier_id").input(exporter_id)
    ok(at.run())
    at.button(key="asg_submit").click()
    at.run()
    refusal = "\n".join(e.value for e in at.error)
    assert "The person does not hold the verifier role." in refusal
    assert "Conflict of interest: the verifier belongs to the applicant's organisation." in refusal
    assert "Refused earlier" in "\n".join(e.label for e in at.expander)
    verifier_id = po_api.call("verifier", "GET", "/auth/me")["id"]
    assert verifier_id in at.selectbox(key="asg_verifier").options or any(  # the directory
        "Sichuan Carbon Verification Centre (accredited)" in o
        for o in at.selectbox(key="asg_verifier").options)
    at.text_input(key="asg_verifier_id").input("")
    at.selectbox(key="asg_verifier").set_value(verifier_id)
    at.run()
    at.button(key="asg_submit").click()
    ok(at.run())
    assert status_of(po_api, app_id) == "awaiting_verification"

    # verifier: check a line against its evidence, raise a major NC, send it to the exporter
    at = ok(signed_in("verifier", po_stack.password))
    at.selectbox(key="ver_choose").set_value(app_id)
    ok(at.run())
    at.selectbox(key="ver_line").set_value("copper")
    ok(at.run())
    at.button(key="ver_mark").click()
    ok(at.run())
    assert "Line copper recorded as checked." in texts(at)
    at.radio(key="fd_kind").set_value("major_nc")
    at.multiselect(key="fd_lines").select("copper")
    at.text_area(key="fd_text").input("Copper mass does not match the purchase invoices.")
    button(at, "Raise finding").click()
    ok(at.run())
    assert "Finding raised: Major non-conformity." in texts(at)
    assert "non-conformities are still open" in texts(at)
    button(at, "Request corrective action").click()
    ok(at.run())
    assert "Corrective action requested (round 1)" in texts(at)
    assert status_of(po_api, app_id) == "corrective_action"

    # exporter: the finding with its deadline, answered on the product page
    product = next(p for p in po_api.call("exporter", "GET", "/products")
                   if p["model"] == "PO-PROC")
    at = ok(signed_in("exporter", po_stack.password, lang="zh"))
    at.session_state["product_id"] = product["id"]
    at = page(at, "views/exporter_product.py")
    assert "第 1 轮整改进行中" in texts(at)
    finding = po_api.call("exporter", "GET", f"/applications/{app_id}/process")["state"][
        "verifier_findings"][0]
    at.text_area(key=f"ca_{finding['id']}").input("铜用量已按发票更正。")
    button(at, "提交").click()
    ok(at.run())
    assert "答复已发送" in texts(at)
    assert status_of(po_api, app_id) == "awaiting_verification"

    # verifier: close the finding, record the visit, give the opinion
    at = ok(signed_in("verifier", po_stack.password))
    at.selectbox(key="ver_choose").set_value(app_id)
    ok(at.run())
    at.text_area(key="fc_note").input("Invoices re-checked; mass corrected.")
    button(at, "Close finding").click()
    ok(at.run())
    at.text_area(key="sv_notes").input("Assembly line and meter room, Chengdu plant.")
    button(at, "Save record").click()
    ok(at.run())
    at.checkbox(key="op_confirm").check()
    at.text_area(key="op_notes").input("No material misstatement.")
    button(at, "Submit opinion").click()
    ok(at.run())
    assert status_of(po_api, app_id) == "awaiting_decision"

    # certification officer: the opinion and the findings history beside the decision
    at = ok(signed_in("certifier", po_stack.password))
    at.selectbox(key="dec_choose").set_value(app_id)
    ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Opinion"] == "Unmodified" and metrics["Level of assurance"] == "Reasonable"
    history = at.dataframe[[i for i, d in enumerate(at.dataframe)
                            if "Closing note" in d.value.columns][0]].value
    assert history.iloc[0]["Kind"] == "Major non-conformity"
    assert history.iloc[0]["Status"] == "Closed"
    assert metrics["Site visits"] == "1"
