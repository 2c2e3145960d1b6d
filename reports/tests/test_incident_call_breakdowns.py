"""Incidents by violence type (and perpetrator) and hotline calls by urgency (and topic),
as issue 5 §6 asks: counted by the engine, shown on the report page (htmx sections and
the all-breakdowns page) and carried by every export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from hotline.models import HotlineCall
from reports.context import ReportContext
from reports.periods import parse_period
from reports.perturbation import support
from reports.report import build_report
from safety.models import Incident

from .conftest import make_clients

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PARAMS = {"period": "2024-03"}

# Quảng Ninh, March 2024. An incident of several types counts under each of them.
INCIDENTS = [
    (date(2024, 3, 2), ["physical", "sexual"], "client"),
    (date(2024, 3, 9), ["physical"], "owner"),
    (date(2024, 3, 15), ["papers", "threats", "emotional"], "police"),
    (date(2024, 3, 31), [], "partner"),  # no type recorded
    (date(2024, 4, 1), ["physical"], "client"),  # outside the period
]
VIOLENCE = {
    "physical": 2,
    "sexual": 1,
    "economic": 0,
    "emotional": 1,
    "papers": 1,
    "threats": 1,
    None: 1,
}
PERPETRATOR = {"client": 1, "owner": 1, "partner": 1, "police": 1, "other": 0}
# (local start, topic, urgency); the last one is outside the period (1 April, local time).
CALLS = [
    (datetime(2024, 3, 1, 8), "violence", "emergency"),
    (datetime(2024, 3, 4, 23), "violence", "urgent"),
    (datetime(2024, 3, 10, 9), "health", "urgent"),
    (datetime(2024, 3, 12, 14), "legal", "routine"),
    (datetime(2024, 3, 20, 16), "info", "routine"),
    (datetime(2024, 3, 31, 23, 30), "psych", "urgent"),
    (datetime(2024, 4, 1, 0, 30), "violence", "emergency"),
]
URGENCY = {"routine": 2, "urgent": 3, "emergency": 1}
TOPIC = {"violence": 2, "health": 1, "legal": 1, "info": 1, "psych": 1, "hiv_sti": 0}


@pytest.fixture
def records(world):
    w = world
    for on, types, perpetrator in INCIDENTS:
        incident = Incident.objects.create(
            occurred_on=on,
            place_type="street",
            province=w.qn,
            commune=w.ha_long,
            perpetrator_kind=perpetrator,
            reported_via="peer",
            peer_group=w.group,
            support_model=w.model,
            action_taken="counselled",
            recorded_by=w.peer,
        )
        incident.violence_types.set(types)
    # In another province: never in Quảng Ninh's report.
    elsewhere = Incident.objects.create(
        occurred_on=date(2024, 3, 5),
        place_type="street",
        province=w.hue,
        perpetrator_kind="client",
        reported_via="peer",
        peer_group=w.hue_group,
        support_model=w.hue_model,
        action_taken="counselled",
        recorded_by=w.peer_other_province,
    )
    elsewhere.violence_types.set(["physical", "sexual"])
    callers = make_clients(len(CALLS), group=w.group, commune=w.ha_long, registered_by=w.peer)
    for caller, (start, topic, urgency) in zip(callers, CALLS, strict=True):
        HotlineCall.objects.create(
            organisation=w.hotline_org,
            started_at=start.replace(tzinfo=HCM),
            duration_minutes=5,
            caller_kind="client",
            client=caller,
            topic=topic,
            urgency=urgency,
            action="counselled",
            counsellor=w.hotline,
        )
    return w


def _values(report, code, dim):
    return {bc.key: bc.cell.raw for bc in report.line(code).breakdowns[dim]}


def test_it_counts_incidents_by_violence_type_and_calls_by_urgency(records):
    report = build_report(ReportContext(period=parse_period("2024-03"), province_code="22"))
    assert report.line("incidents").cell.raw == 4
    assert _values(report, "incidents", "violence_type") == VIOLENCE
    # Several types per incident: the columns add up to more than the incidents.
    assert sum(VIOLENCE.values()) == 7 > 4
    assert _values(report, "incidents", "perpetrator") == PERPETRATOR
    assert report.line("hotline_calls").cell.raw == 6
    assert _values(report, "hotline_calls", "call_urgency") == URGENCY
    assert sum(URGENCY.values()) == 6  # one urgency per call: these add up
    assert {
        k: v for k, v in _values(report, "hotline_calls", "call_topic").items() if k in TOPIC
    } == TOPIC


def test_it_keeps_the_area_and_the_period(records):
    hue = build_report(
        ReportContext(period=parse_period("2024-03"), province_code="46"),
        codes=["incidents"],
    )
    assert _values(hue, "incidents", "violence_type")["physical"] == 1
    april = build_report(
        ReportContext(period=parse_period("2024-04"), province_code="22"),
        codes=["incidents", "hotline_calls"],
    )
    assert _values(april, "incidents", "violence_type")["physical"] == 1
    assert _values(april, "hotline_calls", "call_urgency") == {
        "routine": 0,
        "urgent": 0,
        "emergency": 1,
    }


def test_it_labels_the_columns_in_vietnamese_and_english(records):
    ctx = ReportContext(period=parse_period("2024-03"))
    with translation.override("vi"):
        report = build_report(ctx, codes=["incidents", "hotline_calls"])
        labels = {bc.key: bc.label for bc in report.line("incidents").breakdowns["violence_type"]}
        urgency = {
            bc.key: bc.label for bc in report.line("hotline_calls").breakdowns["call_urgency"]
        }
    assert labels["physical"] == "Bạo lực thể chất" and labels["papers"] == "Giữ, tịch thu giấy tờ"
    assert urgency == {"routine": "Thông thường", "urgent": "Khẩn", "emergency": "Cấp cứu"}
    with translation.override("en"):
        report = build_report(ReportContext(period=parse_period("2024-03")), codes=["incidents"])
        labels = {bc.key: bc.label for bc in report.line("incidents").breakdowns["violence_type"]}
    assert labels["physical"] == "Physical" and labels["papers"] == "Confiscation of papers"


def _table(html: str, dim: str, code: str) -> dict[str, str]:
    """{column header: cell} of one indicator's row in a breakdown table of the page."""
    found = re.search(rf'<table data-breakdown="{dim}">.*?</table>', html, re.S)
    assert found, dim
    table = found.group(0)
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)[2:]
    found = re.search(rf'<tr data-code="{code}">.*?</tr>', table, re.S)
    assert found, code
    row = found.group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    return dict(zip(headers, cells, strict=True))


