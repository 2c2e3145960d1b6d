"""Long lists are paged, never silently cut off."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from clients.models import Client

pytestmark = pytest.mark.django_db


def _clients(world: Any, n: int) -> None:
    Client.objects.bulk_create(
        Client(
            short_code=f"P{i:05d}",
            uic=f"PAGE{i:05d}",
            peer_group=world.group,
            province=world.qn,
            birth_year=1995,
            sex="F",
            registered_by=world.peer,
        )
        for i in range(n)
    )


def test_it_pages_the_client_list_and_reaches_every_client(world: Any, as_user: Any) -> None:
    _clients(world, 120)
    http = as_user(world.peer)
    url = reverse("clients:list")
    seen: set[str] = set()
    for number in (1, 2, 3):
        response = http.get(url, {"page": number})
        page = response.context["page_obj"]
        seen |= {c.short_code for c in page.object_list}
        assert f"Trang {number}/3" in response.content.decode()
    assert len(seen) == 120
    first = http.get(url).content.decode()
    assert "120 khách hàng" in first
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first


def test_a_page_past_the_end_or_not_a_number_gives_a_real_page(world: Any, as_user: Any) -> None:
    _clients(world, 60)
    http = as_user(world.peer)
    assert http.get(reverse("clients:list"), {"page": "999"}).context["page_obj"].number == 2
    assert http.get(reverse("clients:list"), {"page": "x"}).context["page_obj"].number == 1


def test_the_pager_keeps_the_lists_filter(world: Any, as_user: Any) -> None:
    from referrals.tests.conftest import build_services, make_client, send, share_consent

    services = build_services(world)
    client = make_client(world)
    share_consent(client, world.clinic, world.peer)
    rw = type("RW", (), {"w": world, "s": services, "client": client})
    for _ in range(55):
        send(rw)
    html = as_user(world.peer).get(reverse("referrals:list"), {"status": "sent"}).content.decode()
    assert 'href="?status=sent&amp;page=2"' in html


def test_one_page_shows_no_pager(world: Any, as_user: Any) -> None:
    _clients(world, 3)
    assert (
        'data-testid="pager"'
        not in as_user(world.peer).get(reverse("clients:list")).content.decode()
    )


@pytest.mark.browser
def test_a_peer_pages_through_the_clients_on_a_phone(page: Any, browser_world: Any) -> None:
    from conftest import browser_login

    _clients(browser_world, 70)
    browser_login(page, "peer")
    page.goto("/clients/")
    page.click("[data-testid=pager] a[rel=next]")
    page.wait_for_url("**/clients/?page=2")
    assert page.locator("[data-testid=clients] li").count() == 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-artifacts/clients-page-2-360.png", full_page=True)


def test_it_pages_the_outreach_contacts(world: Any, as_user: Any) -> None:
    from datetime import date

    from outreach.models import OutreachContact

    OutreachContact.objects.bulk_create(
        OutreachContact(
            contact_date=date(2024, 3, 1 + i % 28),
            head_count=5,
            peer_group=world.group,
            peer_educator=world.peer,
            place_type="street",
            commune=world.ha_long,
        )
        for i in range(60)
    )
    http = as_user(world.peer)
    first = http.get(reverse("outreach:contact_list"))
    second = http.get(reverse("outreach:contact_list"), {"page": 2})
    assert len(first.context["contacts"]) == 50 and len(second.context["contacts"]) == 10


def test_first_rows_gives_the_first_rows_in_order_with_their_joins_in_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    from core.paging import first_rows

    _clients(world, 12)
    ordered = Client.objects.select_related("peer_group").order_by("-short_code")
    with django_assert_num_queries(1):
        rows = first_rows(ordered, 5)
        groups = {c.peer_group.name for c in rows}  # joined, no query per row
    assert [c.short_code for c in rows] == [f"P{i:05d}" for i in range(11, 6, -1)]
    assert groups == {world.group.name}


def test_first_and_count_gives_the_first_rows_and_the_total_in_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    from core.paging import first_and_count

    _clients(world, 12)
    ours = Client.objects.filter(short_code__startswith="P")
    ordered = ours.select_related("peer_group").order_by("-short_code")
    with django_assert_num_queries(1):
        rows, total = first_and_count(ordered, 5)
        groups = {c.peer_group.name for c in rows}
    assert [c.short_code for c in rows] == [f"P{i:05d}" for i in range(11, 6, -1)]
    assert total == 12 == ours.count() and groups == {world.group.name}
    # The total is of the filtered rows, not of the table; none gives none.
    rows, total = first_and_count(ordered.filter(short_code__lt="P00003"), 5)
    assert [c.short_code for c in rows] == ["P00002", "P00001", "P00000"] and total == 3
    assert first_and_count(ordered.filter(short_code="none"), 5) == ([], 0)
    assert first_and_count(Client.objects.none(), 5) == ([], 0)


def test_first_and_count_counts_distinct_rows_apart(world: Any) -> None:
    from core.paging import first_and_count

    _clients(world, 7)
    codes = Client.objects.filter(short_code__startswith="P").values("birth_year").distinct()
    years, total = first_and_count(codes.order_by("birth_year"), 5)  # type: ignore[type-var]
    assert years == [{"birth_year": 1995}] and total == 1
    many = Client.objects.filter(short_code__startswith="P").distinct().order_by("short_code")
    rows, total = first_and_count(many, 5)
    assert len(rows) == 5 and total == 7
