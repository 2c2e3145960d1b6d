"""Real-browser check at 360 px: a peer records an incident (consent to an alert), publishes
an alert from it; a peer of the same province sees it first on the home page, with no
victim detail; a peer of another province does not."""

from __future__ import annotations

import pytest

from conftest import browser_login
from safety.models import VIOLENCE_TYPES, Incident, SafetyAlert, ViolenceType

pytestmark = pytest.mark.browser

PRIVATE = "Chị Thu Hà 22 tuổi bị khách đánh ở phòng 204"


def test_it_turns_an_incident_into_an_alert_seen_by_the_province_only(page, browser_world):
    # Transactional tests flush the rows the data migration created: put them back.
    for order, (code, vi, en) in enumerate(VIOLENCE_TYPES, start=1):
        ViolenceType.objects.get_or_create(
            code=code, defaults={"name_vi": vi, "name_en": en, "order": order}
        )
    browser_login(page, "peer")
    page.goto("/safety/incidents/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.select_option("select[name=place_type]", "hotel")
    page.check("input[name=violence_types][value=physical]")
    page.check("input[name=violence_types][value=threats]")
    page.select_option("select[name=perpetrator_kind]", "client")
    page.select_option("select[name=action_taken]", "counselled")
    page.check("input[name=protections][value=health]")
    page.check("input[name=consent_alert]")
    page.fill("textarea[name=details]", PRIVATE)
    page.screenshot(path="test-artifacts/incident-form-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=incident]")
    incident = Incident.objects.get()
    assert incident.consent_alert and incident.province_id == "22"

    page.click("a[href$='/alert/']")
    page.select_option("select[name=subject]", "person")
    page.fill("input[name=headline]", "Khách hay hẹn ở khách sạn ven biển rồi đánh")
    page.fill(
        "textarea[name=warning]",
        "Người đàn ông cao, xăm tay trái, hẹn qua Zalo. Không đi một mình, báo nhóm trước.",
    )
    page.screenshot(path="test-artifacts/alert-form-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=alert]")
    assert SafetyAlert.objects.count() == 1

    page.context.clear_cookies()
    browser_login(page, "peer_other_group")  # another group, same province
    page.wait_for_selector("[data-testid=alerts-panel]")
    panel = page.inner_text("[data-testid=alerts-panel]")
    assert "Khách hay hẹn" in panel
    first = page.eval_on_selector("main section.card", "s => s.dataset.testid")
    assert first == "alerts-panel"
    page.screenshot(path="test-artifacts/home-alert-same-province-360.png", full_page=True)
    page.click("[data-testid=alerts-panel] a")
    page.wait_for_selector("[data-testid=alert]")
    body = page.inner_text("main")
    for fragment in ("Thu Hà", "22 tuổi", "204"):
        assert fragment not in body

    page.context.clear_cookies()
    browser_login(page, "peer_other_province")
    page.wait_for_selector("[data-testid=roles]")
    assert page.locator("[data-testid=alerts-panel]").count() == 0
    assert "Khách hay hẹn" not in page.inner_text("main")
    page.screenshot(path="test-artifacts/home-alert-other-province-360.png", full_page=True)
