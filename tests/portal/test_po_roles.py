"""Each role's main page, driven through AppTest against the running API with seeded data."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from tests.harness import wait_until
from tests.portal.conftest import signed_in
from tests.portal.po_stack import Api, PortalStack

pytestmark = pytest.mark.integration


def button(at: AppTest, label: str):  # noqa: ANN201 - AppTest Button
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [str(x.value) for x in at.success] + \
        [str(x.value) for x in at.info] + [str(x.value) for x in at.error] + \
        [str(x.value) for x in at.warning] + [c.value for c in at.caption]
    return "\n".join(parts)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_exporter_dashboard_shows_products_per_regime(po_stack: PortalStack,
                                                       po_certificate: dict[str, str]) -> None:
    at = ok(signed_in("exporter", po_stack.password))
    assert at.title[0].value == "Dashboard"
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Products"]) >= 1 and int(metrics["Valid certificates"]) >= 1
    table = at.dataframe[0].value
    row = table[table["Model"] == "PO-CERT-1"].iloc[0]
    assert row["CN carbon label"] == "Certified" and row["EU CBAM"] == "—"
    # the same page in Chinese
    at.session_state["lang"] = "zh"
    ok(at.run())
    assert at.title[0].value == "工作台"
    assert "已认证" in set(at.dataframe[0].value["中国碳标签"])


def test_exporter_opens_a_product_with_footprint_and_certificate(
        po_stack: PortalStack, po_api: Api, po_certificate: dict[str, str]) -> None:
    product = next(p for p in po_api.call("exporter", "GET", "/products")
                   if p["model"] == "PO-CERT-1")
    at = ok(signed_in("exporter", po_stack.password))
    at.selectbox(key="dash_product").set_value(product["id"])
    at.button(key="dash_open").click()
    ok(at.run())
    assert at.title[0].value == "Product"
    assert at.selectbox(key="product_select").value == product["id"]
    assert any(m.label.startswith("Total footprint") for m in at.metric)
    downloads = {d.label for d in at.get("download_button")}
    assert {"Download certificate (signed PDF)", "Download footprint workbook (xlsx)"} <= downloads
    assert "Apply for renewal" in [b.label for b in at.button]  # a valid certificate renews
    assert po_certificate["number"] in texts(at)


def test_exporter_wizard_submits_an_example_dossier(po_stack: PortalStack) -> None:
    at = ok(signed_in("exporter", po_stack.password))
    at.switch_page("views/exporter_new.py")
    ok(at.run())
    assert at.title[0].value == "New certification application"
    at.radio(key="wiz_mode").set_value("new")
    ok(at.run())
    model = f"WZ-{uuid.uuid4().hex[:6]}"
    at.text_input(key="wiz_name").input("Wizard meter")
    at.text_input(key="wiz_model").input(model)
    at.button(key="wiz_example").click()
    ok(at.run())
    assert not at.button(key="wiz_submit").disabled, texts(at)
    at.button(key="wiz_submit").click()
    ok(at.run())
    assert "Blocking findings: 0" in texts(at), texts(at)
    assert "Awaiting verification" in texts(at) or "Intake review" in texts(at)


def test_verifier_gives_an_opinion(po_stack: PortalStack, po_api: Api) -> None:
    app = po_api.application_at("awaiting_verification", name="Verifier meter", model="PO-VER")
    at = ok(signed_in("verifier", po_stack.password))
    assert at.title[0].value == "Verification queue"
    at.selectbox(key="ver_choose").set_value(app["id"])
    ok(at.run())
    assert any(m.label.startswith("Total footprint") for m in at.metric)
    button(at, "Submit opinion").click()
    at.run()
    assert "Confirm you have no conflict of interest first." in texts(at)
    at.checkbox(key="op_confirm").check()
    at.text_area(key="op_notes").input("Bills match the meter readings.")
    button(at, "Submit opinion").click()
    ok(at.run())
    assert "Opinion recorded" in texts(at)
    detail = po_api.call("exporter", "GET", f"/applications/{app['id']}")
    assert detail["status"] == "awaiting_decision"


def test_certifier_approves_and_the_certificate_is_issued(po_stack: PortalStack,
                                                           po_api: Api) -> None:
    app = po_api.application_at("awaiting_decision", name="Certifier meter", model="PO-DEC")
    at = ok(signed_in("certifier", po_stack.password))
    assert at.title[0].value == "Certification decisions"
    at.selectbox(key="dec_choose").set_value(app["id"])
    ok(at.run())
    assert "Verifier's opinion" in texts(at)
    at.text_area(key="dec_reasons").input("Verified with reasonable assurance.")
    button(at, "Submit decision").click()
    ok(at.run())
    assert "Decision recorded" in texts(at)
    number = wait_until(lambda: po_api.call("exporter", "GET", f"/applications/{app['id']}")
                  ["certificate_number"], 60, "certificate number")
    assert number


def test_customs_checks_a_number(po_stack: PortalStack, po_certificate: dict[str, str]) -> None:
    at = ok(signed_in("customs", po_stack.password))
    at.text_input(key="desk_number_input").input(po_certificate["number"])
    button(at, "Check").click()
    ok(at.run())
    assert "tp-answer tp-ok" in texts(at)
    # the QR and PDF tabs are present and say plainly when their route is not there yet
    assert at.tabs[1].label == "QR image" and at.tabs[2].label == "Certificate PDF"


def test_subsidy_batch_check_with_download(po_stack: PortalStack,
                                           po_certificate: dict[str, str]) -> None:
    at = ok(signed_in("subsidy", po_stack.password))
    at.switch_page("views/subsidy_batch.py")
    ok(at.run())
    csv = f"number\n{po_certificate['number']}\nTP-0000-NOPE99\n".encode()
    numbers = next(f for f in at.get("file_uploader") if f.key == "batch_upload")
    numbers.upload("claims.csv", csv, "text/csv")
    ok(at.run())
    button(at, "Run the check").click()
    ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Valid": "1", "Not valid or not found": "1"}
    assert any(d.label == "Download results (CSV)" for d in at.get("download_button"))


def test_admin_page_renders_in_both_languages(po_stack: PortalStack) -> None:
    at = ok(signed_in("admin", po_stack.password, lang="zh"))
    assert at.title[0].value == "证书登记簿"  # admin's home: the registry
    at.switch_page("views/admin.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == "系统管理"
    assert len(at.tabs) == 4
    assert "导入新的排放因子库版本" in [h.value for h in at.subheader]  # factor-set import
