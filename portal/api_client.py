"""The portal's only door to Tanpass: a small typed client over the HTTP API.

Every method is one route. Errors leave as :class:`ApiError`, which carries the RFC 9457
problem document the API answered with (title, detail, per-field ``errors``), already in the
user's language because each request sends ``Accept-Language``.

Error tree::

    ApiError                      any answer >= 400, or the API could not be reached
    ├── NotAvailable              the route does not exist (yet) on this API: 404 without a
    │                             problem of ours, or 405
    ├── Unauthenticated           401 after one refresh attempt: the session is over
    └── Unreachable               connection refused / timed out

Routes still being written are called the same way; a page catches ``NotAvailable`` and shows
a bilingual "not available yet" notice instead of crashing. Adding a route is one method here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

API = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PAGES = 50
CERT_ACTIONS = {"suspend": "suspension", "reinstate": "reinstatement", "revoke": "revocation",
                "renew": "renewal"}


class ApiError(Exception):
    """The API refused or failed a request; ``problem`` is its problem+json body."""

    def __init__(self, status: int, problem: dict[str, Any] | None = None) -> None:
        self.status = status
        self.problem: dict[str, Any] = problem or {}
        super().__init__(f"{status}: {self.title} {self.detail}".strip())

    @property
    def type(self) -> str:
        return str(self.problem.get("type", "about:blank"))

    @property
    def kind(self) -> str:
        """The last segment of the problem type, e.g. ``not-found``, ``validation``."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        return str(self.problem.get("title", ""))

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail", ""))

    @property
    def errors(self) -> list[dict[str, Any]]:
        errs = self.problem.get("errors") or []
        return [e for e in errs if isinstance(e, dict)]


class NotAvailable(ApiError):
    """The route is not (yet) offered by this API."""


class Unauthenticated(ApiError):
    """The session has ended (token expired and could not be refreshed)."""


