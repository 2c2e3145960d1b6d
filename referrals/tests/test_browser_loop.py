"""The whole referral loop in a real browser at 360 px: a peer refers a client, the slip
shows a QR code and no name, the clinic finds the referral by its code, accepts and
completes it, and the peer sees "completed" and the service in the client's services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from referrals.models import Referral, ServiceDelivery

from .conftest import build_services


@pytest.mark.browser
def test_it_closes_the_referral_loop_in_a_browser(page: Any, browser_world: Any) -> None:
    from clients.services import ClientDetails, client_register

    w = browser_world
    services = build_services(w)
    client = client_register(
        actor=w.peer,
        details=ClientDetails(
            peer_group=w.group,
            given_name="Lan",
            mother_given_name="Hoa",
            birth_year=1995,
            sex="F",
            name="Nguyễn Thị Tên Thật",
            phone="0912345678",
            consent_follow_up=True,
            consent_method="verbal",
            share_with=[w.clinic],
        ),
    )

    # 1. The peer refers the client from the client's referrals page.
    browser_login(page, "peer")
    page.goto(f"/referrals/client/{client.public_id}/")
    page.click(f"a[href='/referrals/client/{client.public_id}/new/']")
    page.check(f"input[name=service][value='{services.gyn.pk}']")
    page.fill("#id_reason", "Khám phụ khoa định kỳ")
    page.select_option("#id_urgency", "urgent")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=slip]")
    referral = Referral.objects.get()
    slip = page.inner_text("[data-testid=slip]")
    assert referral.code in slip and client.short_code in slip
    assert "Tên Thật" not in page.content() and "0912345678" not in page.content()
    assert page.locator("[data-testid=qr] svg").count() == 1
    page.screenshot(path=f"{ARTIFACTS}/referral-slip.png", full_page=True)

    # 2. The clinic's staff type the code from the slip, accept and complete.
    page.context.clear_cookies()
    browser_login(page, "provider")
    page.goto("/referrals/inbox/")
    page.fill("#id_code", referral.code.lower())
    page.click("form[action='/referrals/inbox/find/'] button[type=submit]")
    page.wait_for_selector("[data-testid=referral]")
    assert client.short_code in page.inner_text("[data-testid=referral]")
    assert "Tên Thật" not in page.content()
    page.click("form[action$='/accept/'] button")
    page.wait_for_selector("form[action$='/complete/']")
    page.fill("#id_delivered_on", date.today().isoformat())
    page.screenshot(path=f"{ARTIFACTS}/referral-provider.png", full_page=True)
    page.click("form[action$='/complete/'] button[type=submit]")
    page.wait_for_selector("[data-status=completed]")
    assert Referral.objects.get().status == "completed"
    assert ServiceDelivery.objects.filter(referral=referral, service_type="gyn_exam").exists()

    # 3. The peer's home page shows the change; the client's services list the delivery.
    page.context.clear_cookies()
    browser_login(page, "peer")
    page.goto("/")
    panel = page.locator("[data-testid=referrals-panel]")
    assert panel.locator("[data-status=completed]").count() == 1
    assert referral.client.short_code in panel.inner_text()
    page.screenshot(path=f"{ARTIFACTS}/referral-peer-home.png", full_page=True)
    page.goto(f"/referrals/client/{client.public_id}/")
    deliveries = page.inner_text("[data-testid=client-deliveries]")
    assert w.clinic.name in deliveries
    page.screenshot(path=f"{ARTIFACTS}/referral-client-services.png", full_page=True)


@pytest.mark.browser
def test_the_slips_qr_link_finds_the_referral_without_the_code_in_any_request(
    page: Any, browser_world: Any
) -> None:
    """The QR code's address carries the code in its fragment: the browser posts it and
    no request line (so no access log) ever holds it (issue 15 item 6)."""
    from clients.services import ClientDetails, client_register
    from referrals.services import referral_send

    w = browser_world
    services = build_services(w)
    client = client_register(
        actor=w.peer,
        details=ClientDetails(
            peer_group=w.group,
            given_name="Lan",
            mother_given_name="Hoa",
            birth_year=1995,
            sex="F",
            consent_follow_up=True,
            consent_method="verbal",
            share_with=[w.clinic],
        ),
    )
    referral = referral_send(
        actor=w.peer,
        client=client,
        service=services.gyn,
        reason="Khám",
        urgency="routine",
        from_kind="peer",
    )
    browser_login(page, "provider")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/referrals/inbox/find/#{referral.code}")
    page.wait_for_selector("[data-testid=referral]")
    assert page.url.endswith(f"/referrals/inbox/{referral.public_id}/")
    assert requested and not any(referral.code in url for url in requested)
