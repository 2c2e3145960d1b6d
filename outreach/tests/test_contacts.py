"""Logging contacts (client or head count) and handing out items from stock."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from outreach.models import Distribution, OutreachContact
from outreach.services import (
    ContactDetails,
    InsufficientStock,
    contact_log,
    distribution_record,
)

from .conftest import qty


def test_it_logs_a_contact_in_three_taps(world: Any, as_user: Any, stocked: Any) -> None:
    """Client page → "Log contact" → Save (the form is prefilled)."""
    http = as_user(world.peer)
    client = stocked.client
    detail = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
    url = reverse("outreach:contact_new_for", args=[client.public_id])
    assert url in detail
    form = http.get(url).context["form"]
    data = {
        name: field.initial if not isinstance(field.initial, list) else field.initial
        for name, field in form.fields.items()
    }
    data.update({k: v for k, v in form.initial.items() if k in form.fields})
    data = {k: v for k, v in data.items() if v is not None}
    response = http.post(url, data)
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert contact.client == client and contact.head_count == 1
    assert contact.contact_date == timezone.localdate()
    assert contact.peer_educator == world.peer and contact.peer_group == world.group
    assert contact.topics == ["hiv_sti"]
    assert contact.commune == world.ha_long


def test_it_hands_out_items_lowering_the_groups_stock(
    world: Any, as_user: Any, stocked: Any
) -> None:
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    response = http.post(
        url,
        {
            "peer_group": world.group.pk,
            "contact_date": timezone.localdate().isoformat(),
            "place_type": "establishment",
            "topics": ["safer_sex", "violence"],
            "needs": ["legal_aid"],
            "qty_condom": "12",
            f"material_{stocked.material.pk}": "1",
        },
    )
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert contact.needs == ["legal_aid"]
    assert qty(world.agency, "condom") == 88
    assert qty(world.agency, "material", stocked.material) == 4
    rows = Distribution.objects.filter(contact=contact)
    assert {(d.item_kind, d.quantity) for d in rows} == {("condom", 12), ("material", 1)}
    assert all(d.organisation == world.agency and d.peer_group == world.group for d in rows)
    entry = AuditEntry.objects.filter(object_type="outreach.outreachcontact").get()
    assert entry.changes["items"] == {"condom": 12, f"material:{stocked.material.pk}": 1}


def test_it_rejects_the_whole_contact_when_stock_is_short(
    world: Any, as_user: Any, stocked: Any
) -> None:
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    response = http.post(
        url,
        {
            "peer_group": world.group.pk,
            "contact_date": timezone.localdate().isoformat(),
            "place_type": "street",
            "topics": ["legal_rights"],
            "qty_condom": "10",
            f"material_{stocked.material.pk}": "6",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not enough in stock" in body and "5 left" in body
    assert 'name="qty_condom" value="10"' in body  # kept what was typed
    assert not OutreachContact.objects.exists() and not Distribution.objects.exists()
    assert qty(world.agency, "condom") == 100


def test_it_logs_an_anonymous_head_count(world: Any, as_user: Any, stocked: Any) -> None:
    http = as_user(world.leader)
    home = http.get(reverse("portal:home")).content.decode()
    assert reverse("outreach:contact_new") in home
    response = http.post(
        reverse("outreach:contact_new"),
        {
            "peer_group": world.group.pk,
            "contact_date": timezone.localdate().isoformat(),
            "head_count": "14",
            "place_type": "establishment",
            "commune": world.ha_long.pk,
            "topics": ["hiv_sti"],
            "qty_condom": "42",
        },
    )
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert contact.client is None and contact.head_count == 14
    assert qty(world.agency, "condom") == 58
    home = http.get(reverse("portal:home")).content.decode()
    assert "14" in home


def test_the_same_head_count_form_sent_twice_is_one_contact(
    world: Any, as_user: Any, stocked: Any
) -> None:
    """A double tap, or a retry after the answer was lost: the form's own key makes the
    second send find the first contact (and hand out nothing more)."""
    http = as_user(world.leader)
    page = http.get(reverse("outreach:contact_new"))
    key = str(page.context["form"]["client_uuid"].value())
    assert f'name="client_uuid" value="{key}"' in page.content.decode()
    data = {
        "client_uuid": key,
        "peer_group": world.group.pk,
        "contact_date": timezone.localdate().isoformat(),
        "head_count": "9",
        "place_type": "street",
        "commune": world.ha_long.pk,
        "topics": ["hiv_sti"],
        "qty_condom": "10",
    }
    for _ in range(2):
        assert http.post(reverse("outreach:contact_new"), data).status_code == 302
    contact = OutreachContact.objects.get()
    assert str(contact.device_uuid) == key and contact.head_count == 9
    assert qty(world.agency, "condom") == 90  # handed out once
    # A new page is a new key: the next contact is another one.
    again = http.get(reverse("outreach:contact_new")).context["form"]["client_uuid"].value()
    assert str(again) != key


def test_it_refuses_a_contact_after_follow_up_was_withdrawn(world: Any, stocked: Any) -> None:
    from clients.consent import consent_withdraw

    consent_withdraw(actor=world.peer, consent=stocked.client.consents.get(purpose="follow_up"))
    with pytest.raises(Exception, match="follow-up"):
        contact_log(
            actor=world.peer,
            details=ContactDetails(
                peer_group=world.group,
                contact_date=timezone.localdate(),
                place_type="street",
                client=stocked.client,
            ),
        )


def test_it_raises_insufficient_stock_from_the_shared_service(world: Any, stocked: Any) -> None:
    with pytest.raises(InsufficientStock) as caught:
        distribution_record(
            actor=world.peer,
            organisation=world.agency,
            item_kind="lubricant",
            quantity=1,
            distributed_on=timezone.localdate(),
        )
    assert caught.value.left == 0
    made = distribution_record(
        actor=world.peer,
        organisation=world.agency,
        item_kind="condom",
        quantity=30,
        distributed_on=timezone.localdate(),
        peer_group=world.group,
    )
    assert made.quantity == 30 and qty(world.agency, "condom") == 70


OUTSIDERS = [
    "peer_other_group",
    "peer_other_province",
    "coordinator",
    "coordinator_other",
    "provider",
    "hotline",
    "prov_manager",
    "nat_manager",
    "admin",
    "nobody",
]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_lets_only_the_group_log_contacts_for_its_client(
    world: Any, as_user: Any, stocked: Any, who: str
) -> None:
    http = as_user(getattr(world, who))
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    assert http.get(url).status_code == 404
    post = {"contact_date": timezone.localdate().isoformat(), "place_type": "street"}
    assert http.post(url, post).status_code == 404
    assert not OutreachContact.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "provider", "prov_manager", "admin", "nobody"])
def test_it_lets_only_peers_log_head_counts(world: Any, as_user: Any, who: str) -> None:
    assert as_user(getattr(world, who)).get(reverse("outreach:contact_new")).status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "sees"),
    [
        ("peer", 200, True),
        ("leader", 200, True),
        ("coordinator", 200, True),
        ("peer_other_group", 200, False),
        ("peer_other_province", 200, False),
        ("coordinator_other", 200, False),
        ("provider", 404, False),
        ("hotline", 404, False),
        ("prov_manager", 404, False),
        ("nat_manager", 404, False),
        ("admin", 404, False),
    ],
)
def test_it_scopes_the_contact_list(
    world: Any, as_user: Any, stocked: Any, who: str, status: int, sees: bool
) -> None:
    contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="online",
            client=stocked.client,
        ),
    )
    response = as_user(getattr(world, who)).get(reverse("outreach:contact_list"))
    assert response.status_code == status
    assert (stocked.client.short_code in response.content.decode()) is sees


def test_it_lists_contacts_in_few_queries(
    world: Any, as_user: Any, stocked: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(8):
        contact = contact_log(
            actor=world.peer,
            details=ContactDetails(
                peer_group=world.group,
                contact_date=timezone.localdate(),
                place_type="street",
                client=stocked.client,
            ),
        )
        distribution_record(
            actor=world.peer,
            organisation=world.agency,
            item_kind="condom",
            quantity=2,
            distributed_on=contact.contact_date,
            contact=contact,
        )
    http = as_user(world.peer)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("outreach:contact_list"))
    assert response.content.decode().count(stocked.client.short_code) == 8


def test_it_shows_the_peer_home_panel(world: Any, as_user: Any, stocked: Any) -> None:
    from datetime import timedelta

    from clients.tests.conftest import register

    old = register(
        world,
        phone="",
        birth_year=1980,
        registered_on=timezone.localdate() - timedelta(days=60),
        register_anyway=True,
    )
    contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate() - timedelta(days=45),
            place_type="street",
            client=old,
        ),
    )
    contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="street",
            client=stocked.client,
        ),
    )
    body = as_user(world.peer).get(reverse("portal:home")).content.decode()
    panel = body[body.index('data-testid="peer-panel"') :]
    not_contacted = panel[
        panel.index('data-testid="not-contacted"') : panel.index('data-testid="today"')
    ]
    assert old.short_code in not_contacted and stocked.client.short_code not in not_contacted
    today = panel[panel.index('data-testid="today"') :]
    assert stocked.client.short_code in today
    assert reverse("clients:find") in panel
    other = as_user(world.peer_other_group).get(reverse("portal:home")).content.decode()
    assert old.short_code not in other


def test_it_hides_the_peer_panel_from_others(world: Any, as_user: Any) -> None:
    for who in ("coordinator", "provider", "prov_manager", "admin"):
        body = as_user(getattr(world, who)).get(reverse("portal:home")).content.decode()
        assert 'data-testid="peer-panel"' not in body


_ = SimpleNamespace


def _posted_defaults(form: Any) -> dict[str, Any]:
    """What the form posts when the user changes nothing (the "3-tap contact")."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    return data


