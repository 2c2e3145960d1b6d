from __future__ import annotations

import pytest

from conftest import browser_login


@pytest.mark.browser
def test_it_brings_a_peer_and_a_coordinator_to_their_home_pages(page, browser_world):
    browser_login(page, "peer")
    page.wait_for_url(page.base_url + "/")
    assert page.locator("[data-testid=panel-group]").is_visible()
    assert "Nhóm Hoa Hồng" in page.locator("[data-testid=panel-group]").inner_text()
    page.screenshot(path="test-artifacts/home-peer-vi-360.png", full_page=True)
    page.click("header form button[type=submit]")  # log out
    page.wait_for_url("**/accounts/login/")

    browser_login(page, "coordinator")  # password, then the TOTP code
    page.wait_for_url(page.base_url + "/")
    panel = page.locator("[data-testid=panel-coordinator]")
    assert panel.is_visible()
    assert "Nhóm Hoa Hồng" in panel.inner_text()
    assert page.locator("nav.main").get_by_text("Nhóm đồng đẳng").is_visible()
    page.screenshot(path="test-artifacts/home-coordinator-vi-360.png", full_page=True)
