"""The portal in headless Debian Chromium (Playwright): exporter login and the public check.

Screenshots go to test-artifacts/ (ignored by git) and are kept for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.portal.po_stack import REPO, PortalStack

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
ARTIFACTS = REPO / "test-artifacts"
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True,
            viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        try:
            yield context
        finally:
            context.close()


def _settle(page) -> None:  # noqa: ANN001 - playwright Page
    """Wait until Streamlit has finished the current run (its "running" widget is gone)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT_MS)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=WAIT_MS)


def _shot(page, name: str) -> Path:  # noqa: ANN001 - playwright Page
    _settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a real rendering, not a blank page
    return path


def test_exporter_logs_in_and_opens_a_product(browser, portal_server: str,  # noqa: ANN001
                                              po_stack: PortalStack,
                                              po_certificate: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(portal_server, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="登录 Tanpass 碳通")).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-login-zh.png")
    page.get_by_label("邮箱").fill("exporter@demo.tanpass")
    page.get_by_label("密码").fill(po_stack.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("各市场认证状态", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-exporter-dashboard-zh.png")
    page.get_by_role("button", name="打开", exact=True).click()
    expect(page.get_by_role("heading", name="产品详情")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("碳足迹合计 ·", exact=False).first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-exporter-product-zh.png")
    page.get_by_role("tab", name="证书与标签").click()
    expect(page.get_by_text(po_certificate["number"]).first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-exporter-certificate-zh.png")
    # switch to English: the same page, every label translated
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Product", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Total footprint ·", exact=False).first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-exporter-product-en.png")
    page.close()


def test_public_page_verifies_a_number(browser, portal_server: str,  # noqa: ANN001
                                       po_certificate: dict[str, str]) -> None:
    from playwright.sync_api import expect

    number = po_certificate["number"]
    page = browser.new_page()
    # as from a label's QR code
    page.goto(f"{portal_server}/?cert={number}", wait_until="domcontentloaded")
    expect(page.get_by_text("证书有效")).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-public-qr-valid-zh.png")
    # typed by hand on the public page, in English
    page.goto(f"{portal_server}/public?lang=en", wait_until="domcontentloaded")
    box = page.get_by_label("Certificate number")
    expect(box).to_be_visible(timeout=WAIT_MS)
    box.fill(number)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_text("Certificate valid")).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-public-number-valid-en.png")
    box = page.get_by_label("Certificate number")
    box.fill("TP-0000-FORGED")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_text("Certificate NOT valid")).to_be_visible(timeout=WAIT_MS)
    _shot(page, "portal-public-not-found-en.png")
    page.close()