def test_the_defaults_are_valid_after_a_contact_at_an_establishment(
    world: Any, as_user: Any, stocked: Any
) -> None:
    """The last place was an establishment: the form must not start on "establishment"
    with none chosen (the 3-tap contact would fail with "Choose the establishment")."""
    from programs.models import Establishment

    bar = Establishment.objects.create(
        name="Karaoke Sao Biển", kind="karaoke", commune=world.ha_long
    )
    Establishment.objects.create(name="Nhà nghỉ Hoa Mai", kind="guesthouse", commune=world.ha_long)
    contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="establishment",
            topics=["hiv_sti"],
            needs=[],
            establishment=bar,
            head_count=3,
            commune=world.ha_long,
        ),
    )
    http = as_user(world.peer)
    for url in (
        reverse("outreach:contact_new_for", args=[stocked.client.public_id]),
        reverse("outreach:contact_new"),
    ):
        form = http.get(url).context["form"]
        data = _posted_defaults(form)
        assert data["place_type"] == "establishment" and data["establishment"] == bar.pk
        if "head_count" in form.fields:
            data["head_count"] = 2
        assert http.post(url, data).status_code == 302, url
    # An establishment closed since: the default falls back to a place that needs none.
    bar.active = False
    bar.save()
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    form = http.get(url).context["form"]
    data = _posted_defaults(form)
    assert data["place_type"] != "establishment" and "establishment" not in data
    assert http.post(url, data).status_code == 302


