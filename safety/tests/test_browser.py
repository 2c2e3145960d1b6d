"""Real-browser check at 360 px: a peer records an incident (consent to an alert) and writes
an alert from it; a name of the victim is refused with what to remove, the text kept; the
group leader approves it; a peer of the same province then sees it first on the home page,
with no victim detail, and in a notification; a peer of another province does not; once
the coordinator withdraws it, its text is gone from the notification too."""

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
    warning = "Người đàn ông cao, xăm tay trái, hẹn qua Zalo. Không đi một mình, báo nhóm trước."
    page.fill("textarea[name=warning]", f"Chị Thu Hà bị đánh. {warning}")
    page.click("main form button[type=submit]")
    # Refused: the error says what to remove, and what was typed is still there.
    page.wait_for_selector("text=Bỏ “Chị Thu Hà”")
    assert page.input_value("textarea[name=warning]") == f"Chị Thu Hà bị đánh. {warning}"
    assert page.input_value("input[name=headline]").startswith("Khách hay hẹn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-artifacts/alert-form-refused-360.png", full_page=True)
    assert not SafetyAlert.objects.exists()
    page.fill("textarea[name=warning]", warning)
    page.screenshot(path="test-artifacts/alert-form-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=alert-status]")
    assert "Chờ duyệt" in page.inner_text("[data-testid=alert-status]")
    alert = SafetyAlert.objects.get()
    assert alert.status == SafetyAlert.Status.PENDING
    assert page.locator("[data-testid=alert-review]").count() == 0  # never the author

    # Nobody else in the province sees it yet.
    page.context.clear_cookies()
    browser_login(page, "peer_other_group")
    assert "Khách hay hẹn" not in page.inner_text("main")

    # The group leader approves it (the second person).
    page.context.clear_cookies()
    browser_login(page, "leader")
    page.click("[data-testid=alerts-to-review-link]")
    page.click("[data-testid=alerts-to-review] a")
    page.wait_for_selector("[data-testid=alert-review]")
    page.screenshot(path="test-artifacts/alert-review-360.png", full_page=True)
    page.click("[data-testid=alert-review] form:first-of-type button[type=submit]")
    page.wait_for_selector("text=Đã duyệt và phát cảnh báo.")
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.PUBLISHED and alert.approved_by.username == "leader"

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

    page.goto("/notifications/")
    assert "Khách hay hẹn" in page.inner_text("main")

    page.context.clear_cookies()
    browser_login(page, "peer_other_province")
    page.wait_for_selector("[data-testid=roles]")
    assert page.locator("[data-testid=alerts-panel]").count() == 0
    assert "Khách hay hẹn" not in page.inner_text("main")
    page.screenshot(path="test-artifacts/home-alert-other-province-360.png", full_page=True)

    # The area's coordinator withdraws it: the text leaves the notification too.
    page.context.clear_cookies()
    browser_login(page, "coordinator")
    page.goto(f"/safety/alerts/{alert.public_id}/")
    page.click("form[action$='/withdraw/'] button[type=submit]")
    page.wait_for_selector("text=Đã thu hồi cảnh báo.")
    page.context.clear_cookies()
    browser_login(page, "peer_other_group")
    page.goto("/notifications/")
    body = page.inner_text("main")
    assert "Khách hay hẹn" not in body and "xăm tay trái" not in body
    assert "đã bị thu hồi" in body