def test_it_shows_them_on_the_report_page(records, as_user):
    client = as_user(records.coordinator)  # their model's records, exact counts
    page = client.get("/reports/", PARAMS).content.decode()
    for section in ("violence_type", "perpetrator", "call_urgency", "call_topic"):
        assert f'hx-get="/reports/breakdown/{section}/?period=2024-03"' in page
    with translation.override("vi"):
        partial = client.get("/reports/breakdown/violence_type/", PARAMS).content.decode()
        assert partial.count("<table") == 1
        row = _table(partial, "violence_type", "incidents")
        assert row["Bạo lực thể chất"] == "2" and row["Bạo lực tình dục"] == "1"
        assert row["Bạo lực kinh tế"] == "0" and row["Không rõ"] == "1"
        assert list(row.values())[-1] == "4"  # the total
        calls = _table(
            client.get("/reports/breakdown/call_urgency/", PARAMS).content.decode(),
            "call_urgency",
            "hotline_calls",
        )
    assert list(calls.values()) == ["2", "3", "1", "6"]  # routine, urgent, emergency, total
    # Without JavaScript: the page with every breakdown has them too.
    full = client.get("/reports/", {**PARAMS, "breakdowns": "1"}).content.decode()
    assert list(_table(full, "call_urgency", "hotline_calls").values()) == ["2", "3", "1", "6"]
    assert _table(full, "violence_type", "incidents")
    assert _table(full, "perpetrator", "incidents")


def test_it_hides_small_counts_for_managers(records, as_user):
    html = (
        as_user(records.prov_manager)
        .get("/reports/breakdown/violence_type/", PARAMS)
        .content.decode()
    )
    cells = _table(html, "violence_type", "incidents")
    # Counts of 1–4 incidents are never shown as they are: 0, or 5 to 7 (the cell key
    # method), and never as a "<5" text.
    assert "2" not in cells.values() and "1" not in cells.values()
    assert set(cells.values()) <= {str(v) for n in range(1, 5) for v in support(n)}


def test_it_exports_them_in_every_format(records, as_user):
    client = as_user(records.coordinator)
    data = json.loads(client.get("/reports/export/json/", PARAMS).content)
    lines = {i["code"]: i for i in data["indicators"]}
    exported = {b["key"]: b["value"] for b in lines["incidents"]["breakdowns"]["violence_type"]}
    assert exported == VIOLENCE
    exported = {b["key"]: b["value"] for b in lines["hotline_calls"]["breakdowns"]["call_urgency"]}
    assert exported == URGENCY

    with translation.override("vi"):
        body = client.get("/reports/export/csv/", PARAMS).content.decode("utf-8-sig")
        rows = [r for r in csv.reader(io.StringIO(body)) if len(r) == 8]
        by = {(r[1], r[4], r[5]): r[6] for r in rows}
        assert by[("incidents", "Hình thức bạo lực", "Bạo lực thể chất")] == "2"
        assert by[("incidents", "Hình thức bạo lực", "Đe dọa")] == "1"
        assert by[("hotline_calls", "Mức độ khẩn cấp của cuộc gọi", "Khẩn")] == "3"

        wb = load_workbook(io.BytesIO(client.get("/reports/export/xlsx/", PARAMS).content))
    sheet = wb["Hình thức bạo lực"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if "bạo lực" in r[1])
    values = dict(zip(header, row, strict=True))
    assert values["Bạo lực thể chất"] == 2 and values["Giữ, tịch thu giấy tờ"] == 1
    assert values["Tổng"] == 4  # the total
    assert values["Ký hiệu"] is None  # no mark: nothing withheld
    urgency = wb["Mức độ khẩn cấp của cuộc gọi"]
    header = [c.value for c in urgency[1]]
    row = next(urgency.iter_rows(min_row=2, values_only=True))
    assert dict(zip(header, row, strict=True))["Cấp cứu"] == 1
