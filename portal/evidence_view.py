"""One evidence file beside the dossier line it backs.

Images (PNG, JPEG) are shown as they are. For a PDF the portal shows the page each extracted
value was read from, rendered by the API, with the value's box outlined; the portal has no PDF
renderer of its own. The routes (used when the API's OpenAPI document lists them):

- ``GET /applications/{application_id}/evidence/{evidence_id}/extraction``: ``values[]`` with
  ``field, value, unit, confidence, provenance{page, bbox, page_width, page_height}`` (PDF
  points, origin top-left)
- ``GET /applications/{application_id}/evidence/{evidence_id}/pages/{page}``: the page as PNG
  (110 dpi; ``X-Points-To-Pixels`` states the scale, the box mapping uses the image size)
"""

from __future__ import annotations

import io
from typing import Any

import streamlit as st
from PIL import Image, ImageDraw

from portal.api_client import ApiClient, ApiError
from portal.i18n import t
from portal.process_data import scale_box
from portal.ui import fetch, show_error

EXTRACTION = "/applications/{application_id}/evidence/{evidence_id}/extraction"
PAGE_IMAGE = "/applications/{application_id}/evidence/{evidence_id}/pages/{page}"
IMAGES = ("image/png", "image/jpeg")


def highlight(image: bytes, boxes: list[tuple[float, float, float, float]]) -> bytes:
    """The image with each box (in pixels) outlined and lightly filled, as PNG."""
    with Image.open(io.BytesIO(image)) as src:
        page = src.convert("RGBA")
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width = max(2, round(min(page.size) / 300))
    for x0, top, x1, bottom in boxes:
        draw.rectangle((x0 - 3, top - 3, x1 + 3, bottom + 3), fill=(255, 196, 0, 70),
                       outline=(220, 38, 38, 255), width=width)
    out = io.BytesIO()
    Image.alpha_composite(page, overlay).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def _content(api: ApiClient, app_id: str, evidence_id: str) -> bytes | None:
    cache: dict[str, bytes] = st.session_state.setdefault("evidence_cache", {})
    if evidence_id not in cache:
        data = fetch(api.evidence_content, app_id, evidence_id)
        if data is None:
            return None
        cache[evidence_id] = data
    return cache[evidence_id]


def _provenance(api: ApiClient, app_id: str, evidence_id: str) -> list[dict[str, Any]] | None:
    if not api.supports("GET", EXTRACTION):
        return None
    try:
        body = api.get(EXTRACTION.format(application_id=app_id, evidence_id=evidence_id))
    except ApiError as err:
        show_error(err)
        return None
    return [v for v in body.get("values") or [] if isinstance(v, dict)]


def _page_image(api: ApiClient, app_id: str, evidence_id: str, page: int) -> bytes | None:
    if not api.supports("GET", PAGE_IMAGE):
        return None
    path = PAGE_IMAGE.format(application_id=app_id, evidence_id=evidence_id, page=page)
    return fetch(lambda: api.request("GET", path).content)


def evidence_panel(api: ApiClient, app_id: str, file: dict[str, Any], key: str) -> None:
    """The file, and where the API says so, the page and region each value was read from."""
    media = str(file.get("media_type") or "")
    st.markdown(f"**{file.get('filename')}** · `{media}` · {int(file.get('size') or 0):,} B")
    values = _provenance(api, app_id, file["id"])
    if values:
        pages = sorted({int((v.get("provenance") or {}).get("page") or 1) for v in values})
        page = st.selectbox(t("evidence.page"), pages, key=f"{key}_page") if len(pages) > 1 \
            else pages[0]
        on_page = [v for v in values if int((v.get("provenance") or {}).get("page") or 1) == page]
        st.dataframe([{t("evidence.field"): v.get("field"),
                       t("evidence.value"): f"{v.get('value')} {v.get('unit') or ''}".strip(),
                       t("evidence.confidence"): v.get("confidence")} for v in on_page],
                     hide_index=True)
        image = _page_image(api, app_id, file["id"], page) if media == "application/pdf" \
            else _content(api, app_id, file["id"])
        if image:
            with Image.open(io.BytesIO(image)) as im:
                size = im.size
            boxes = [scale_box(p["bbox"], (float(p.get("page_width") or size[0]),
                                           float(p.get("page_height") or size[1])), size)
                     for v in on_page if (p := v.get("provenance") or {}).get("bbox")]
            st.image(highlight(image, boxes), caption=t("evidence.page_n", n=page))
            return
    elif media in IMAGES:
        data = _content(api, app_id, file["id"])
        if data:
            st.image(data, caption=file.get("filename"))
        st.caption(t("evidence.no_provenance"))
        return
    data = _content(api, app_id, file["id"])
    if data:
        st.download_button(t("evidence.open_file"), data, file_name=str(file.get("filename")),
                           mime=media or None, icon=":material/description:", key=f"{key}_dl")
    st.caption(t("evidence.no_page_render"))
