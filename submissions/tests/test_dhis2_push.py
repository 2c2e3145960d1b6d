"""Sending an approved province report to DHIS2, against a local server that checks
the payload and answers like DHIS2 (a WebMessage wrapping an ImportSummary)."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from audit.models import AuditEntry
from reports.dhis2 import load_mapping
from reports.tests.conftest import deliveries, make_clients
from submissions.models import Dhis2Push, Level
from submissions.queries import reporting_period
from submissions.services import (
    report_approve,
    report_prepare,
    report_save_narrative,
    report_submit,
)


class FakeDhis2(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    conflict = False

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        url = urlparse(self.path)
        self.received.append(
            {
                "path": url.path,
                "query": parse_qs(url.query),
                "auth": self.headers.get("Authorization"),
                "body": body,
            }
        )
        if url.path != "/api/dataValueSets":
            self.send_response(404)
            self.end_headers()
            return
        dry = parse_qs(url.query).get("dryRun") == ["true"]
        n = len(body["dataValues"])
        conflicts = (
            [{"object": body["dataValues"][0]["dataElement"], "value": "Data element not found"}]
            if self.conflict
            else []
        )
        answer = {
            "httpStatus": "Conflict" if conflicts else "OK",
            "httpStatusCode": 409 if conflicts else 200,
            "status": "WARNING" if conflicts else "OK",
            "message": "One more conflicts encountered" if conflicts else "Import was successful.",
            "response": {
                "responseType": "ImportSummary",
                "status": "WARNING" if conflicts else "SUCCESS",
                "importOptions": {"dryRun": dry},
                "importCount": {
                    "imported": 0 if dry else n - len(conflicts),
                    "updated": 0,
                    "ignored": n if dry else len(conflicts),
                    "deleted": 0,
                },
                "conflicts": conflicts,
            },
        }
        raw = json.dumps(answer).encode()
        self.send_response(409 if conflicts else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def dhis2(settings):
    FakeDhis2.received = []
    FakeDhis2.conflict = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDhis2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CAUNOI = {
        **settings.CAUNOI,
        "DHIS2_URL": f"http://127.0.0.1:{server.server_address[1]}/",
        "DHIS2_TOKEN": "d2pat_test",
    }
    yield FakeDhis2
    server.shutdown()
    server.server_close()


@pytest.fixture
def approved(world):
    clients = make_clients(8, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 2, 10)) for c in clients[:6]]
        + [(c, "legal_aid", world.legal, date(2024, 3, 2)) for c in clients[5:]],
        recorded_by=world.provider,
    )
    report = report_prepare(
        actor=world.prov_manager,
        level=Level.PROVINCE,
        unit=world.qn,
        period=reporting_period("Quý I/2024"),
    )
    report_save_narrative(
        actor=world.prov_manager,
        report=report,
        results="Kết quả quý.",
        difficulties="",
        recommendations="",
    )
    version = report_submit(actor=world.prov_manager, report=report)
    report_approve(actor=world.nat_manager, report=report)
    return version


def test_an_approved_province_report_is_tried_then_sent_with_exactly_its_frozen_values(
    approved, dhis2, world, as_user
):
    nat = as_user(world.nat_manager)
    url = f"/submissions/{approved.report.public_id}/dhis2/"
    # A real send before a trial is refused, and nothing is sent.
    nat.post(url, {"action": "push"})
    assert dhis2.received == [] and not Dhis2Push.objects.exists()

    # Records saved after approval must not reach DHIS2.
    late = make_clients(2, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 3, 20)) for c in late], recorded_by=world.provider
    )

    assert nat.post(url, {"action": "dry_run"}).status_code == 302
    assert nat.post(url, {"action": "push"}).status_code == 302
    trial, send = dhis2.received
    assert trial["query"]["dryRun"] == ["true"] and send["query"]["dryRun"] == ["false"]
    assert trial["query"]["orgUnitIdScheme"] == ["CODE"]
    assert trial["auth"] == "ApiToken d2pat_test"
    assert trial["body"] == send["body"]
    payload = send["body"]
    assert payload["orgUnit"] == "VN-22" and payload["period"] == "2024Q1"
    mapping = load_mapping()["dataElements"]
    element_of = {target["dataElement"]: code for code, target in mapping.items()}
    frozen = approved.values()
    sent = {element_of[v["dataElement"]]: v["value"] for v in payload["dataValues"]}
    assert sent == {code: str(frozen[code]) for code in sent}
    assert set(sent) == {code for code in mapping if frozen.get(code) is not None}
    assert sent["pt_national"] == "9"  # 6 health + 3 legal, not the 11 of today
    assert {v["orgUnit"] for v in payload["dataValues"]} == {"VN-22"}

    first, second = Dhis2Push.objects.order_by("pushed_at", "id")
    assert (
        first.dry_run and first.status == "SUCCESS" and first.ignored == len(payload["dataValues"])
    )
    assert not second.dry_run and second.imported == len(payload["dataValues"])
    page = nat.get(f"/submissions/{approved.report.public_id}/").content.decode()
    assert 'data-testid="dhis2"' in page and "SUCCESS" in page
    entries = AuditEntry.objects.filter(action="export", changes__format="dhis2-push")
    assert entries.count() == 2
    assert "d2pat_test" not in json.dumps(list(entries.values_list("changes", flat=True)))


def test_conflicts_are_stored_and_block_the_real_send(approved, dhis2, world, as_user):
    dhis2.conflict = True
    nat = as_user(world.nat_manager)
    url = f"/submissions/{approved.report.public_id}/dhis2/"
    nat.post(url, {"action": "dry_run"})
    trial = Dhis2Push.objects.get()
    assert trial.http_status == 409 and trial.status == "WARNING" and len(trial.conflicts) == 1
    assert not trial.succeeded
    nat.post(url, {"action": "push"})
    assert len(dhis2.received) == 1  # the send was refused before any request


def test_an_unreachable_server_is_recorded_not_crashed(approved, settings, world, as_user):
    settings.CAUNOI = {**settings.CAUNOI, "DHIS2_URL": "http://127.0.0.1:9/"}
    nat = as_user(world.nat_manager)
    response = nat.post(f"/submissions/{approved.report.public_id}/dhis2/", {"action": "dry_run"})
    assert response.status_code == 302
    push = Dhis2Push.objects.get()
    assert push.status == "ERROR" and push.http_status is None


def test_only_national_managers_send_and_only_approved_reports(approved, dhis2, world, as_user):
    url = f"/submissions/{approved.report.public_id}/dhis2/"
    for name in ("prov_manager", "coordinator", "prov_manager_other"):
        assert as_user(getattr(world, name)).post(url, {"action": "dry_run"}).status_code == 404
    assert dhis2.received == []


def test_nothing_is_sent_without_a_configured_server(approved, world, as_user, settings):
    settings.CAUNOI = {**settings.CAUNOI, "DHIS2_URL": ""}
    nat = as_user(world.nat_manager)
    nat.post(f"/submissions/{approved.report.public_id}/dhis2/", {"action": "dry_run"})
    assert not Dhis2Push.objects.exists()