def test_a_client_at_an_establishment_starts_on_it(world: Any, as_user: Any, stocked: Any) -> None:
    from programs.models import Establishment

    bar = Establishment.objects.create(
        name="Karaoke Sao Biển", kind="karaoke", commune=world.ha_long
    )
    client = stocked.client
    client.establishment = bar
    client.save(update_fields=["establishment"])
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[client.public_id])
    form = http.get(url).context["form"]
    data = _posted_defaults(form)
    assert data["place_type"] == "establishment" and data["establishment"] == bar.pk
    assert http.post(url, data).status_code == 302


def test_the_same_item_given_twice_is_handed_out_once_with_both_quantities(
    world: Any, stocked: Any
) -> None:
    """Whoever builds the input (a page's fields, a phone's list of items), one kind of item
    is one distribution: the service adds the quantities up and drops the zeros."""
    from outreach.services import Item

    contact = contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="street",
            head_count=4,
            items=[Item("condom", 3), Item("condom", 2), Item("lubricant", 0)],
        ),
    )
    rows = list(Distribution.objects.filter(contact=contact).values_list("item_kind", "quantity"))
    assert rows == [("condom", 5)]
    assert qty(world.agency, "condom") == 95


def test_a_contact_is_logged_in_a_few_queries(
    world: Any, as_user: Any, stocked: Any, django_assert_max_num_queries: Any
) -> None:
    """Logging a contact with one client (the form's one-time key read once, the audit
    entry in three statements): a fixed number of statements, and a resend makes none."""
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    http.get(url)  # warm the session
    data = {
        "peer_group": world.group.pk,
        "contact_date": timezone.localdate().isoformat(),
        "place_type": "street",
        "topics": ["safer_sex"],
        "client_uuid": "0b5c3a52-6d8e-4a51-9a3f-0f5e6a7b8c9d",
    }
    with django_assert_max_num_queries(QUERIES_OF_A_CONTACT):
        assert http.post(url, data).status_code == 302
    assert http.post(url, data).status_code == 302
    assert OutreachContact.objects.filter(client=stocked.client).count() == 1


