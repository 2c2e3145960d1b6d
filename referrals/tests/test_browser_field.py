"""At 360 px, the referral form as a peer uses it in the field: a client with no sharing
consent for the provider is referred on the same form (consent asked aloud, ticked by the
peer), nothing typed is lost."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from referrals.models import Referral
from tests.factories import make_client

from .conftest import build_services

pytestmark = pytest.mark.browser


def test_a_referral_without_consent_on_file_in_three_screens(page: Any, browser_world: Any) -> None:
    from clients.models import Consent

    w = browser_world
    from directory.models import Service

    services = build_services(w)
    for name in ("Tư vấn tâm lý", "Xét nghiệm HIV", "Cấp phát bao cao su"):
        Service.objects.create(organisation=w.clinic, service_type="psych_counselling", name=name)
    client = make_client(w, commune=w.ha_long)
    browser_login(page, "peer")
    # Screen 1: the client's referrals; screen 2: the form; screen 3: the slip.
    page.goto(f"/referrals/client/{client.public_id}/new/")
    # The whole list at 360 px: every row a tap target of 44 px or more, the provider's
    # whole name shown; searching by name (accents optional) narrows it.
    rows = page.locator(".service-choice label")
    assert rows.count() == 6
    for i in range(rows.count()):
        box = rows.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] <= 360
    page.fill("input.choice-search", "tro giup phap")
    assert rows.locator("visible=true").count() == 1
    assert w.legal.name in rows.locator("visible=true").first.inner_text()
    page.screenshot(path=f"{ARTIFACTS}/referral-service-search-360.png", full_page=True)
    page.check(f"input[name=service][value='{services.legal.pk}']")
    page.fill("#id_reason", "Bị giữ giấy tờ tùy thân")
    page.click("main form button[type=submit]")
    box = page.locator(".field.has-error #id_consent_now")
    box.wait_for()
    assert not box.is_checked()
    assert page.input_value("#id_reason") == "Bị giữ giấy tờ tùy thân"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{ARTIFACTS}/referral-consent-inline-360.png", full_page=True)
    assert not Referral.objects.exists()
    page.check("#id_consent_now")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=slip]")
    referral = Referral.objects.get()
    assert referral.provider == w.legal and referral.reason == "Bị giữ giấy tờ tùy thân"
    assert Consent.objects.filter(client=client, provider=w.legal, method="verbal").exists()
