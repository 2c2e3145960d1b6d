"""At 360 px: register a client, log a contact handing out materials, see them listed; a peer
of another group opening that client's URL gets 404."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from outreach.models import Material
from outreach.services import stock_receive


@pytest.mark.browser
def test_it_registers_a_client_and_logs_a_contact_on_a_phone(page: Any, browser_world: Any) -> None:
    w = browser_world
    material = Material.objects.create(name="Phòng ngừa bệnh lây truyền", theme="sti_prevention")
    for kind, mat, n in (("condom", None, 200), ("material", material, 20)):
        stock_receive(
            actor=w.coordinator,
            organisation=w.agency,
            item_kind=kind,
            material=mat,
            quantity=n,
            received_on=date(2026, 1, 1),
        )
    browser_login(page, "peer")
    page.goto("/clients/new/")
    page.fill("#id_given_name", "Thu")
    page.fill("#id_mother_given_name", "Lan")
    page.fill("#id_birth_year", "1996")
    page.check("input[name=population_groups][value=fsw]")
    page.fill("#id_name", "Đinh Thị Thu")
    page.fill("#id_phone", "0909 000 111")
    page.check("input[name=consent_method][value=verbal]")
    page.check("#id_consent_follow_up")
    page.screenshot(path=f"{ARTIFACTS}/outreach-register-360.png")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=short-code]")
    client_url = page.url
    page.click("[data-testid=log-contact]")
    page.fill("#id_qty_condom", "10")
    page.fill(f"#id_material_{material.pk}", "2")
    # A viewport (not full-page) screenshot: a full-page one shifts the next click.
    page.screenshot(path=f"{ARTIFACTS}/outreach-contact-360.png")
    page.click("[data-testid=contact-form] button[type=submit]")
    page.wait_for_selector("[data-testid=contacts] li")
    listed = page.inner_text("[data-testid=contacts]")
    assert "10" in listed and "Phòng ngừa bệnh lây truyền × 2" in listed
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    page.screenshot(path=f"{ARTIFACTS}/outreach-client-360.png", full_page=True)

    page.context.clear_cookies()
    browser_login(page, "peer_other_group")
    response = page.goto(client_url)
    assert response is not None and response.status == 404
