"""In Chromium at 360 px, every standing role logs in and lands on its own home page: its
panel shown, every menu entry of its role present and none of another role's."""

from __future__ import annotations

import pytest

from conftest import browser_login

pytestmark = pytest.mark.browser

# username → (its panel, a menu entry it sees, a menu entry it must not see)
HOMES = {
    "peer": ("panel-group", "Khách hàng", "Người dùng"),
    "leader": ("panel-group", "Nhóm đồng đẳng", "Người dùng"),
    "hotline": ("panel-organisation", "Đường dây nóng", "Khách hàng"),
    "provider": ("panel-organisation", "Chuyển gửi đến", "Khách hàng"),
    "coordinator": ("panel-coordinator", "Chương trình", "Người dùng"),
    "prov_manager": ("panel-manager", "Báo cáo", "Khách hàng"),
    "nat_manager": ("panel-manager", "Báo cáo", "Khách hàng"),
    "admin": ("panel-admin", "Người dùng", "Khách hàng"),
}


def test_it_brings_every_role_to_its_own_home_page(page, browser_world):
    for username, (panel, shown, hidden) in HOMES.items():
        browser_login(page, username)
        page.wait_for_url(page.base_url + "/")
        assert page.locator(f"[data-testid={panel}]").is_visible(), username
        menu = page.locator("nav.main")
        assert menu.get_by_text(shown, exact=True).count() == 1, (username, shown)
        assert menu.get_by_text(hidden, exact=True).count() == 0, (username, hidden)
        page.click("header form button[type=submit]")  # log out
        page.wait_for_url("**/accounts/login/")
