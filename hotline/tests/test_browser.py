"""Real-browser checks at 360 px: a hotline call that becomes an emergency referral, and an
anonymous caller registered on the call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.uic import uic_index
from conftest import browser_login
from hotline.models import HotlineCall
from tests.factories import make_client

pytestmark = pytest.mark.browser


def test_it_turns_a_hotline_call_into_an_emergency_referral_in_a_browser(page, browser_world):
    from directory.models import Service
    from referrals.models import Referral

    w = browser_world
    client = make_client(w, "HH2K7Q")
    from directory.models import Location

    service = Service.objects.create(
        organisation=w.legal,
        service_type="legal_aid",
        name="Trợ giúp pháp lý khẩn cấp",
        phone="0203 3825 111",
    )
    service.locations.add(
        Location.objects.create(
            organisation=w.legal,
            name="Văn phòng trợ giúp pháp lý",
            address="12 Lê Thánh Tông, Hạ Long",
            opening_hours="7:30–17:00, thứ Hai–thứ Sáu",
            phone="0203 3825 222",
        )
    )
    browser_login(page, "hotline")  # no sharing consent yet: the counsellor asks on the call
    page.goto("/activities/hotline/new/")
    started = timezone.localtime() - timedelta(minutes=20)
    page.fill("input[name=started_at]", started.strftime("%Y-%m-%dT%H:%M"))
    # The caller is still on the line: no duration, the call is saved at once.
    page.fill("input[name=client_code]", "HH2K7Q")
    page.select_option("select[name=topic]", "violence")
    page.check("input[name=urgency][value=emergency]")
    page.select_option("select[name=action]", "counselled")
    page.screenshot(path="test-artifacts/hotline-call-form-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=service]")
    page.check(f"input[name=service][value='{service.pk}']")
    assert page.input_value("textarea[name=reason]")  # prefilled from the call
    page.click("main form button.danger")
    expect(page.locator(".field.has-error #id_consent_on_call")).to_be_visible()
    assert page.is_checked(f"input[name=service][value='{service.pk}']")  # nothing lost
    page.screenshot(path="test-artifacts/hotline-call-consent-360.png", full_page=True)
    assert not Referral.objects.exists()
    page.check("#id_consent_on_call")
    page.click("main form button.danger")
    page.wait_for_selector("[data-testid=call-referrals]")
    page.screenshot(path="test-artifacts/hotline-call-referral-360.png", full_page=True)
    referral = Referral.objects.get()
    assert referral.urgency == "emergency" and referral.client == client
    shown = page.inner_text("[data-testid=call-referrals]")
    assert referral.code in shown
    for text in ("12 Lê Thánh Tông, Hạ Long", "7:30–17:00", "0203 3825 222", "0203 3825 111"):
        assert text in shown  # read to the caller while still on the line
    assert HotlineCall.objects.get().action == "emergency_protection"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The call is over: ended with one tap, the minutes counted from its start.
    assert HotlineCall.objects.get().in_progress
    page.click("[data-testid=call-end] button[type=submit]")
    page.wait_for_selector("[data-testid=call-end]", state="detached")
    # 20 minutes, and the minute or two this test itself takes on a busy machine.
    assert 20 <= HotlineCall.objects.get().duration_minutes <= 23


def test_it_registers_an_anonymous_caller_and_sends_the_emergency_referral(page, browser_world):
    from clients.models import Client
    from conftest import identifying
    from directory.models import Service
    from referrals.models import Referral

    identifying("Thương", "Mẫn", "THMA98F")  # the run fails if any is ever logged
    w = browser_world
    service = Service.objects.create(
        organisation=w.legal, service_type="legal_aid", name="Trợ giúp pháp lý khẩn cấp"
    )
    browser_login(page, "hotline")
    page.goto("/activities/hotline/new/")
    started = timezone.localtime() - timedelta(minutes=5)
    page.fill("input[name=started_at]", started.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=duration_minutes]", "12")
    page.select_option("select[name=topic]", "violence")
    page.check("input[name=urgency][value=emergency]")
    page.select_option("select[name=action]", "counselled")
    page.click("main form button[type=submit]")  # no client code: an anonymous caller
    page.wait_for_selector("[data-testid=register-caller]")
    expect(page.locator("[data-testid=sensitive-notice]")).to_be_visible()
    page.select_option("select[name=caller-peer_group]", str(w.group.pk))
    page.fill("input[name=caller-given_name]", "Thương")
    page.fill("input[name=caller-mother_given_name]", "Mẫn")
    page.fill("input[name=caller-birth_year]", "1998")
    page.select_option("select[name=caller-sex]", "F")
    # Forgot the consent: refused, next to the box, with everything typed kept.
    page.click("[data-testid=register-caller] button[type=submit]")
    expect(page.locator(".field.has-error #id_caller-consent_follow_up")).to_be_visible()
    assert page.input_value("input[name=caller-given_name]") == "Thương"
    assert page.input_value("input[name=caller-birth_year]") == "1998"
    assert not Client.objects.exists()
    page.check("#id_caller-consent_follow_up")
    page.screenshot(path="test-artifacts/hotline-register-caller-360.png", full_page=True)
    page.click("[data-testid=register-caller] button[type=submit]")
    page.wait_for_selector("input[name=service]")
    client = Client.objects.get()
    assert client.short_code in page.inner_text("main")
    page.screenshot(path="test-artifacts/hotline-register-caller-done-360.png", full_page=True)
    page.check(f"input[name=service][value='{service.pk}']")
    page.check("#id_consent_on_call")
    page.click("main form button.danger")
    page.wait_for_selector("[data-testid=call-referrals]")
    page.screenshot(path="test-artifacts/hotline-register-caller-referral-360.png", full_page=True)
    referral = Referral.objects.get()
    assert (referral.client, referral.urgency) == (client, "emergency")
    assert HotlineCall.objects.get().client == client
    assert client.uic == uic_index("THMA98F")  # stored only as its keyed hash
    assert "Thương" not in page.url and "THMA98F" not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
