"""The report page in Chromium at 360 px: table, charts drawn, exports offered."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import browser_login
from reports.perturbation import reach

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
    # A function, not an expression: Playwright evals expressions in the page, which the
    # Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function("() => Chart.instances && Object.keys(Chart.instances).length === 3")
    # The breakdown by sex loads when its section is opened (htmx).
    assert page.locator('table[data-breakdown="sex"]').count() == 0
    page.locator("#by-sex summary").click()
    page.locator('table[data-breakdown="sex"]').wait_for()
    assert page.locator('table[data-breakdown="sex"] tr[data-code="pt_national"]').count() == 1
    page.screenshot(path="test-artifacts/reports-coordinator-360.png", full_page=True)
    assert page.get_by_role("button", name="Excel").count() == 1  # built in the background


@pytest.mark.browser
def test_a_provincial_manager_sees_small_counts_adjusted_in_a_browser(
    page: Any, browser_world: SimpleNamespace
) -> None:
    """3 HIV tests and 20 legal advices: health shows 0 or 5 (never 3, never "<5"),
    legal and the national line a number within 2 of the truth, with the note."""
    w = browser_world
    health = make_clients(3, group=w.group, commune=w.ha_long, registered_by=w.peer)
    legal = make_clients(20, group=w.group, commune=w.ha_long, registered_by=w.peer)
    deliveries(
        [(c, "hiv_test", w.clinic, date(2024, 3, 5)) for c in health]
        + [(c, "legal_advice", w.legal, date(2024, 3, 6)) for c in legal],
        recorded_by=w.provider,
    )
    browser_login(page, "prov_manager")
    page.goto("/reports/?period=2024-03")

    def shown(code):
        return page.locator(f'tr[data-code="{code}"] .value').first.inner_text()

    assert shown("pt_health") in ("0", "5")
    assert abs(int(shown("pt_legal")) - 20) <= reach(20)
    assert abs(int(shown("pt_national")) - 23) <= reach(23)
    notice = page.locator("#disclosure-note").inner_text()
    assert "0 hoặc 5" in notice
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-artifacts/reports-manager-suppressed-360.png", full_page=True)
    # This year: the running month is labelled, months to come are gaps; the charts draw
    # without a script error.
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    from django.utils import timezone

    page.goto(f"/reports/?period={timezone.localdate().year}")
    page.wait_for_function("() => Chart.instances && Object.keys(Chart.instances).length === 3")
    labels = page.evaluate(
        "Object.values(Chart.instances).find(c => c.config.type === 'line').data.labels"
    )
    assert ["tháng chưa kết thúc" in str(label) for label in labels].count(True) == 1
    assert errors == []
