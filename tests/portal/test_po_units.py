"""Pure parts of the portal: the API client's error mapping, dossier building, dashboards, batch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import httpx
import pytest

from portal.api_client import (
    ApiClient,
    ApiError,
    NotAvailable,
    Tokens,
    Unauthenticated,
    Unreachable,
)
from portal.batch import read_numbers, to_csv
from portal.dossier_form import EXAMPLE, build_dossier, build_lines
from portal.exporter_data import deadlines, latest_by_regime, open_findings

PROBLEM = {"type": "https://tanpass.example/problems/validation", "title": "请求内容无效",
           "status": 422, "detail": "各无效字段见 errors。",
           "errors": [{"path": "body/regimes", "message": "至少一项"}]}


def client(handler) -> ApiClient:  # noqa: ANN001
    return ApiClient(httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler)),
                     lang="zh", tokens=Tokens("old-access", "refresh-1"))


def test_problem_details_are_kept_and_language_is_sent() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(422, json=PROBLEM, headers={"content-type": "application/problem+json"})

    with pytest.raises(ApiError) as info:
        client(handler).create_application("p1", [])
    err = info.value
    assert type(err) is ApiError and err.status == 422 and err.kind == "validation"
    assert err.title == "请求内容无效" and err.errors == PROBLEM["errors"]
    assert seen["accept-language"] == "zh" and seen["authorization"] == "Bearer old-access"


def test_missing_route_is_not_available_but_missing_record_is_not() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/label.svg"):
            return httpx.Response(404, json={"title": "Not found", "detail": "Not Found"})
        if request.method == "POST":
            return httpx.Response(405, json={"detail": "Method Not Allowed"})
        return httpx.Response(404, json={"type": "x/not-found", "title": "未找到",
                                         "detail": "没有编号为 X 的证书。",
                                         "certificate_status": "not_found"})

    api = client(handler)
    with pytest.raises(NotAvailable):
        api.certificate_label("TP-1")
    with pytest.raises(NotAvailable):
        api.verify_pdf("c.pdf", b"%PDF")
    with pytest.raises(ApiError) as info:
        api.public_certificate("X")
    assert not isinstance(info.value, NotAvailable)
    assert info.value.problem["certificate_status"] == "not_found"


def test_expired_access_token_is_refreshed_once() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path} {request.headers.get('authorization')}")
        if request.url.path.endswith("/auth/refresh"):
            return httpx.Response(200, json={"access_token": "new-access",
                                             "refresh_token": "refresh-2"})
        if request.headers.get("authorization") == "Bearer new-access":
            return httpx.Response(200, json=[])
        return httpx.Response(401, json={"title": "Authentication required"})

    api = client(handler)
    assert api.products() == []
    assert api.tokens is not None and api.tokens.refresh_token == "refresh-2"
    assert len(calls) == 3


def test_failed_refresh_ends_the_session() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"title": "Authentication required"})

    with pytest.raises(Unauthenticated):
        client(handler).products()


def test_unreachable_api_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(Unreachable):
        client(handler).products()


def test_dossier_from_tables_drops_blank_rows_and_numbers_ids() -> None:
    tables = {"material": [{"id": None, "description": "steel", "material": "material.steel.bof",
                            "quantity": 2, "unit": None, "origin": ""},
                           {"id": "", "description": "", "material": "", "quantity": float("nan")}],
              "transport": [{"mode": "transport.road.hgv.average", "mass": 2, "distance": 100}]}
    lines = build_lines(tables)
    assert lines == [
        {"kind": "material", "id": "material_1", "description": "steel",
         "material": "material.steel.bof", "quantity": 2.0, "unit": "kg"},
        {"kind": "transport", "id": "transport_1", "mode": "transport.road.hgv.average",
         "mass": 2.0, "distance": 100.0, "mass_unit": "kg", "distance_unit": "km"},
    ]


def test_example_dossier_is_a_valid_footprint_dossier() -> None:
    from footprint import Dossier, calculate

    doc = build_dossier({"name": "Meter", "model": "M1", "category": None},
                        fu_amount=1, fu_unit="piece", fu_description="one meter",
                        boundary="cradle-to-gate", period_start=date(2025, 1, 1),
                        period_end=date(2025, 12, 31), reference_flow=1, gwp_set="AR6",
                        tables=EXAMPLE, regimes=["cn_label"], cutoff_criteria="1 % rule")
    assert doc["product"] == {"name": "Meter", "model": "M1"}
    assert doc["regime_data"] == {"cn_label": {"cutoff_criteria": "1 % rule"}}
    result = calculate(Dossier.model_validate(doc))
    assert result.total > 0


def test_latest_application_per_regime_and_open_findings() -> None:
    apps = [{"id": "a1", "product_id": "p", "regimes": ["cn_label", "cbam"], "status": "refused",
             "updated_at": "2026-01-01T00:00:00Z"},
            {"id": "a2", "product_id": "p", "regimes": ["cn_label"], "status": "certified",
             "updated_at": "2026-03-01T00:00:00Z"},
            {"id": "a3", "product_id": "q", "regimes": ["pef"], "status": "assessing",
             "updated_at": "2026-04-01T00:00:00Z"}]
    by_regime = latest_by_regime("p", apps)
    assert by_regime["cn_label"]["id"] == "a2" and by_regime["cbam"]["id"] == "a1"
    assert "pef" not in by_regime
    detail = {"findings": [{"dossier_version": 1, "status": "open", "rule_id": "old"},
                           {"dossier_version": 2, "status": "open", "rule_id": "new"},
                           {"dossier_version": 2, "status": "closed", "rule_id": "done"}]}
    assert [f["rule_id"] for f in open_findings(detail)] == ["new"]


def test_deadlines_soonest_first() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    apps = [{"id": "a1", "status": "returned"},
            {"id": "a2", "status": "awaiting_verification"}]
    details = {"a2": {"findings": [{"dossier_version": 1, "status": "open", "rule_id": "r",
                                    "due": "2026-06-20T00:00:00Z"}]}}
    certs = [{"number": "TP-1", "status": "valid", "valid_until": "2026-08-01T00:00:00Z"},
             {"number": "TP-0", "status": "valid", "valid_until": "2026-05-01T00:00:00Z"},
             {"number": "TP-9", "status": "revoked", "valid_until": "2026-07-01T00:00:00Z"}]
    items = deadlines(apps, certs, details, now=now)
    assert [(i["kind"], i["ref"]) for i in items] == [
        ("expired", "TP-0"), ("renewal", "TP-1"), ("corrective_action", "r"), ("resubmit", "a1")
    ]  # the revoked certificate has no deadline; an undated resubmission comes last
    china = timezone(timedelta(hours=8))
    assert items[1]["due"] == datetime(2026, 5, 3, tzinfo=china)  # 90 days before the last day
    # 17:00 UTC on 1 August is already 2 August in China: the printed last day counts
    late = deadlines([], [{"number": "TP-2", "status": "valid",
                           "valid_until": "2026-08-01T17:00:00Z"}], {}, now=now)
    assert late[0]["due"] == datetime(2026, 5, 4, tzinfo=china)


def test_validity_is_shown_as_the_printed_china_days() -> None:
    from portal.ui import printed_day

    cert = {"valid_from": "2026-11-21T17:30:00Z", "valid_until": "2027-11-21T17:30:00Z",
            "valid_from_day": "2026-11-22", "valid_until_day": "2027-11-22"}
    assert (printed_day(cert, "from"), printed_day(cert, "until")) == ("2026-11-22", "2027-11-22")
    older = {"valid_from": "2026-11-21T17:30:00Z", "valid_until": "2027-11-21T17:30:00+00:00"}
    assert (printed_day(older, "from"), printed_day(older, "until")) == ("2026-11-22", "2027-11-22")
    answer = {"valid_from": "2026-11-22", "valid_until": "2027-11-22"}  # verification: dates
    assert printed_day(answer, "until") == "2027-11-22"


def test_batch_reads_numbers_and_writes_excel_friendly_csv() -> None:
    data = "证书编号,企业\nTP-2026-000001,A\n tp-2026-000002 ,B\nTP-2026-000001,A\n,\n".encode()
    assert read_numbers(data) == ["TP-2026-000001", "TP-2026-000002"]
    assert read_numbers(b"TP-1234\nTP-5678\n") == ["TP-1234", "TP-5678"]
    out = to_csv([{"number": "TP-1234", "status": "valid", "footprint": 1.5, "unit": None}])
    assert out.startswith("\ufeff".encode()) and b"TP-1234,valid" in out


# -- process detail, dossier lines, evidence (portal.process_data, portal.evidence_view) ------


def test_each_assignment_refusal_is_named_and_unknown_ones_are_kept() -> None:
    from portal.process_data import refusal_key

    assert refusal_key("conflict of interest: the verifier belongs to the applicant's "
                       "organisation") == "assign.reason.coi_applicant"
    assert refusal_key("rotation: the verifier verified the last 3 consecutive cycles") == \
        "assign.reason.rotation"
    assert refusal_key("something new") is None


def test_dossier_lines_cover_subassemblies_and_line_tables() -> None:
    from footprint import demo_dossier
    from portal.process_data import dossier_lines, evidence_for, line_amount

    content = demo_dossier().model_dump(mode="json")
    content["subassemblies"]["pcba"]["line_tables"] = [
        {"kind": "material", "id": ["r1", "r2"], "factor": ["f", "f"], "quantity": [1.5, 2.0],
         "unit": ["kg", "kg"]}]
    content["lines"][2]["evidence"] = ["abc123"]
    lines = {ln["id"]: ln for ln in dossier_lines(content)}
    assert lines["copper"]["where"] == "" and lines["smt-power"]["where"] == "pcba"
    assert line_amount(lines["r2"]) == "2 kg" and lines["r2"]["where"] == "pcba"
    assert line_amount(lines["inbound-components"]) == "1900 km · 0.45 t"
    files = [{"id": "e1", "blob_sha256": "ABC123", "filename": "bill.pdf"},
             {"id": "e2", "blob_sha256": "fff", "filename": "other.pdf"}]
    assert [f["id"] for f in evidence_for(lines["copper"], files)] == ["e1"]
    assert evidence_for(lines["screws"], files) == []


def test_open_round_and_its_findings() -> None:
    from portal.process_data import open_nonconformities, open_round, round_findings

    state = {"verifier_findings": [
        {"id": "a", "kind": "major_nc", "status": "open"},
        {"id": "b", "kind": "observation", "status": "open"},
        {"id": "c", "kind": "minor_nc", "status": "closed"}],
        "rounds": [{"round": 1, "status": "answered", "finding_ids": ["c"]},
                   {"round": 2, "status": "escalated", "finding_ids": ["a"]}]}
    assert [f["id"] for f in open_nonconformities(state)] == ["a"]
    rnd = open_round(state)
    assert rnd is not None and rnd["round"] == 2
    assert [f["id"] for f in round_findings(state, rnd)] == ["a"]
    assert open_round({"rounds": [{"status": "answered"}]}) is None


def test_a_value_region_is_scaled_and_highlighted_on_the_page_image() -> None:
    import io

    from PIL import Image

    from portal.evidence_view import highlight
    from portal.process_data import scale_box

    assert scale_box((100, 50, 200, 70), (595, 842), (1190, 1684)) == (200, 100, 400, 140)
    page = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(page, format="PNG")
    marked = Image.open(io.BytesIO(highlight(page.getvalue(), [(100, 100, 200, 140)])))
    assert marked.size == (400, 300)
    assert marked.getpixel((150, 120)) != (255, 255, 255)  # filled
    assert marked.getpixel((10, 10)) == (255, 255, 255)  # untouched


def test_officer_checks_use_the_signed_in_route_not_the_public_one() -> None:
    import httpx

    from portal.api_client import ApiClient, Tokens

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"number": "TP-1", "status": "valid", "verdict": "green"})

    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://api")
    api = ApiClient(http, lang="en", tokens=Tokens("a", "r"))
    assert api.officer_verify_number(" TP-1 ")["verdict"] == "green"
    api.verify_seal("TP1:x", officer=True)
    api.verify_pdf("c.pdf", b"%PDF", officer=True)
    api.verify_seal("TP1:x")
    assert seen == ["/api/v1/verification/certificates/TP-1", "/api/v1/verification/seal",
                    "/api/v1/verification/pdf", "/api/v1/public/verify/seal"]
