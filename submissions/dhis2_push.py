"""Sending an approved province (or national) report to the deployment's DHIS2 server:
POST /api/dataValueSets with the frozen figures (never live ones), first with
`dryRun=true`; the real send is allowed only after a trial of the same version that
DHIS2 accepted without conflicts. DHIS2's import summary is stored and shown.

Configuration (environment): CAUNOI_DHIS2_URL (the server's base URL), and either
CAUNOI_DHIS2_TOKEN (a personal access token) or CAUNOI_DHIS2_USERNAME and
CAUNOI_DHIS2_PASSWORD. The credentials are never stored or logged. Org units are sent
as codes from the mapping (orgUnitIdScheme=CODE unless the mapping sets
`orgUnitIdScheme`)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 30


@dataclass
class Answer:
    http_status: int | None
    status: str
    counts: dict[str, int]
    conflicts: list[Any]
    message: str
    body: dict[str, Any]


def configured_url() -> str:
    return str(settings.CAUNOI.get("DHIS2_URL") or "").rstrip("/")


def _auth_header() -> str | None:
    token = settings.CAUNOI.get("DHIS2_TOKEN")
    if token:
        return f"ApiToken {token}"
    user, password = settings.CAUNOI.get("DHIS2_USERNAME"), settings.CAUNOI.get("DHIS2_PASSWORD")
    if user:
        raw = f"{user}:{password or ''}".encode()
        return "Basic " + base64.b64encode(raw).decode()
    return None


def parse_summary(http_status: int | None, body: dict[str, Any]) -> Answer:
    """Read DHIS2's answer: a WebMessage wrapping an ImportSummary (2.36 and later) or
    a bare ImportSummary (earlier versions)."""
    inner = body.get("response")
    summary: dict[str, Any] = inner if isinstance(inner, dict) else body
    counts = summary.get("importCount") or {}
    status = str(summary.get("status") or body.get("status") or "ERROR").upper()
    return Answer(
        http_status=http_status,
        status=status,
        counts={k: int(counts.get(k, 0)) for k in ("imported", "updated", "ignored", "deleted")},
        conflicts=list(summary.get("conflicts") or []),
        message=str(body.get("message") or summary.get("description") or ""),
        body=body,
    )


def post_data_value_set(payload: dict[str, Any], *, dry_run: bool, id_scheme: str) -> Answer:
    url = configured_url()
    query = urllib.parse.urlencode(
        {
            "dryRun": "true" if dry_run else "false",
            "importStrategy": "CREATE_AND_UPDATE",
            "orgUnitIdScheme": id_scheme,
        }
    )
    request = urllib.request.Request(  # noqa: S310 (the operator's configured https URL)
        f"{url}/api/dataValueSets?{query}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    auth = _auth_header()
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:  # DHIS2 answers 409 with a summary on conflicts
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(
            None,
            "ERROR",
            {},
            [],
            _("Could not reach the DHIS2 server: %(reason)s") % {"reason": reason},
            {},
        )
    try:
        body = json.loads(raw or b"{}")
    except json.JSONDecodeError:
        return Answer(
            status,
            "ERROR",
            {},
            [],
            _("DHIS2 did not answer in JSON (HTTP %(status)s).") % {"status": status},
            {},
        )
    if not isinstance(body, dict):
        return Answer(
            status,
            "ERROR",
            {},
            [],
            _("DHIS2's answer has an unexpected shape (HTTP %(status)s).") % {"status": status},
            {},
        )
    return parse_summary(status, body)
