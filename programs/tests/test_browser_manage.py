from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from programs.models import Membership, PeerGroup


def _search_box(page, select_id):
    return page.locator(f"#{select_id}").locator("xpath=preceding-sibling::input[1]")


@pytest.mark.browser
def test_it_picks_a_commune_by_typing_without_accents(page, browser_world):
    w = browser_world
    browser_login(page, "coordinator")
    page.goto(f"/programs/models/{w.model.pk}/edit/")
    _search_box(page, "id_communes").fill("cam pha")
    option = page.locator("#id_communes option", has_text="Phường Cẩm Phả")
    option.wait_for(state="attached")
    page.select_option("#id_communes", [w.ha_long.code, w.cam_pha.code])
    page.screenshot(path="test-artifacts/model-edit-picker-vi-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/programs/models/{w.model.pk}/")
    assert set(w.model.communes.values_list("code", flat=True)) == {"06688", "06793"}
    assert "Cẩm Phả" in page.locator("main").inner_text()


@pytest.mark.browser
def test_it_creates_a_peer_group_with_a_member(page, browser_world):
    w = browser_world
    browser_login(page, "coordinator")
    page.goto("/programs/groups/new/")
    page.fill("#id_name", "Nhóm Bãi Cháy")
    page.select_option("#id_kind", "self_help")
    page.select_option("#id_support_model", str(w.model.pk))
    _search_box(page, "id_communes").fill("ha long")
    page.locator("#id_communes option", has_text="Phường Hạ Long").wait_for(state="attached")
    page.select_option("#id_communes", [w.ha_long.code])
    page.screenshot(path="test-artifacts/group-new-vi-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/programs/groups/*/")
    group = PeerGroup.objects.get(name="Nhóm Bãi Cháy")

    page.click(f"a[href='/programs/groups/{group.pk}/members/new/']")
    page.fill("#id_alias", "Bé Na")
    page.select_option("#id_role", "core")
    page.fill("#id_joined_on", "2024-03-01")
    page.fill("#id_left_on", "2024-02-01")  # before joining: refused, next to the field
    page.click("main form button[type=submit]")
    # The refused form comes back on the same URL: wait for it rather than race the reload.
    expect(page.locator(".field.has-error #id_left_on")).to_be_visible()
    assert page.locator("#id_alias").input_value() == "Bé Na"
    page.screenshot(path="test-artifacts/member-error-vi-360.png", full_page=True)
    page.fill("#id_left_on", "")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/programs/groups/{group.pk}/")
    assert "Bé Na" in page.locator("[data-testid=members]").inner_text()
    page.screenshot(path="test-artifacts/group-detail-vi-360.png", full_page=True)
    member = Membership.objects.get(peer_group=group)
    assert (member.alias, member.role, str(member.joined_on)) == ("Bé Na", "core", "2024-03-01")
    assert list(group.communes.values_list("code", flat=True)) == [w.ha_long.code]
