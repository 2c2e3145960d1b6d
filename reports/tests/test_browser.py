"""The report page in Chromium at 360 px: table, charts drawn, exports offered."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import browser_login

from .conftest import deliveries, make_clients


@pytest.mark.browser
def test_it_draws_the_report_for_the_coordinator(page, browser_world):
    w = browser_world
    clients = make_clients(12, group=w.group, commune=w.ha_long, registered_by=w.peer)
    deliveries(
        [(c, "hiv_test", w.clinic, date(2024, 1 + i % 6, 3)) for i, c in enumerate(clients)]
        + [(c, "legal_advice", w.legal, date(2024, 2, 9)) for c in clients[:7]],
        recorded_by=w.provider,
    )
    browser_login(page, "coordinator")
    page.goto("/reports/?period=2024")
    assert page.locator('tr[data-code="pt_national"] .value').inner_text() == "19"
    page.wait_for_function("Chart.instances && Object.keys(Chart.instances).length === 3")
    # The breakdown by sex loads when its section is opened (htmx).
    assert page.locator('table[data-breakdown="sex"]').count() == 0
    page.locator("#by-sex summary").click()
    page.locator('table[data-breakdown="sex"]').wait_for()
    assert page.locator('table[data-breakdown="sex"] tr[data-code="pt_national"]').count() == 1
    page.screenshot(path="test-artifacts/reports-coordinator-360.png", full_page=True)
    assert page.locator("a", has_text="Excel").count() == 1