# 26 before issue 14's cuts (two reads of the one-time key, two savepoints and the
# advisory lock of the audit entry); 21 until the form sent stopped reading the place to
# prefill (a new form's only) and reading again the group the page had read; SQLite and
# PostgreSQL alike.
QUERIES_OF_A_CONTACT = 19


def test_a_contact_handing_out_items_reads_the_group_once(
    world: Any, as_user: Any, stocked: Any, django_assert_max_num_queries: Any
) -> None:
    """The group sent is the one the page read with its model and lead organisation (the
    stock holder): handing out condoms adds the stock row's read, update and the
    distribution, not a second read of the group, its model or its organisation."""
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    http.get(url)
    data = {
        "peer_group": world.group.pk,
        "contact_date": timezone.localdate().isoformat(),
        "place_type": "street",
        "topics": ["safer_sex"],
        "qty_condom": "2",
        "client_uuid": "5d0f6b1e-3a2c-4f7e-9b8a-1c2d3e4f5a6b",
    }
    with django_assert_max_num_queries(QUERIES_OF_A_CONTACT + 3) as captured:
        assert http.post(url, data).status_code == 302
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert sql.count('FROM "programs_peergroup"') == 1
    assert 'FROM "programs_supportmodel"' not in sql
    assert 'FROM "programs_organisation"' not in sql
    assert qty(world.agency, "condom") == 98


def test_a_form_sent_back_keeps_the_place_typed(world: Any, as_user: Any, stocked: Any) -> None:
    """The place a new form starts with (the last contact's) is not put over what was
    sent: a refused form shows the place the peer chose."""
    http = as_user(world.peer)
    url = reverse("outreach:contact_new_for", args=[stocked.client.public_id])
    data = {
        "peer_group": world.group.pk,
        "contact_date": "not a date",
        "place_type": "online",
        "topics": ["safer_sex"],
    }
    page = http.post(url, data).content.decode()
    assert 'value="online" checked' in page or 'value="online" selected' in page


def _today_on_the_street(world: Any, **details: Any) -> OutreachContact:
    """A contact logged by the home peer for their group today, on the street."""
    return contact_log(
        actor=world.peer,
        details=ContactDetails(
            peer_group=world.group,
            contact_date=timezone.localdate(),
            place_type="street",
            **details,
        ),
    )


def test_the_peer_home_counts_everyone_reached_today_beyond_the_contacts_listed(
    world: Any, as_user: Any, stocked: Any
) -> None:
    """The home lists the newest 30 of today's contacts; "people reached today" counts
    the people of all of them, and the list starts with the newest."""
    from outreach.home import TODAY_SHOWN

    for _n in range(TODAY_SHOWN + 2):
        _today_on_the_street(world, head_count=3)
    last = _today_on_the_street(world, client=stocked.client)
    assert last.client == stocked.client
    body = as_user(world.peer).get(reverse("portal:home")).content.decode()
    panel = body[body.index('data-testid="peer-panel"') :]
    people = 3 * (TODAY_SHOWN + 2) + 1
    assert f'<div class="value">{people}</div>' in panel
    today = panel[panel.index('data-testid="today"') :]
    today = today[: today.index("</ul>")]
    assert today.count("<li>") == TODAY_SHOWN
    assert today.index(stocked.client.short_code) < today.index("3 people")


def test_what_was_handed_out_reads_the_same_on_every_page(
    world: Any, as_user: Any, stocked: Any
) -> None:
    """The labels of what was handed out (read as plain values for the home, the client's
    page and the client's export) are the items' own (Distribution.__str__), materials
    included, newest first."""
    from outreach.queries import contacts_of_client, with_handed_out
    from outreach.services import Item

    contact = _today_on_the_street(
        world,
        client=stocked.client,
        items=[Item("condom", 3), Item("material", 1, stocked.material)],
    )
    expected = [str(d) for d in contact.distributions.select_related("material")]
    assert any(stocked.material.name in e for e in expected) and len(expected) == 2
    [read] = with_handed_out(list(contacts_of_client(stocked.client)))
    assert read.handed_out == expected  # type: ignore[attr-defined]
    http = as_user(world.peer)
    home = http.get(reverse("portal:home")).content.decode()
    page = http.get(reverse("clients:detail", args=[stocked.client.public_id])).content.decode()
    export = http.get(reverse("clients:export", args=[stocked.client.public_id]))
    assert export.status_code == 200
    for label in expected:
        assert label in home and label in page and label in export.content.decode()
