"""The period picker: the kind and its value from selects (or two dates), written into
the period box in the words the server parses; hidden without JavaScript, the box then
works alone; no inline script or style (the Content-Security-Policy forbids them)."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from reports.forms import picker_context
from reports.periods import parse_period

from .conftest import deliveries, make_clients


def _filled(fmt: str, **values: str) -> str:
    """What period-picker.js writes: the format with its {name} holes filled."""
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], fmt)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_text_the_picker_writes_is_read_back_as_that_period(language):
    with translation.override(language):
        formats = picker_context("")["formats"]
        cases = {
            _filled(formats["month"], n="3", y="2026"): "2026-03",
            _filled(formats["quarter"], r="III", y="2026"): "2026-Q3",
            _filled(formats["half1"], y="2026"): "2026-H1",
            _filled(formats["half2"], y="2026"): "2026-H2",
            _filled(formats["nine_months"], y="2026"): "2026-9M",
            _filled(formats["year"], y="2026"): "2026",
            _filled(formats["custom"], start="01/01/2026", end="31/08/2026"): (
                "2026-01-01..2026-08-31"
            ),
        }
        for text, code in cases.items():
            assert parse_period(text).code == code, text
    if language == "vi":
        assert "Quý III/2026" in cases


def test_the_picker_starts_on_the_period_in_the_box():
    with translation.override("vi"):
        picked = picker_context("Quý II/2024")
        assert (picked["kind"], picked["year"], picked["number"]) == ("quarter", 2024, 2)
        ranged = picker_context("05/01/2024 - 20/02/2024")
        assert (ranged["kind"], ranged["start"], ranged["end"]) == (
            "custom",
            "2024-01-05",
            "2024-02-20",
        )
        # A period that cannot be read: the default (this year), the box keeps the text.
        assert picker_context("Quý V/2024")["kind"] == "year"
        assert "custom" not in dict(picker_context("", custom=False)["kinds"])


def test_the_report_page_has_the_picker_hidden_until_its_script_runs(world, as_user):
    body = as_user(world.prov_manager).get("/reports/", {"period": "Tháng 3/2024"}).content
    html = body.decode()
    picker = re.search(r"<div class=\"period-picker\"[^>]*>", html).group(0)
    assert "hidden" in picker and 'data-target="id_period"' in picker
    assert 'value="Tháng 3/2024"' in html  # the box, for typing without JavaScript
    assert re.search(r'<option value="3" selected>Tháng 3</option>', html)
    assert "/static/reports/period-picker.js" in html
    assert "<script>" not in html and " style=" not in html
    # The selects have no name: only the period box is sent.
    assert not re.search(r'<select[^>]*data-part="[^"]+"[^>]*name=', html)


def test_the_periodic_reports_page_offers_named_periods_only(world, as_user):
    html = as_user(world.prov_manager).get("/submissions/").content.decode()
    assert "data-period-picker" in html and 'value="custom"' not in html


@pytest.mark.browser
def test_a_manager_picks_a_quarter_and_a_range_without_typing_at_360_px(
    page: Any, browser_world: SimpleNamespace
) -> None:
    from conftest import browser_login

    w = browser_world
    people = make_clients(7, group=w.group, commune=w.ha_long, registered_by=w.peer)
    deliveries(
        [(c, "hiv_test", w.clinic, date(2024, 8, 5)) for c in people], recorded_by=w.provider
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, "coordinator")
    page.goto("/reports/?period=2024")
    page.locator("details.card summary").first.click()
    picker = page.locator(".period-picker")
    assert picker.is_visible()
    picker.locator('[data-part="kind"]').select_option("quarter")
    assert not picker.locator('[data-part="month"]').is_visible()
    picker.locator('[data-part="quarter"]').select_option("3")
    picker.locator('[data-part="year"]').select_option("2024")
    assert page.locator("#id_period").input_value() == "Quý III/2024"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-artifacts/reports-period-picker-360.png", full_page=False)
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**period=Qu*")
    assert "Quý III/2024 (01/07/2024 – 30/09/2024)" in page.content()
    assert page.locator('tr[data-code="persons_supported"] .value').inner_text() == "7"
    # A custom range from two date inputs.
    page.locator("details.card summary").first.click()
    picker.locator('[data-part="kind"]').select_option("custom")
    picker.locator('[data-part="start"]').fill("2024-08-01")
    picker.locator('[data-part="end"]').fill("2024-08-31")
    assert page.locator("#id_period").input_value() == "01/08/2024 - 31/08/2024"
    assert "Từ ngày" in picker.inner_text() and "Đến ngày" in picker.inner_text()
    page.screenshot(path="test-artifacts/reports-period-picker-range-360.png", full_page=False)
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**period=01*")
    assert page.locator('tr[data-code="persons_supported"] .value').inner_text() == "7"
    assert errors == []
