"""Managers see "<5" for 1–4 people, in the page and in every export; complementary
suppression keeps hidden cells from being worked out."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zlib
from datetime import date

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from reports.engine import ReportContext, ReportScope
from reports.periods import parse_period
from reports.report import Cell, build_report
from reports.suppression import complement

from .conftest import deliveries, make_clients

PARAMS = {"period": "2024-03"}


@pytest.fixture
def three_in_health(world):
    """Quảng Ninh, March 2024: 3 health person-times, 20 legal ones."""
    health = make_clients(3, group=world.group, commune=world.ha_long, registered_by=world.peer)
    legal = make_clients(20, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 3, 5)) for c in health]
        + [(c, "legal_advice", world.legal, date(2024, 3, 6)) for c in legal],
        recorded_by=world.provider,
    )
    return world


def _pdf_text(body: bytes) -> str:
    """The text operators of every content stream (reportlab: ASCII85, then Flate)."""
    chunks = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", body, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        try:
            data = zlib.decompressobj().decompress(data)
        except zlib.error:
            pass
        chunks.append(data.decode("latin-1"))
    return "\n".join(chunks)


def test_it_hides_three_people_in_the_page(three_in_health, as_user):
    response = as_user(three_in_health.prov_manager).get("/reports/", PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'data-code="pt_health".*?</tr>', html, re.S).group(0)
    assert "&lt;5" in row
    assert ">3<" not in row
    # Complementary: legal (20) is hidden too, or national − legal would reveal health;
    # with the same mark, so that a reader cannot tell it holds 5 or more.
    legal = re.search(r'data-code="pt_legal".*?</tr>', html, re.S).group(0)
    assert "&lt;5" in legal and ">20<" not in legal
    national = re.search(r'data-code="pt_national".*?</tr>', html, re.S).group(0)
    assert ">23<" in national
    charts = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert 3 not in charts["categories"]["data"]
    assert None in charts["categories"]["data"]


def test_it_shows_the_raw_count_to_the_coordinator(three_in_health, as_user):
    response = as_user(three_in_health.coordinator).get("/reports/", PARAMS)
    row = re.search(r'data-code="pt_health".*?</tr>', response.content.decode(), re.S).group(0)
    assert ">3<" in row


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "json", "dhis2"])
def test_it_hides_three_people_in_every_export(three_in_health, as_user, fmt):
    response = as_user(three_in_health.prov_manager).get(f"/reports/export/{fmt}/", PARAMS)
    assert response.status_code == 200
    body = response.content
    if fmt == "csv":
        assert body.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        line = next(r for r in rows if len(r) > 4 and r[1] == "pt_health" and r[4] == "")
        assert line[-1] == "<5"
    elif fmt == "xlsx":
        ws = load_workbook(io.BytesIO(body)).worksheets[0]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        line = next(r for r in rows if r[0] == "5.3")
        assert line[3] == "<5"
    elif fmt == "pdf":
        assert body.startswith(b"%PDF")
        text = _pdf_text(body)
        row = text[text.index("(5.3) Tj") : text.index("(5.3.1) Tj")]
        assert "(<5)" in row
        assert "(3)" not in row
    elif fmt == "json":
        data = json.loads(body)
        line = next(i for i in data["indicators"] if i["code"] == "pt_health")
        assert line["value"] == "<5"
        assert data["report"]["suppressed"] is True
    else:
        data = json.loads(body)
        from reports.dhis2 import load_mapping

        element = load_mapping()["dataElements"]["pt_health"]["dataElement"]
        values = [v for v in data["dataValues"] if v["dataElement"] == element]
        total = next(v for v in values if v["categoryOptionCombo"] == "HllvX50cXC0")
        assert total["comment"] == "<5"
        assert "value" not in total
        assert data["period"] == "202403"
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == three_in_health.prov_manager
    assert entry.changes["format"] == fmt


def test_it_hides_the_next_smallest_cell_when_one_is_hidden():
    total, a, b, c = Cell(23), Cell(3), Cell(20), Cell(0)
    a.hidden = True
    assert complement(total, [a, b, c])
    assert b.hidden and not c.hidden and not total.hidden
    # With two hidden cells the equation reveals nothing more: nothing else changes.
    assert not complement(total, [a, b, c])


def test_it_hides_the_total_when_no_other_cell_can_be_hidden():
    total, a, b = Cell(7), Cell(7), Cell(0)
    a.hidden = True
    complement(total, [a, b])
    assert total.hidden


def test_it_suppresses_breakdown_rows_with_their_complement(world):
    """By sex: 3 men and 30 women; hiding the men alone would leave total − women = 3."""
    women = make_clients(30, group=world.group, commune=world.ha_long, registered_by=world.peer)
    men = make_clients(
        3, group=world.group, commune=world.ha_long, registered_by=world.peer, sex="M"
    )
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 3, 5)) for c in women + men],
        recorded_by=world.provider,
    )
    ctx = ReportContext(period=parse_period("2024-03"), scope=ReportScope("nation", suppress=True))
    report = build_report(ctx, with_breakdowns=["sex"])
    line = report.line("persons_supported")
    cells = {bc.key: bc.cell for bc in line.breakdowns["sex"]}
    assert cells["M"].hidden and cells["M"].value == "<5"
    assert cells["F"].hidden  # the complement
    assert not line.cell.hidden and line.cell.value == 33
    # A count of things that are not people is never hidden.
    assert not report.line("activities_held").cell.hidden


def test_it_never_hides_counts_for_unsuppressed_scopes(three_in_health):
    ctx = ReportContext(period=parse_period("2024-03"))
    report = build_report(ctx, with_breakdowns=False)
    assert report.line("pt_health").cell.value == 3
