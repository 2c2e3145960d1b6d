"""`manage.py report` on the demo data: a self-consistent report in every format."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry


@pytest.fixture
def demo(db):
    call_command("demo_data", stdout=io.StringIO())


def _period() -> str:
    today = date.today()
    return f"{today - timedelta(days=3 * 365)}..{today}"


def _run(tmp_path, *args: str) -> bytes:
    out = tmp_path / "report.out"
    call_command("report", *args, "--output", str(out))
    return out.read_bytes()


def test_it_writes_a_self_consistent_report_of_the_demo_data(demo, tmp_path):
    data = json.loads(_run(tmp_path, "--period", _period(), "--format", "json"))
    v = {i["code"]: i["value"] for i in data["indicators"]}
    assert data["report"]["suppressed"] is False
    assert v["pt_national"] == v["pt_education"] + v["pt_legal"] + v["pt_health"]
    assert v["pt_all"] == v["pt_national"] + v["pt_psych"] + v["pt_protection"]
    assert v["pt_loan"] <= v["pt_education"]
    assert v["pt_identity_papers"] <= v["pt_legal"]
    for code, value in v.items():
        if code.startswith("pt_health_"):
            assert value <= v["pt_health"]
    assert v["referrals_completed"] <= v["referrals_accepted"] <= v["referrals_made"]
    assert v["incidents_protection"] <= v["incidents"]
    assert v["members"] == v["members_core"] + v["members_network"]
    assert v["persons_supported"] <= v["pt_all"]
    assert v["clients_reached"] <= v["outreach_contacts"]
    assert v["pt_all"] > 0, "the demo data should give something to report"
    for line in data["indicators"]:
        for dim, cells in line["breakdowns"].items():
            # Each person has one sex; each record one month and one category (persons
            # are not additive over months: one person may come in several).
            additive = dim == "sex" or (dim in {"month", "category"} and line["unit"] != "nguoi")
            if additive:
                assert sum(c["value"] for c in cells) == line["value"], (line["code"], dim)
    assert AuditEntry.objects.filter(action="export", actor=None).exists()

    # Every format (the demo data is loaded once: it takes a while).
    assert _run(tmp_path, "--period", "2024", "--format", "csv").startswith("\ufeff".encode())
    assert _run(tmp_path, "--period", "2024", "--format", "xlsx").startswith(b"PK")
    assert _run(tmp_path, "--period", "2024", "--format", "pdf").startswith(b"%PDF")
    dhis2 = json.loads(_run(tmp_path, "--period", "2024-Q1", "--format", "dhis2", "--area", "22"))
    assert dhis2["period"] == "2024Q1" and dhis2["orgUnit"] == "VN-22"

    # As a provincial manager: suppressed, and nothing outside the province.
    data = json.loads(
        _run(tmp_path, "--period", _period(), "--as-user", "quanlytinh", "--format", "json")
    )
    assert data["report"]["suppressed"] is True
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024", "--as-user", "quanlytinh", "--area", "46")
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024-13")
    with pytest.raises(CommandError):
        _run(tmp_path, "--period", "2024-01-01..2024-02-10", "--format", "dhis2")

    # The same demo database holds no phone number in plaintext, anywhere.
    from core.management.commands.scan_plaintext import find_plaintext_phones

    assert find_plaintext_phones() == []
    # Loading it again changes nothing.
    before = AuditEntry.objects.count()
    call_command("demo_data", stdout=io.StringIO())
    assert AuditEntry.objects.count() == before
