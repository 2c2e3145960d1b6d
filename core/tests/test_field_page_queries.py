"""The field pages ask the database the same number of questions whatever the volume:
with three times the clients, contacts, referrals, notifications and peer groups, each
page runs exactly as many queries as before (no N+1, no list that grows a query per
row). Issue 16 item 3 and issue 14 item 5: pages scoped to one group, provider or model
must not grow with the country."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client, Consent, PopulationGroup
from directory.models import Service
from notifications.models import Notification
from outreach.models import Distribution, OutreachContact
from programs.models import PeerGroup
from referrals.services import referral_send

_codes = itertools.count(1)


def _client(w: Any, group: PeerGroup) -> Client:
    n = next(_codes)
    client = Client.objects.create(
        short_code=f"Q{n:05d}",
        uic=f"UICQ{n:05d}",
        peer_group=group,
        province=group.support_model.province,
        birth_year=2010 if n % 4 == 0 else 1995,  # some minors for the leader's panel
        sex="F",
        registered_by=w.peer,
        registered_on=date.today() - timedelta(days=90),
    )
    client.population_groups.add(PopulationGroup.objects.order_by("code")[0])
    for purpose, provider in ((Consent.Purpose.FOLLOW_UP, None), ("share_provider", w.clinic)):
        Consent.objects.create(
            client=client,
            purpose=purpose,
            provider=provider,
            method=Consent.Method.VERBAL,
            taken_by=w.peer,
            taken_at=timezone.now(),
        )
    return client


def _contact(w: Any, client: Client, on: date) -> None:
    contact = OutreachContact.objects.create(
        contact_date=on,
        client=client,
        head_count=1,
        peer_group=client.peer_group,
        peer_educator=w.peer,
        place_type="street",
        topics=["hiv_sti"],
    )
    Distribution.objects.create(
        distributed_on=on,
        item_kind="condom",
        quantity=2,
        organisation=w.agency,
        peer_group=client.peer_group,
        contact=contact,
        distributed_by=w.peer,
    )


def grow(w: Any, service: Service) -> None:
    """One more share of everything the field pages show: a new peer group in the home
    model, clients in it and in the home group (one contacted today, one long ago, one
    never), their contacts, referrals, and notifications for every field user."""
    PeerGroup.objects.create(name=f"Nhóm {next(_codes)}", support_model=w.model)
    new_group = PeerGroup.objects.filter(support_model=w.model).order_by("-id").first()
    assert new_group is not None
    today = timezone.localdate()
    for group in (w.group, new_group):
        clients = [_client(w, group) for _ in range(3)]
        _contact(w, clients[0], today)
        _contact(w, clients[0], today - timedelta(days=3))
        _contact(w, clients[1], today - timedelta(days=60))
        for client, urgency in zip(clients, ("routine", "emergency", "routine"), strict=True):
            referral_send(
                actor=w.peer if group == w.group else w.coordinator,
                client=client,
                service=service,
                reason="Khám",
                urgency=urgency,
                from_kind="peer",
            )
    for user in (w.peer, w.leader, w.provider, w.coordinator):
        Notification.objects.create(user=user, kind="test", title="Thông báo")


@pytest.fixture
def fworld(world: Any) -> SimpleNamespace:
    service = Service.objects.create(
        organisation=world.clinic, service_type="gyn_exam", name="Khám phụ khoa"
    )
    grow(world, service)
    return SimpleNamespace(w=world, service=service)


def _count(http: Any, url: str) -> int:
    assert http.get(url).status_code == 200  # warm: first-request writes are not per page
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _pages(w: Any) -> list[tuple[str, Any, str]]:
    client = Client.objects.filter(peer_group=w.group).order_by("id").first()
    assert client is not None
    return [
        ("peer home", w.peer, "/"),
        ("leader home", w.leader, "/"),
        ("client list (peer)", w.peer, "/clients/"),
        ("client page (peer)", w.peer, f"/clients/{client.public_id}/"),
        ("contact form", w.peer, f"/outreach/contacts/new/{client.public_id}/"),
        ("head-count form", w.peer, "/outreach/contacts/new/"),
        ("referral inbox", w.provider, "/referrals/inbox/"),
        ("provider home", w.provider, "/"),
        ("coordinator home", w.coordinator, "/"),
        ("client list (coordinator)", w.coordinator, "/clients/"),
    ]


def test_it_runs_as_many_queries_on_each_field_page_with_three_times_the_data(fworld, as_user):
    w = fworld.w
    https = {u.pk: as_user(u) for u in (w.peer, w.leader, w.provider, w.coordinator)}
    before = {name: _count(https[user.pk], url) for name, user, url in _pages(w)}
    grow(w, fworld.service)
    grow(w, fworld.service)
    after = {name: _count(https[user.pk], url) for name, user, url in _pages(w)}
    assert after == before
    # The pages did show the grown data (a query count over empty lists proves nothing).
    home = https[w.peer.pk].get("/").content.decode()
    assert Client.objects.filter(peer_group=w.group).count() == 9
    assert "Q0" in home


# The numbers themselves, so that a new query on a field page is a decision, not drift.
# Session, user and the user's grants are 3 of them on every page.
EXPECTED = {
    "peer home": 13,
    "leader home": 16,
    "client list (peer)": 7,
    "client page (peer)": 17,
    "contact form": 8,
    "head-count form": 10,
    "referral inbox": 6,
    "provider home": 9,
    "coordinator home": 14,
    "client list (coordinator)": 7,
}


def test_it_pins_the_number_of_queries_of_each_field_page(fworld, as_user):
    w = fworld.w
    https = {u.pk: as_user(u) for u in (w.peer, w.leader, w.provider, w.coordinator)}
    counts = {name: _count(https[user.pk], url) for name, user, url in _pages(w)}
    assert counts == EXPECTED
