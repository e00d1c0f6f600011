"""Pages on the portal's newer API reads, against the running system: the public footprint
drill-down, the CBAM tab, the verifier's evidence panel (PDF page image with the value's box)
and the label downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.api.cbam_example import steel_dossier
from tests.portal.conftest import new_app, signed_in
from tests.portal.po_stack import Api, PortalStack

pytestmark = pytest.mark.integration


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] +
                     [str(x.value) for x in at.info] + [str(x.value) for x in at.warning])


def test_public_page_drills_down_from_stages_to_lines(po_stack: PortalStack, po_api: Api,
                                                      po_certificate: dict[str, str]) -> None:
    number = po_certificate["number"]
    answer = po_api.http.get(f"/api/v1/public/certificates/{number}/footprint").json()
    at = new_app()
    at.session_state["lang"] = "en"
    at.query_params["cert"] = number
    ok(at.run())
    assert "Footprint behind this certificate" in [s.value for s in at.subheader]
    labels = [e.label for e in at.expander]
    assert labels and labels[0].startswith(answer["tree"]["name"])
    assert len(labels) >= 1 + len(answer["tree"]["children"])  # product and its sub-assemblies
    lines = at.dataframe[-1].value
    assert {"Line ID", "Factor", "Factor source"} <= set(lines.columns)
    assert answer["valid_until_day"] in texts(at)  # validity as printed (China day)
    at.session_state["lang"] = "zh"
    ok(at.run())
    assert "本证书的碳足迹明细" in [s.value for s in at.subheader]


def _cbam_application(po_api: Api) -> dict[str, Any]:
    product = po_api.call("exporter", "POST", "/products", json={
        "name": "Hot-rolled coil", "model": "PO-CBAM", "category": "steel",
        "cn_code": "72081000"})
    app = po_api.call("exporter", "POST", "/applications",
                      json={"product_id": product["id"], "regimes": ["cbam"]})
    po_api.call("exporter", "POST", f"/applications/{app['id']}/dossier", json=steel_dossier())
    return {"product": product, "application": app}


def test_cbam_tab_shows_the_estimate_and_offers_the_workbook(po_stack: PortalStack,
                                                             po_api: Api) -> None:
    made = _cbam_application(po_api)
    answer = po_api.call("exporter", "GET", f"/applications/{made['application']['id']}/cbam")
    at = ok(signed_in("exporter", po_stack.password))
    at.session_state["product_id"] = made["product"]["id"]
    at.switch_page("views/exporter_product.py")
    ok(at.run())
    assert "CBAM" in [t.label for t in at.tabs]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["SEE direct (t CO₂e/t)"] == "2.395"
    assert "Download CBAM communication workbook" in {d.label for d in at.get("download_button")}
    if answer["estimate"]:
        table = next(d.value for d in at.dataframe if "Item" in d.value.columns)
        rows = dict(zip(table["Item"], table["Value"], strict=True))
        assert rows["Net cost per shipment"] == f"{answer['estimate']['net_eur_per_shipment']:,.2f} EUR"
    at.session_state["lang"] = "zh"
    ok(at.run())
    assert "直接隐含排放（吨CO₂e/吨）" in {m.label for m in at.metric}


def test_exporter_certificate_tab_offers_label_downloads(po_stack: PortalStack, po_api: Api,
                                                         po_certificate: dict[str, str]) -> None:
    product = next(p for p in po_api.call("exporter", "GET", "/products")
                   if p["model"] == "PO-CERT-1")
    at = ok(signed_in("exporter", po_stack.password))
    at.session_state["product_id"] = product["id"]
    at.switch_page("views/exporter_product.py")
    ok(at.run())
    downloads = {d.label for d in at.get("download_button")}
    assert {"Label (SVG)", "Label (PNG, 600 dpi)"} <= downloads
    cert = po_api.call("exporter", "GET", f"/certificates/{po_certificate['number']}")
    assert cert["valid_until_day"] in [m.value for m in at.metric]


def test_verifier_sees_the_bill_page_with_the_value_highlighted(po_stack: PortalStack,
                                                                 po_api: Api) -> None:
    from evidence.samples import electricity_bill
    from portal.evidence_view import highlight
    from portal.process_data import scale_box

    app = po_api.application_at("awaiting_verification", name="Evidence meter", model="PO-EVID")
    sample = electricity_bill("zh")
    r = po_api.http.post(f"/api/v1/applications/{app['id']}/evidence",
                         headers=po_api.headers("exporter"),
                         files={"file": (sample.filename, sample.data, "application/pdf")})
    assert r.status_code == 201, r.text
    evidence_id = r.json()["id"]
    base = f"/api/v1/applications/{app['id']}/evidence/{evidence_id}"
    extraction = po_api.http.get(f"{base}/extraction", headers=po_api.headers("verifier")).json()
    value = next(v for v in extraction["values"] if v["field"] == "consumption_kwh")
    prov = value["provenance"]
    page = po_api.http.get(f"{base}/pages/{prov['page']}", headers=po_api.headers("verifier"))
    assert page.status_code == 200 and page.content[:8] == b"\x89PNG\r\n\x1a\n"
    # the portal's mapping of the box onto the page image lands on the drawn value
    with Image.open(io.BytesIO(page.content)) as im:
        size = im.size
    x0, top, x1, bottom = scale_box(prov["bbox"], (prov["page_width"], prov["page_height"]), size)
    drawn = sample.expected["consumption_kwh"].bbox
    k = float(page.headers["X-Points-To-Pixels"])
    assert (x0, top) == (pytest.approx(drawn.x0 * k, abs=3 * k), pytest.approx(drawn.top * k, abs=3 * k))
    marked = Image.open(io.BytesIO(highlight(page.content, [(x0, top, x1, bottom)])))
    assert marked.getpixel((round(x0) - 3, round((top + bottom) / 2)))[:3] == (220, 38, 38)

    at = ok(signed_in("verifier", po_stack.password))
    at.selectbox(key="ver_choose").set_value(app["id"])
    ok(at.run())
    at.selectbox(key="ver_line").set_value("assembly-power")
    ok(at.run())
    pool = at.selectbox(key="ver_file")
    pool.set_value(evidence_id)
    ok(at.run())
    table = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    assert {"supplier", "meter_number"} <= set(table["Field"])  # page 1 of the bill
    assert at.get("image"), "the page image with the highlighted boxes"
    at.selectbox(key="ver_ev_page").set_value(2)
    ok(at.run())
    table = next(d.value for d in at.dataframe if "Field" in d.value.columns)
    assert "consumption_kwh" in set(table["Field"]) and at.get("image")
