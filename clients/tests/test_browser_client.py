"""At 360 px, on the client's page: withdrawing a consent asks first and says what stops;
the name and phone are shown only on a tap and hidden again after a while."""

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


def test_name_and_phone_show_on_a_tap_and_hide_again(page: Any, browser_world: Any) -> None:
    from .conftest import NAME, PHONE_DIGITS

    client = register(browser_world)
    browser_login(page, "peer")
    page.goto(f"/clients/{client.public_id}/")
    name = page.locator("[data-testid=reveal-name] .reveal-value")
    phone = page.locator("[data-testid=reveal-phone] .reveal-value")
    assert not name.is_visible() and not phone.is_visible()
    assert NAME not in page.inner_text("main") and PHONE_DIGITS not in page.inner_text("main")
    page.screenshot(path=f"{ARTIFACTS}/client-identity-hidden-360.png")
    button = page.locator("[data-testid=reveal-name] summary")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    page.eval_on_selector_all(
        "details[data-reveal]", "els => els.forEach(e => e.dataset.revealSeconds = '1')"
    )
    button.click()
    assert name.is_visible() and NAME in name.inner_text()
    assert not phone.is_visible()  # one value at a time
    page.screenshot(path=f"{ARTIFACTS}/client-identity-shown-360.png")
    name.wait_for(state="hidden", timeout=4000)  # hidden again by itself
