"""Issue 15, item 8, in Chromium: the Content-Security-Policy breaks no page. Chromium
reports every refused script, style or connection on the console and as a
`securitypolicyviolation` event; both are collected on every page opened here."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import enrolment_code_issue
from conftest import PASSWORD, browser_login

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


class Watch:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        self.page.wait_for_load_state("load")
        self.check(url)

    def check(self, where: str) -> None:
        events = self.page.evaluate("window.__csp || []")
        assert events == [], f"{where}: {events}"
        assert self.console == [], self.console
        assert self.errors == [], self.errors


def test_pages_of_every_kind_load_without_a_policy_violation(page, browser_world):
    watch = Watch(page)
    watch.visit("/accounts/login/")
    browser_login(page, "peer")
    watch.check("after login")
    for url in (
        "/",
        "/clients/",
        "/clients/new/",
        "/outreach/contacts/new/",
        "/directory/",
        "/referrals/",
        "/notifications/",
    ):
        watch.visit(url)
    # The select that submits itself, without its old inline onchange.
    page.goto("/referrals/")
    page.select_option("#status", "all")
    page.wait_for_url("**/referrals/?status=all")
    watch.check("filter")
    # The print button, without its old inline onclick.
    page.goto("/directory/")
    # The print button sits in the search box (the menu above is a <details> too).
    page.locator("main details summary").first.click()
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    watch.check("print")


def test_the_report_page_draws_its_charts_under_the_policy(page, browser_world):
    watch = Watch(page)
    browser_login(page, "coordinator")
    watch.visit("/reports/?period=2024")
    # htmx loads a breakdown when it is opened (no eval, no injected style).
    page.locator("details.breakdown summary").first.click()
    page.locator("details.breakdown table").first.wait_for()
    watch.check("breakdown")


def test_the_api_documentation_loads_under_the_policy(page, browser_world):
    watch = Watch(page)
    browser_login(page, "peer")
    watch.visit("/api/v1/docs")
    page.locator(".swagger-ui .info").wait_for()
    watch.check("api docs")


def test_a_coordinator_enrols_with_the_code_in_a_browser(page, browser_world):
    w = browser_world
    code = enrolment_code_issue(actor=w.admin, user=w.coordinator)
    watch = Watch(page)
    page.goto("/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/")
    assert page.locator("svg").count() == 0
    page.fill("#id_code", code.lower())  # typed as read, in any case
    page.click("main button[type=submit]")
    page.locator("[data-testid=totp-secret]").wait_for()
    watch.check("qr code")
    device = TOTPDevice.objects.get(user=w.coordinator, confirmed=False)
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    watch.check("home")
    page.screenshot(path="test-artifacts/two-factor-enrolled-360.png", full_page=True)
