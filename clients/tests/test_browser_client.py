"""At 360 px, on the client's page: withdrawing a consent asks first and says what stops."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login

from .conftest import register

pytestmark = pytest.mark.browser


def test_withdrawing_consent_asks_first_in_a_browser(page: Any, browser_world: Any) -> None:
    client = register(browser_world)
    browser_login(page, "peer")
    page.goto(f"/clients/{client.public_id}/")
    links = page.locator("[data-testid=consent-withdraw-link]")
    assert links.count() == 3
    box = links.first.bounding_box()
    assert box is not None and box["height"] >= 44
    links.first.click()
    page.wait_for_selector("[data-testid=what-stops]")
    assert "Nhóm đồng đẳng không được liên hệ" in page.inner_text("[data-testid=what-stops]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{ARTIFACTS}/consent-withdraw-360.png", full_page=True)
    page.click("text=Không, giữ lại")
    page.wait_for_selector("[data-testid=consent-withdraw-link]")
    assert client.consents.filter(withdrawn_at__isnull=True).count() == 3
    page.locator("[data-testid=consent-withdraw-link]").first.click()
    page.click("[data-testid=consent-withdraw] button.danger")
    page.wait_for_selector("[data-testid=consent-withdraw-link]")
    assert client.consents.filter(withdrawn_at__isnull=True).count() == 2
