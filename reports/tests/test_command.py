"""`manage.py report` on a few records: a self-consistent report in every format.

The demo data's own checks (no plaintext phone, loading twice changes nothing) run in
bench/run.py, which loads it anyway: loading it here took minutes of the suite."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from directory.models import Service
from outreach.models import OutreachContact
from programs.models import Membership
from referrals.models import Referral
from safety.models import Incident, IncidentProtection

from .conftest import deliveries, make_clients

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# One delivery of each kind a reporting line or sub-line counts.
SERVICE_TYPES = [
    "vocational_training",
    "loan",
    "legal_advice",
    "identity_papers",
    "hiv_test",
    "gyn_exam",
    "psych_counselling",
    "emergency_shelter",
]


@pytest.fixture
def records(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    clients = make_clients(4, group=w.group, commune=w.ha_long, registered_by=w.peer)
    clients += make_clients(
        2, group=w.other_group, commune=w.cam_pha, registered_by=w.peer, sex="M"
    )
    day = date(2024, 2, 5)
    deliveries(
        [
            (c, st, w.legal if "legal" in st or "identity" in st else w.clinic, day + timedelta(i))
            for i, st in enumerate(SERVICE_TYPES)
            for c in clients[i % 3 : i % 3 + 3]
        ],
        recorded_by=w.provider,
    )
    # Another month, the same person: persons are not additive over months.
    deliveries([(clients[0], "hiv_test", w.clinic, date(2024, 5, 2))], recorded_by=w.provider)
    for c in clients[:3]:
        OutreachContact.objects.create(
            contact_date=day, client=c, peer_group=w.group, peer_educator=w.peer
        )
    Membership.objects.create(
        peer_group=w.group, alias="B", role="network", joined_on=date(2020, 1, 1)
    )
    service = Service.objects.create(organisation=w.clinic, service_type="hiv_test", name="XN")
    sent = datetime(2024, 2, 1, 9, tzinfo=HCM)
    for c, status in zip(clients, ["completed", "accepted", "sent", "declined"], strict=False):
        Referral.objects.create(
            client=c,
            service=service,
            provider=w.clinic,
            service_type="hiv_test",
            from_kind="peer",
            sender=w.peer,
            reason="XN",
            sent_at=sent,
            status=status,
            accepted_at=sent + timedelta(days=1) if status in {"accepted", "completed"} else None,
            completed_at=sent + timedelta(days=3) if status == "completed" else None,
        )
    incident = Incident.objects.create(
        occurred_on=day,
        place_type="street",
        province=w.qn,
        perpetrator_kind="client",
        reported_via="peer",
        peer_group=w.group,
        support_model=w.model,
        action_taken="referred",
        recorded_by=w.peer,
    )
    IncidentProtection.objects.create(incident=incident, kind="shelter")
    return w


def _run(tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "report.out"
    call_command("report", *args, "--output", str(out))
    return out.read_bytes()


def test_it_writes_a_self_consistent_report(records: SimpleNamespace, tmp_path: Path) -> None:
    data = json.loads(_run(tmp_path, "--period", "2024", "--format", "json"))
    v = {i["code"]: i["value"] for i in data["indicators"]}
    assert data["report"]["suppressed"] is False
    assert v["pt_national"] == v["pt_education"] + v["pt_legal"] + v["pt_health"]
    assert v["pt_all"] == v["pt_national"] + v["pt_psych"] + v["pt_protection"]
    assert 0 < v["pt_loan"] <= v["pt_education"]
    assert 0 < v["pt_identity_papers"] <= v["pt_legal"]
    for code, value in v.items():
        if code.startswith("pt_health_"):
            assert value <= v["pt_health"]
    assert 0 < v["referrals_completed"] <= v["referrals_accepted"] <= v["referrals_made"]
    assert 0 < v["incidents_protection"] <= v["incidents"]
    assert v["members"] == v["members_core"] + v["members_network"] == 2
    assert 0 < v["persons_supported"] <= v["pt_all"]
    assert 0 < v["clients_reached"] <= v["outreach_contacts"]
    assert v["pt_all"] == 25  # 8 types x 3 clients, and the second month's test
    for line in data["indicators"]:
        for dim, cells in line["breakdowns"].items():
            # Each person has one sex; each record one month and one category (persons
            # are not additive over months: one person may come in several).
            additive = dim == "sex" or (dim in {"month", "category"} and line["unit"] != "nguoi")
            if additive:
                assert sum(c["value"] for c in cells) == line["value"], (line["code"], dim)
    assert AuditEntry.objects.filter(action="export", actor=None).exists()

    # Every format.
    assert _run(tmp_path, "--period", "2024", "--format", "csv").startswith("\ufeff".encode())
    assert _run(tmp_path, "--period", "2024", "--format", "xlsx").startswith(b"PK")
    assert _run(tmp_path, "--period", "2024", "--format", "pdf").startswith(b"%PDF")
    assert b"<adx" in _run(tmp_path, "--period", "2024-Q1", "--format", "adx", "--area", "22")
    dhis2 = json.loads(_run(tmp_path, "--period", "2024-Q1", "--format", "dhis2", "--area", "22"))
    assert dhis2["period"] == "2024Q1" and dhis2["orgUnit"] == "VN-22"

    # As a provincial manager: suppressed, and nothing outside the province.
    as_manager = ("--as-user", records.prov_manager.username)
    data = json.loads(_run(tmp_path, "--period", "2024", *as_manager, "--format", "json"))
    assert data["report"]["suppressed"] is True
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024", *as_manager, "--area", "46")
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024-13")
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024-01-01..2024-02-10", "--format", "dhis2")
