"""Real-browser checks at 360 px: a group meeting with attendance, a communication session
for 350 people (the hotline's: hotline/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from activities.models import Activity
from conftest import browser_login
from programs.models import Membership
from tests.factories import make_client

pytestmark = pytest.mark.browser


def _pick_commune(page, text: str) -> None:
    page.fill("select[name=commune] ~ input.area-search, input.area-search", text)
    page.wait_for_selector("select[name=commune] option:not([value=''])", state="attached")
    value = page.eval_on_selector(
        "select[name=commune]", "s => [...s.options].find(o => o.value).value"
    )
    page.select_option("select[name=commune]", value)


def test_it_records_a_meeting_and_a_communication_session_in_a_browser(page, browser_world):
    w = browser_world
    member = Membership.objects.get(peer_group=w.group)
    make_client(w, "HH2K7Q")
    browser_login(page, "peer")
    page.goto("/activities/new/?kind=meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("input[name=title]", "Sinh hoạt nhóm tháng 3")
    # The group's commune is already there.
    assert page.input_value("select[name=commune]") == w.ha_long.pk
    page.select_option("select[name=venue_type]", "group_place")
    page.check(f"input[name=members][value='{member.pk}']")
    page.check("input[name=topics][value=violence]")
    page.fill("textarea[name=client_codes]", "hh2k7q")
    page.screenshot(path="test-artifacts/activity-meeting-form-360.png", full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=attendance]")
    assert "HH2K7Q" in page.inner_text("[data-testid=attendance]")
    assert member.alias in page.inner_text("[data-testid=attendance]")
    page.screenshot(path="test-artifacts/activity-meeting-detail-360.png", full_page=True)
    meeting = Activity.objects.get()
    assert meeting.kind == "meeting" and meeting.attendance.count() == 2

    page.goto("/activities/new/")
    page.select_option("select[name=kind]", "communication")
    page.select_option("select[name=audience]", "community")
    _pick_commune(page, "ha long")
    page.select_option("select[name=venue_type]", "community")
    page.fill("input[name=n_resident]", "320")
    page.fill("input[name=n_member]", "30")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=participants]")
    assert "350" in page.inner_text("[data-testid=participants]")
    page.screenshot(path="test-artifacts/activity-communication-360.png", full_page=True)
    assert Activity.objects.get(kind="communication").total_participants == 350
