"""A minor in a real browser at 360 px: the peer opens the minor's page, follows the banner
to a referral form that offers child protection only and sends it; the coordinator's home
page listed the minor before and no longer does after."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from directory.models import Service
from directory.taxonomy import CHILD_PROTECTION
from programs.models import Organisation
from referrals.models import Referral


@pytest.mark.browser
def test_it_refers_a_minor_to_child_protection_in_a_browser(page: Any, browser_world: Any) -> None:
    from clients.services import ClientDetails, client_register

    w = browser_world
    centre = Organisation.objects.create(
        name="Trung tâm Công tác xã hội Quảng Ninh",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=w.qn,
        commune=w.ha_long,
    )
    service = Service.objects.create(
        organisation=centre, service_type=CHILD_PROTECTION, name="Bảo vệ trẻ em"
    )
    Service.objects.create(organisation=w.clinic, service_type="gyn_exam", name="Khám phụ khoa")
    minor = client_register(
        actor=w.peer,
        details=ClientDetails(
            peer_group=w.group,
            given_name="Mai",
            mother_given_name="Hoa",
            birth_year=date.today().year - 16,
            sex="F",
            name="Trần Thị Tên Thật",
            phone="0912345679",
            consent_follow_up=True,
            consent_method="verbal",
            share_with=[centre],
        ),
    )

    # The coordinator's home lists the minor by code (no name).
    browser_login(page, "coordinator")
    page.goto("/")
    panel = page.locator("[data-testid=minors-panel]")
    assert minor.short_code in panel.inner_text()
    assert "Tên Thật" not in page.content() and "0912345679" not in page.content()
    page.screenshot(path=f"{ARTIFACTS}/minors-panel.png", full_page=True)

    # The peer opens the minor's page and follows the banner.
    page.context.clear_cookies()
    browser_login(page, "peer")
    page.goto(f"/clients/{minor.public_id}/")
    banner = page.locator("[data-testid=minor]")
    assert banner.is_visible()
    page.screenshot(path=f"{ARTIFACTS}/minor-client-page.png", full_page=False)
    page.click("[data-testid=refer-child-protection]")
    page.wait_for_selector("[data-testid=type-filter]")
    options = page.locator("input[name=service]")
    assert options.count() == 1
    assert centre.name in page.inner_text(".service-choice")
    # The only child-protection service is already chosen.
    assert options.first.is_checked() and options.first.get_attribute("value") == str(service.pk)
    page.fill("#id_reason", "Dưới 18 tuổi, cần đánh giá an toàn")
    page.screenshot(path=f"{ARTIFACTS}/minor-referral-form.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=slip]")
    referral = Referral.objects.get()
    assert referral.client == minor and referral.service_type == CHILD_PROTECTION

    # The banner now says it is done; the coordinator's list no longer holds the minor.
    page.goto(f"/clients/{minor.public_id}/")
    assert "đã chuyển gửi bảo vệ trẻ em" in page.inner_text("[data-testid=minor]")
    page.context.clear_cookies()
    browser_login(page, "coordinator")
    page.goto("/")
    assert page.locator("[data-testid=minors-panel]").count() == 0
