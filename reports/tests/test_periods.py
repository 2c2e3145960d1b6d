"""Reporting periods as people say them, and the Decree 09/2019 data cut-off."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from reports.periods import PeriodError, parse_period, suggestions


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("Quý III/2026", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("quý 3/2026", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("Quý IV năm 2026", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("Q1/2026", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("6 tháng đầu năm 2026", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("6 tháng cuối năm 2026", "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("6 THÁNG ĐẦU NĂM  2026", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("9 tháng đầu năm 2026", "2026-9M", date(2026, 1, 1), date(2026, 9, 30)),
        ("Tháng 2/2024", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("03/2026", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-03", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("Năm 2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("01/01/2026 - 31/08/2026", "2026-01-01..2026-08-31", date(2026, 1, 1), date(2026, 8, 31)),
        (
            "từ 1/2/2026 đến 15/2/2026",
            "2026-02-01..2026-02-15",
            date(2026, 2, 1),
            date(2026, 2, 15),
        ),
        ("2026-01-01..2026-08-31", "2026-01-01..2026-08-31", date(2026, 1, 1), date(2026, 8, 31)),
        # The English titles the picker shows an English user read back too.
        ("Quarter III/2026", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("First six months of 2026", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("Month 3/2026", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
    ],
)
def test_it_reads_periods_as_people_write_them(text, code, start, end):
    period = parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)
    # The canonical code reads back as the same period.
    assert parse_period(period.code) == period


@pytest.mark.parametrize(
    "text",
    ["Quý V/2026", "Tháng 13/2026", "31/02/2026 - 01/03/2026", "31/03/2026 - 01/03/2026", "abc"],
)
def test_it_refuses_a_period_that_does_not_exist_in_vietnamese(text):
    with translation.override("vi"), pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert any(word in message for word in ("Không", "không", "Hãy", "trước")), message


def test_it_names_periods_the_way_reports_do():
    with translation.override("vi"):
        assert parse_period("2026-Q3").title == "Quý III/2026"
        assert parse_period("2026-H1").title == "6 tháng đầu năm 2026"
        assert parse_period("2026-H2").title == "6 tháng cuối năm 2026"
        assert parse_period("2026-03").title == "Tháng 3/2026"
        assert parse_period("2026").title == "Năm 2026"
        assert parse_period("2026-Q3").label == "Quý III/2026 (01/07/2026 – 30/09/2026)"
    with translation.override("en"):
        assert parse_period("2026-Q3").title == "Quarter III/2026"


def test_dhis2_period_identifiers():
    assert parse_period("Quý III/2026").dhis2 == "2026Q3"
    assert parse_period("6 tháng cuối năm 2026").dhis2 == "2026S2"
    assert parse_period("Tháng 3/2026").dhis2 == "202603"
    assert parse_period("2026").dhis2 == "2026"
    for text in ("9 tháng đầu năm 2026", "01/01/2026 - 31/08/2026"):
        with pytest.raises(PeriodError):
            parse_period(text).dhis2  # noqa: B018


def _cutoff(day):
    return override_settings(CAUNOI={**settings.CAUNOI, "PERIOD_CUTOFF_DAY": day})


def test_the_decree_09_cut_off_moves_named_periods_to_the_15th():
    with _cutoff(15):
        year = parse_period("2026")
        assert (year.start, year.end) == (date(2025, 12, 15), date(2026, 12, 14))
        q1 = parse_period("Quý I/2026")
        assert (q1.start, q1.end) == (date(2025, 12, 15), date(2026, 3, 14))
        h1 = parse_period("6 tháng đầu năm 2026")
        assert (h1.start, h1.end) == (date(2025, 12, 15), date(2026, 6, 14))
        march = parse_period("Tháng 3/2026")
        assert (march.start, march.end) == (date(2026, 2, 15), date(2026, 3, 14))
        # A range is taken as written.
        custom = parse_period("01/01/2026 - 31/03/2026")
        assert (custom.start, custom.end) == (date(2026, 1, 1), date(2026, 3, 31))


def test_a_cut_off_day_out_of_range_is_refused_at_use():
    from django.core.exceptions import ImproperlyConfigured

    with _cutoff(31), pytest.raises(ImproperlyConfigured):
        parse_period("2026")


def test_the_picker_offers_recent_periods_that_have_started():
    offered = suggestions(date(2026, 8, 10))
    codes = [p.code for p in offered]
    assert codes[0] == "2026"
    assert "2026-Q3" in codes and "2026-Q4" not in codes
    assert "2026-H2" in codes and "2025-12" in codes
    assert "2026-09" not in codes


def test_the_report_page_offers_the_picker_and_reads_a_spoken_quarter(world, as_user):
    client = as_user(world.prov_manager)
    page = client.get("/reports/").content.decode()
    assert 'list="period-suggestions"' in page and '<datalist id="period-suggestions">' in page
    response = client.get("/reports/", {"period": "Quý I/2024"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Quý I/2024 (01/01/2024 – 31/03/2024)" in body
    # What was typed stays in the box.
    assert 'value="Quý I/2024"' in body


def test_the_report_page_explains_a_wrong_period_in_vietnamese(world, as_user):
    response = as_user(world.prov_manager).get("/reports/", {"period": "Quý V/2024"})
    body = response.content.decode()
    assert "Hãy ghi kỳ báo cáo" in body and 'value="Quý V/2024"' in body


def test_the_report_command_reads_a_spoken_period(world, tmp_path):
    import json

    from django.core.management import call_command

    out = tmp_path / "r.json"
    call_command("report", "--period", "6 tháng đầu năm 2024", "--output", str(out))
    data = json.loads(out.read_bytes())
    assert data["report"]["period"] == {
        "code": "2024-H1",
        "start": "2024-01-01",
        "end": "2024-06-30",
    }
    out = tmp_path / "d.json"
    call_command(
        "report",
        "--period",
        "Quý I/2024",
        "--area",
        "22",
        "--format",
        "dhis2",
        "--output",
        str(out),
    )
    assert json.loads(out.read_bytes())["period"] == "2024Q1"
