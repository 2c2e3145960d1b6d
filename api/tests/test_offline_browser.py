"""At 360 px, offline: a peer logs group outreach with no connection; it is kept on the
phone and sent once, exactly once, when the connection is back. A refused one stays, with
the reason, is not sent again as it is, and the peer opens it, corrects it and sends it (or
discards it)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from api.schemas import ContactIn
from conftest import ARTIFACTS, browser_login
from outreach.models import OutreachContact
from outreach.queries import stock_level
from outreach.services import stock_receive

HEAD_COUNT = "/outreach/contacts/new/"


def _log_offline(page: Any, *, people: str, condoms: str, when: str | None = None) -> None:
    page.fill("#id_head_count", people)
    page.fill("#id_qty_condom", condoms)
    if when:
        page.fill("#id_contact_date", when)
    page.click("[data-testid=contact-form] button[type=submit]")


@pytest.mark.browser
@pytest.mark.service_worker
def test_it_keeps_outreach_logged_offline_and_sends_it_once(page: Any, browser_world: Any) -> None:
    w = browser_world
    stock_receive(
        actor=w.coordinator,
        organisation=w.agency,
        item_kind="condom",
        quantity=100,
        received_on=date(2026, 1, 1),
    )
    browser_login(page, "peer")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(HEAD_COUNT)
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    _log_offline(page, people="7", condoms="20")
    status = page.locator("[data-testid=outbox-status]")
    status.wait_for()
    assert "Đã lưu trên máy, sẽ gửi khi có mạng" in status.inner_text()
    pending = page.locator("[data-testid=outbox-pending]")
    assert pending.inner_text() == "Lượt tiếp cận chờ gửi: 1"
    # The form is ready for the next one; the head count starts empty (it must be counted).
    assert page.input_value("#id_head_count") == ""
    # A second tap right away is not a second contact: the button rests a moment.
    assert page.is_disabled("[data-testid=contact-form] button[type=submit]")
    # What the server checks is checked before the contact is kept: a date in the future
    # and a missing head count are marked on the form, and nothing is stored.
    page.wait_for_timeout(2100)
    page.fill("#id_head_count", "")
    page.fill("#id_contact_date", "2099-01-01")
    page.click("[data-testid=contact-form] button[type=submit]")
    form = page.locator("[data-testid=contact-form]")
    assert "Vui lòng sửa các mục được đánh dấu bên dưới." in form.inner_text()
    assert "Ngày không được ở tương lai." in page.inner_text(".field:has(#id_contact_date)")
    assert "Trường này là bắt buộc." in page.inner_text(".field:has(#id_head_count)")
    assert pending.inner_text() == "Lượt tiếp cận chờ gửi: 1"
    page.screenshot(path=f"{ARTIFACTS}/offline-checked-360.png", full_page=True)
    # One only the server can refuse: more condoms than its stock holds.
    _log_offline(page, people="3", condoms="500", when=date.today().isoformat())
    assert pending.inner_text() == "Lượt tiếp cận chờ gửi: 2"
    assert "Ngày không được ở tương lai." not in form.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=f"{ARTIFACTS}/offline-saved-360.png")
    # Only the form's fields are kept, under the user's id: no name, no phone.
    stored = json.loads(page.evaluate("localStorage.getItem('caunoi.outbox.v1')"))
    assert {key for item in stored for key in item} == {
        "user",
        "saved_at",
        "payload",
        "summary",
        "errors",
        "labels",
    }
    assert {key for item in stored for key in item["labels"]} <= {"commune"}
    assert {key for item in stored for key in item["payload"]} <= set(ContactIn.model_fields)
    assert {item["user"] for item in stored} == {str(w.peer.pk)}
    # Each contact has a key of its own, though both came from one page.
    assert len({item["payload"]["client_uuid"] for item in stored}) == 2
    assert not OutreachContact.objects.exists()

    # Any other page, offline: the offline page, not the browser's error.
    page.goto("/clients/")
    page.locator("[data-testid=offline-page]").wait_for()
    assert "Lượt tiếp cận chờ gửi: 2" in page.inner_text("[data-testid=outbox]")
    page.screenshot(path=f"{ARTIFACTS}/offline-page-360.png")
    # The head-count form itself was kept: the offline page leads to it.
    page.click("[data-testid=offline-page] a.button")
    page.wait_for_url("**" + HEAD_COUNT)
    page.locator("[data-testid=contact-form]").wait_for()
    # The kept copy of the page gets a fresh key: not the one of a contact already saved.
    kept_key = page.input_value("input[name=client_uuid]")
    assert kept_key and kept_key not in {item["payload"]["client_uuid"] for item in stored}

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # A function, not an expression: Playwright evals expressions in the page, which the
    # Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=outbox-status]').textContent.includes('Đã gửi')"
    )
    assert "Đã gửi 1 lượt tiếp cận lưu trên máy." in status.inner_text()
    rejected = page.locator("[data-testid=outbox-rejected]")
    assert "Không đủ" in rejected.inner_text()
    assert pending.inner_text() == ""  # refused: not "waiting" to be sent as it is
    page.screenshot(path=f"{ARTIFACTS}/offline-synced-360.png", full_page=True)

    contact = OutreachContact.objects.get()
    assert contact.head_count == 7 and contact.peer_educator.username == "peer"
    assert contact.device_uuid is not None
    assert stock_level(w.agency, "condom") == 80

    # Every page load tries again: the accepted one is never sent twice.
    page.reload()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=outbox-status]').textContent.includes('Đang')"
    )
    assert OutreachContact.objects.count() == 1
    refused_key = json.loads(page.evaluate("localStorage.getItem('caunoi.outbox.v1')"))[0][
        "payload"
    ]["client_uuid"]

    # The peer opens the refused one: the form holds what it held, the reason above it.
    page.click("[data-testid=outbox-rejected] [data-outbox-fix]")
    page.wait_for_selector("[data-outbox-editing]")
    assert "Không đủ" in page.inner_text("[data-outbox-editing]")
    assert page.input_value("#id_head_count") == "3"
    assert page.input_value("#id_qty_condom") == "500"
    assert page.input_value("input[name=client_uuid]") == refused_key
    page.screenshot(path=f"{ARTIFACTS}/offline-correct-360.png", full_page=True)
    page.fill("#id_qty_condom", "5")
    page.click("[data-testid=contact-form] button[type=submit]")
    page.wait_for_url(lambda url: "/outreach/" not in url)
    page.wait_for_function("() => localStorage.getItem('caunoi.outbox.v1') === '[]'")
    assert OutreachContact.objects.count() == 2
    fixed = OutreachContact.objects.get(device_uuid=refused_key)
    assert fixed.head_count == 3 and stock_level(w.agency, "condom") == 75
    assert page.inner_text("[data-testid=outbox-pending]") == ""
    assert page.inner_text("[data-testid=outbox-rejected]") == ""