class Unreachable(ApiError):
    """The API did not answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(0, {"title": "API unreachable", "detail": reason})


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    obtained_at: float = field(default_factory=time.time)


_shared: dict[str, httpx.Client] = {}
_shared_lock = threading.Lock()
_routes_cache: dict[str, tuple[float, set[tuple[str, str]]]] = {}


def shared_http(base_url: str, timeout: float = 60.0) -> httpx.Client:
    """One pooled ``httpx.Client`` per API base URL for the whole portal process."""
    with _shared_lock:
        client = _shared.get(base_url)
        if client is None or client.is_closed:
            client = httpx.Client(base_url=base_url, timeout=timeout)
            _shared[base_url] = client
        return client


def _problem_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": str(body)}


def _is_missing_route(response: httpx.Response, problem: dict[str, Any]) -> bool:
    if response.status_code == 405:
        return True
    # A route that does not exist answers Starlette's bare "Not Found"; a missing *record*
    # answers a problem of ours with its own detail (and often extensions).
    return response.status_code == 404 and problem.get("detail") in ("Not Found", None)


def _verify_base(officer: bool) -> str:
    """Officers (signed in) check through ``/verification``, not throttled per IP; anyone else
    through ``/public/verify``."""
    return "/verification" if officer else "/public/verify"


class ApiClient:
    """The API as seen by one signed-in (or anonymous) portal user."""

    def __init__(self, http: httpx.Client, *, lang: str = "zh", tokens: Tokens | None = None) -> None:
        self.http = http
        self.lang = lang
        self.tokens = tokens

    # -- plumbing ---------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        h = {"Accept-Language": self.lang, "Accept": "application/json, application/problem+json"}
        if self.tokens:
            h["Authorization"] = f"Bearer {self.tokens.access_token}"
        return h

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            return self.http.request(method, API + path, headers=self._headers(), **kw)
        except httpx.TimeoutException as exc:
            raise Unreachable(f"timeout: {exc}") from exc
        except httpx.TransportError as exc:
            raise Unreachable(str(exc) or type(exc).__name__) from exc

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        response = self._send(method, path, **kw)
        if response.status_code == 401 and self.tokens and path != "/auth/refresh":
            if self._try_refresh():
                response = self._send(method, path, **kw)
        if response.status_code >= 400:
            problem = _problem_of(response)
            if response.status_code == 401:
                raise Unauthenticated(401, problem)
            if _is_missing_route(response, problem):
                raise NotAvailable(response.status_code, problem)
            raise ApiError(response.status_code, problem)
        return response

    def _try_refresh(self) -> bool:
        assert self.tokens is not None
        r = self._send("POST", "/auth/refresh", json={"refresh_token": self.tokens.refresh_token})
        if r.status_code != 200:
            return False
        body = r.json()
        self.tokens.access_token = body["access_token"]
        self.tokens.refresh_token = body.get("refresh_token", self.tokens.refresh_token)
        self.tokens.obtained_at = time.time()
        return True

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw).json()

    def get_all(self, path: str, **params: Any) -> list[Any]:
        """A whole list, following the cursor pages (``X-Next-Cursor``) the API hands out."""
        items: list[Any] = []
        for _ in range(MAX_PAGES):
            r = self.request("GET", path, params=params)
            page = r.json()
            items.extend(page if isinstance(page, list) else page.get("items", []))
            cursor = r.headers.get("X-Next-Cursor")
            if not cursor:
                break
            params = {**params, "cursor": cursor}
        return items

    def post(self, path: str, **kw: Any) -> Any:
        r = self.request("POST", path, **kw)
        return r.json() if r.content else {}

    def supports(self, method: str, template: str) -> bool:
        """Whether the API's OpenAPI document lists ``method template`` (cached for a minute)."""
        key = str(self.http.base_url)
        now = time.monotonic()
        cached = _routes_cache.get(key)
        if cached is None or now - cached[0] > 60:
            try:
                doc = self.http.get("/openapi.json", timeout=10).json()
                routes = {(m.upper(), p) for p, ops in doc.get("paths", {}).items() for m in ops}
            except (httpx.HTTPError, ValueError):
                routes = set()
            cached = (now, routes)
            _routes_cache[key] = cached
        return (method.upper(), API + template) in cached[1]

    # -- auth -------------------------------------------------------------------------------
    def login(self, email: str, password: str) -> Tokens:
        r = self._send("POST", "/auth/token", data={"username": email, "password": password})
        if r.status_code >= 400:
            raise ApiError(r.status_code, _problem_of(r))
        body = r.json()
        self.tokens = Tokens(body["access_token"], body["refresh_token"])
        return self.tokens

    def me(self) -> dict[str, Any]:
        return self.get("/auth/me")

    # -- exporter ---------------------------------------------------------------------------
    def products(self) -> list[dict[str, Any]]:
        return self.get_all("/products")

    def product(self, product_id: str) -> dict[str, Any]:
        return self.get(f"/products/{product_id}")

    def create_product(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.post("/products", json=body)

    def applications(self) -> list[dict[str, Any]]:
        return self.get_all("/applications")

    def application(self, application_id: str) -> dict[str, Any]:
        return self.get(f"/applications/{application_id}")

    def create_application(self, product_id: str, regimes: list[str]) -> dict[str, Any]:
        return self.post("/applications", json={"product_id": product_id, "regimes": regimes})

    def submit_dossier(self, application_id: str, dossier: dict[str, Any]) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/dossier", json=dossier)

    def footprint_detail(self, application_id: str) -> dict[str, Any]:
        """Line results, tree and DQR of the latest calculation (route to come)."""
        return self.get(f"/applications/{application_id}/footprint")

    def upload_evidence(self, application_id: str, name: str, data: bytes, mime: str) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/evidence",
                         files={"file": (name, data, mime)})

    def evidence(self, application_id: str) -> list[dict[str, Any]]:
        return self.get(f"/applications/{application_id}/evidence")

    def dossier_template(self) -> bytes:
        return self.request("GET", "/templates/dossier.xlsx").content

    def upload_dossier_xlsx(self, application_id: str, name: str, data: bytes) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/dossier/xlsx",
                         files={"file": (name, data, XLSX)})

    def evidence_content(self, application_id: str, evidence_id: str) -> bytes:
        return self.request("GET",
                            f"/applications/{application_id}/evidence/{evidence_id}/content").content

    def dossier_versions(self, application_id: str) -> list[dict[str, Any]]:
        return self.get_all(f"/applications/{application_id}/dossier/versions")

    def dossier_version(self, application_id: str, version: int) -> dict[str, Any]:
        """One submitted dossier version with its ``content`` (the dossier as JSON)."""
        return self.get(f"/applications/{application_id}/dossier/versions/{version}")

    def footprint_workbook(self, application_id: str) -> bytes:
        return self.request("GET", f"/applications/{application_id}/reports/footprint.xlsx").content

    def answer_corrective_action(self, application_id: str, responses: dict[str, str], *,
                                 dossier: dict[str, Any] | None = None,
                                 evidence_sha256: list[str] | None = None) -> dict[str, Any]:
        """The exporter's answer to the open corrective-action round: finding id -> what was
        corrected, optionally a changed dossier and the SHA-256 of new evidence files."""
        return self.post(f"/applications/{application_id}/corrective-actions/answer", json={
            "responses": responses, "dossier": dossier, "evidence_sha256": evidence_sha256 or []})

    def renew(self, number: str) -> dict[str, Any]:
        """Open the renewal cycle of a valid certificate (exporter): the new application."""
        return self.post(f"/certificates/{number}/renewal")

    def cbam(self, application_id: str) -> dict[str, Any]:
        """The cbam pack's outputs as of today: SEE, cost estimate, de minimis, findings."""
        return self.get(f"/applications/{application_id}/cbam")

    def cbam_workbook(self, application_id: str) -> bytes:
        """The operator-to-importer communication workbook (xlsx)."""
        return self.request("GET",
                            f"/applications/{application_id}/cbam/communication.xlsx").content

    # -- certification process (certification body staff, verifier) -------------------------
    def process(self, application_id: str) -> dict[str, Any]:
        """Live process detail (the workflow's state): findings, rounds, review work, opinion."""
        return self.get(f"/applications/{application_id}/process")

    def intake(self, application_id: str, accept: bool, reasons: list[str]) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/intake",
                         json={"accept": accept, "reasons": reasons})

    def assign(self, application_id: str, verifier_id: str) -> dict[str, Any]:
        """Refused with 422 and one ``errors[]`` entry per conflict-of-interest reason."""
        return self.post(f"/applications/{application_id}/assignment",
                         json={"verifier_id": verifier_id})

    def verifiers(self) -> list[dict[str, Any]]:
        """Verifiers of accredited verification bodies (``GET /verifiers``, certifier and
        admin): id, name, e-mail, verification body, accreditation."""
        return self.get_all("/verifiers")

    def raise_finding(self, application_id: str, kind: str, lines: list[str],
                      description: str) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/findings",
                         json={"kind": kind, "lines": lines, "description": description})

    def close_finding(self, application_id: str, finding_id: str, note: str) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/findings/{finding_id}/closure",
                         json={"note": note})

    def request_corrective_action(self, application_id: str, finding_ids: list[str],
                                  note: str) -> dict[str, Any]:
        """Send non-conformities to the exporter; the answer carries the round's deadline."""
        return self.post(f"/applications/{application_id}/corrective-actions",
                         json={"finding_ids": finding_ids, "note": note})

    # -- verifier / certifier ---------------------------------------------------------------
    def verify(self, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/verification", json=body)

    def review(self, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Review work: lines checked, sampling notes, site visits (ISO 14064-3)."""
        return self.post(f"/applications/{application_id}/review", json=body)

    def opinion(self, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/opinion", json=body)

    def decide(self, application_id: str, approve: bool, reasons: str) -> dict[str, Any]:
        return self.post(f"/applications/{application_id}/decision",
                         json={"approve": approve, "reasons": reasons})

    def certificates(self) -> list[dict[str, Any]]:
        return self.get_all("/certificates")

    def certificate(self, number: str) -> dict[str, Any]:
        return self.get(f"/certificates/{number}")

    def certificate_pdf(self, number: str) -> bytes:
        return self.request("GET", f"/certificates/{number}/pdf").content

    def certificate_label(self, number: str, fmt: str = "svg", size_mm: float = 20) -> bytes:
        """Carbon label artwork, ``fmt`` svg or png, printed size 8-60 mm."""
        return self.request("GET", f"/certificates/{number}/label.{fmt}",
                            params={"size_mm": size_mm}).content

    def certificate_action(self, number: str, action: str, reason: str) -> dict[str, Any]:
        """``action`` in suspend | reinstate | revoke | renew."""
        return self.post(f"/certificates/{number}/{CERT_ACTIONS[action]}", json={"reason": reason})

    # -- public verification ----------------------------------------------------------------
    def public_certificate(self, number: str) -> dict[str, Any]:
        return self.get(f"/public/certificates/{number.strip()}")

    def public_footprint(self, number: str) -> dict[str, Any]:
        """Stages and the product tree (sub-assemblies, lines) behind a certificate."""
        return self.get(f"/public/certificates/{number.strip()}/footprint")

    def officer_verify_number(self, number: str) -> dict[str, Any]:
        """The same answer as :meth:`verify_number` for signed-in officers (customs, subsidy,
        certifier, admin): not throttled per IP, and an unknown number answers red, not 404."""
        return self.get(f"/verification/certificates/{number.strip()}")

    def verify_number(self, number: str) -> dict[str, Any]:
        """Registry answer with verdict and reasons (green / red; unknown numbers are red)."""
        return self.get(f"/public/verify/{number.strip()}")

    def verify_seal(self, seal: str, *, officer: bool = False) -> dict[str, Any]:
        """The text of a label's QR code as read by a hand scanner."""
        return self.post(f"{_verify_base(officer)}/seal", json={"seal": seal.strip()})

    def verify_qr_image(self, name: str, data: bytes, mime: str, *,
                        officer: bool = False) -> dict[str, Any]:
        return self.post(f"{_verify_base(officer)}/qr", files={"file": (name, data, mime)})

    def verify_pdf(self, name: str, data: bytes, *, officer: bool = False) -> dict[str, Any]:
        return self.post(f"{_verify_base(officer)}/pdf",
                         files={"file": (name, data, "application/pdf")})

    def customs_check(self, number: str, declared_code: str, declaration_date: str) -> dict:
        return self.post("/verification/customs", json={
            "certificate_number": number.strip(), "declared_code": declared_code.strip(),
            "declaration_date": declaration_date})

    def subsidy_batch(self, name: str, data: bytes, fmt: str = "json") -> Any:
        """Claims workbook in; ``fmt="json"`` gives the rows, ``"xlsx"`` the results workbook."""
        r = self.request("POST", "/verification/subsidy/batch", params={"format": fmt},
                         files={"file": (name, data, XLSX)})
        return r.json() if fmt == "json" else r.content

    # -- admin ------------------------------------------------------------------------------
    def admin_list(self, what: str) -> list[dict[str, Any]]:
        """``what`` in organisations | users | factor-sets | rule-packs."""
        return self.get_all(f"/{what}")
