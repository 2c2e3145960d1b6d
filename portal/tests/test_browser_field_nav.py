"""At 360 × 740 px, as a peer educator and a hotline counsellor: a bar of the role's main
tasks (reporting violence among them), every tap target at least 44 × 44 px, and Save
reachable without scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login

pytestmark = pytest.mark.browser

# Every visible thing a thumb can tap; a checkbox or radio is tapped through its label.
MEASURE = """() => {
  const out = [];
  const seen = new Set();
  document.querySelectorAll('a, button, summary, select, input, textarea, label').forEach(el => {
    if (el.type === 'hidden') return;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
    else if (el.tagName === 'LABEL'
             && !el.querySelector('input[type=checkbox], input[type=radio]')) return;
    if (seen.has(target)) return;
    seen.add(target);
    const r = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (!r.width || !r.height || style.visibility === 'hidden') return;
    if (target.closest('[hidden], details:not([open]) > :not(summary)')) return;
    const what = (target.innerText || target.name || '').trim().slice(0, 30);
    const size = `${Math.round(r.width)}×${Math.round(r.height)}`;
    if (r.height < 44 || r.width < 44) out.push(`${target.tagName} "${what}" ${size}`);
  });
  return out;
}"""


def _small_targets(page: Any) -> list[str]:
    return page.evaluate(MEASURE)


def test_a_peer_has_a_bar_of_main_tasks_and_big_targets(page: Any, browser_world: Any) -> None:
    from clients.tests.conftest import register

    client = register(browser_world)
    browser_login(page, "peer")
    bar = page.locator("[data-testid=task-bar] a")
    labels = bar.all_inner_texts()
    assert labels == ["Trang chủ", "Khách hàng", "Tiếp cận", "Báo bạo lực", "Sinh hoạt"]
    page.screenshot(path=f"{ARTIFACTS}/field-peer-home-360.png")
    # The measure itself catches a small target (not a vacuous check).
    page.evaluate(
        "() => { const a = document.createElement('a'); a.href = '#'; a.textContent = 'x';"
        " a.style.cssText = 'display:block;width:20px;height:20px;min-height:0;min-width:0';"
        " document.body.appendChild(a); }"
    )
    assert len(_small_targets(page)) == 1
    for url in (
        "/",
        "/outreach/contacts/new/",
        f"/clients/{client.public_id}/",
        f"/referrals/client/{client.public_id}/new/",
        "/safety/incidents/new/",
        "/activities/new/?kind=meeting",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        assert _small_targets(page) == [], url
        # Save is on the first screen of a long form (it sticks above the bar).
        save = page.locator("main form.card button[type=submit]").last
        if save.count() and page.evaluate("document.documentElement.scrollHeight") > 740 * 2:
            box = save.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 740, url
    page.goto("/outreach/contacts/new/")
    page.screenshot(path=f"{ARTIFACTS}/field-peer-contact-360.png")
    page.click("[data-testid=task-bar] a:has-text('Báo bạo lực')")
    page.wait_for_url("**/safety/incidents/new/")


def test_a_hotline_counsellor_has_the_calls_on_the_bar(page: Any, browser_world: Any) -> None:
    browser_login(page, "hotline")
    labels = page.locator("[data-testid=task-bar] a").all_inner_texts()
    assert labels == ["Trang chủ", "Ghi cuộc gọi", "Ca trực", "Báo bạo lực"]
    for url in ("/", "/activities/hotline/new/", "/activities/hotline/"):
        page.goto(url)
        assert _small_targets(page) == [], url


def test_a_contact_with_the_defaults_saves_in_three_taps(page: Any, browser_world: Any) -> None:
    """Client list → the client → "Log contact" → Save, after a contact at an establishment
    (the default place then comes with its establishment, so it saves as it is)."""
    from django.utils import timezone

    from clients.tests.conftest import register
    from outreach.models import OutreachContact
    from outreach.services import ContactDetails, contact_log
    from programs.models import Establishment

    w = browser_world
    client = register(w)
    for name in ("Karaoke Sao Biển", "Nhà nghỉ Hoa Mai"):
        Establishment.objects.create(name=name, kind="karaoke", commune=w.ha_long)
    bar = Establishment.objects.get(name="Karaoke Sao Biển")
    contact_log(
        actor=w.peer,
        details=ContactDetails(
            peer_group=w.group,
            contact_date=timezone.localdate(),
            place_type="establishment",
            topics=["hiv_sti"],
            needs=[],
            establishment=bar,
            head_count=4,
            commune=w.ha_long,
        ),
    )
    browser_login(page, "peer")
    page.goto("/clients/")
    page.click(f"a[href='/clients/{client.public_id}/']")  # tap 1
    page.click("[data-testid=log-contact]")  # tap 2
    page.click("[data-testid=contact-form] button[type=submit]")  # tap 3
    page.wait_for_url(f"**/clients/{client.public_id}/")
    contact = OutreachContact.objects.get(client=client)
    assert contact.place_type == "establishment" and contact.establishment == bar


def test_a_list_row_reads_as_a_line_not_a_column(page: Any, browser_world: Any) -> None:
    """A row of a list (a client, a referral, a call) keeps its code and its badge on one
    line, the badge as wide as its word. The 44 px tap rule once made each row a flex
    column: every piece on a line of its own and each badge stretched across the phone."""
    from clients.tests.conftest import register

    register(browser_world, birth_year=2010)  # a minor: the row carries a badge
    browser_login(page, "peer")
    page.goto("/clients/")
    row = page.locator("[data-testid=clients] a.row", has=page.locator(".badge")).first
    code, badge = row.locator(".code").bounding_box(), row.locator(".badge").first.bounding_box()
    box = row.bounding_box()
    assert code and badge and box
    assert abs(code["y"] + code["height"] / 2 - (badge["y"] + badge["height"] / 2)) < 8
    assert badge["width"] < box["width"] / 2
    assert box["height"] >= 44


# A link whose text is split over lines by its own display (a flex box lays each text run
# and element out as a separate item, dropping the spaces between them) though nothing in
# it asks for a line break.
SPLIT_LINKS = """() => [...document.querySelectorAll('main a, header a, footer a, label, summary')]
  .filter(a => a.offsetWidth && !a.querySelector('br, div, p, ul, ol, table'))
  .filter(a => a.innerText.trim().includes('\\n'))
  .map(a => JSON.stringify(a.innerText))"""


def test_links_keep_the_spaces_between_their_words(page: Any, browser_world: Any) -> None:
    """'Khách hàng B2QD8Z', not 'Khách hàngB2QD8Z'; an inbox row reads 'code · service' on
    one line (the 44 px tap targets made links flex boxes, which split their text)."""
    from clients.tests.conftest import register
    from referrals.services import referral_send
    from referrals.tests.conftest import build_services

    w = browser_world
    services = build_services(w)
    client = register(w)
    referral_send(
        actor=w.peer,
        client=client,
        service=services.gyn,
        reason="Cần khám phụ khoa",
        urgency="routine",
        from_kind="peer",
    )
    consent = client.consents.first()
    assert consent is not None
    browser_login(page, "peer")
    page.goto(f"/clients/{client.public_id}/consents/{consent.pk}/withdraw/")
    back = page.locator(f"main a[href='/clients/{client.public_id}/']").first
    assert back.inner_text() == f"Khách hàng {client.short_code}"
    for url in (
        "/",
        "/clients/",
        f"/clients/{client.public_id}/",
        "/referrals/",
        f"/referrals/client/{client.public_id}/new/",
        f"/outreach/contacts/new/{client.public_id}/",
        "/safety/incidents/new/",
        "/activities/new/?kind=meeting",
        "/clients/new/",
    ):
        page.goto(url)
        assert page.evaluate(SPLIT_LINKS) == [], url
        assert _small_targets(page) == [], url
    page.context.clear_cookies()
    browser_login(page, "provider")
    page.goto("/referrals/inbox/")
    row = page.locator(".list li a.row").first.inner_text()
    assert f"{client.short_code} · Khám phụ khoa" in row.splitlines()[0], row
    assert page.evaluate(SPLIT_LINKS) == []
    assert _small_targets(page) == []
    page.screenshot(path="/tmp/t2-inbox-360.png")
