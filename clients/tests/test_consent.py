"""Consent per purpose, withdrawal, and the helpers other apps read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from clients import queries
from clients.models import Consent

from .conftest import register


def test_it_exposes_consent_to_other_apps(world: Any) -> None:
    client = register(world)
    assert queries.may_follow_up(client)
    assert queries.may_contact_by_phone(client)
    assert queries.has_sharing_consent(client, world.clinic)
    assert not queries.has_sharing_consent(client, world.legal)


def test_consents_given_together_are_listed_in_the_order_they_were_asked(world: Any) -> None:
    """At registration the consents share one moment: the client page lists them as the
    form asks them (follow-up, phone, then each provider) on every database, not in
    whatever order PostgreSQL's sort returns equal times."""
    client = register(world)
    purposes = [c.purpose for c in queries.consents_of(client)]
    assert purposes == [
        Consent.Purpose.FOLLOW_UP,
        Consent.Purpose.PHONE_CONTACT,
        Consent.Purpose.SHARE_PROVIDER,
    ]


def test_it_withdraws_follow_up_and_stops_contact(world: Any, as_user: Any) -> None:
    client = register(world)
    consent = client.consents.get(purpose=Consent.Purpose.FOLLOW_UP)
    http = as_user(world.peer)
    url = reverse("clients:consent_withdraw", args=[client.public_id, consent.pk])
    assert http.post(url, {"confirm": "yes"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world.peer
    assert not queries.may_follow_up(client)
    assert not queries.may_contact_by_phone(client)
    page = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
    assert "no reminders and no contact" in page
    assert reverse("outreach:contact_new_for", args=[client.public_id]) not in page


def test_it_records_sharing_consent_with_a_named_provider(world: Any, as_user: Any) -> None:
    client = register(world, share_with=[])
    http = as_user(world.peer)
    url = reverse("clients:consent_add", args=[client.public_id])
    page = http.get(url).content.decode()
    assert "checked" not in page
    missing = http.post(url, {"purpose": "share_provider", "method": "written"})
    assert "Choose the provider" in missing.content.decode()
    http.post(url, {"purpose": "share_provider", "method": "written", "provider": world.legal.pk})
    assert queries.has_sharing_consent(client, world.legal)
    other = http.post(
        url, {"purpose": "share_provider", "method": "written", "provider": world.hue_clinic.pk}
    )
    assert other.status_code == 200  # a provider of another province is not offered
    assert not queries.has_sharing_consent(client, world.hue_clinic)


def test_withdrawing_a_consent_asks_first_and_says_what_will_stop(world: Any, as_user: Any) -> None:
    """One tap on "Withdraw" must not withdraw: the page says what stops and that only the
    client can give the consent again, and only the confirmation withdraws."""
    client = register(world)
    http = as_user(world.peer)
    detail = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
    for consent in client.consents.all():
        url = reverse("clients:consent_withdraw", args=[client.public_id, consent.pk])
        assert f'href="{url}"' in detail  # a link to the question, not a one-tap form
        page = http.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert 'name="confirm"' in body
        assert page.context["stops"], consent.purpose
        # A post without the confirmation (an old form, a double tap) asks again.
        assert http.post(url).status_code == 200
        consent.refresh_from_db()
        assert consent.withdrawn_at is None
    follow_up = client.consents.get(purpose=Consent.Purpose.FOLLOW_UP)
    url = reverse("clients:consent_withdraw", args=[client.public_id, follow_up.pk])
    body = http.get(url).content.decode()
    assert "No outreach contact can be logged" in body
    assert "client agrees again" in body
    share = client.consents.get(purpose=Consent.Purpose.SHARE_PROVIDER)
    url = reverse("clients:consent_withdraw", args=[client.public_id, share.pk])
    assert world.clinic.name in http.get(url).content.decode()
    assert http.post(url, {"confirm": "yes"}).status_code == 302
    assert not queries.has_sharing_consent(client, world.clinic)


def test_name_and_phone_are_behind_a_tap(world: Any, as_user: Any) -> None:
    """Shown only inside a closed "Hiện" box each: a glance at the page shows nothing."""
    from .conftest import NAME, PHONE_DIGITS

    client = register(world)
    body = as_user(world.peer).get(reverse("clients:detail", args=[client.public_id]))
    html = body.content.decode()
    for name, value in (
        ("name", NAME),
        ("phone", PHONE_DIGITS),
        ("nickname", "Bống"),
    ):
        box = html.split(f'data-testid="reveal-{name}"')[1].split("</details>")[0]
        assert value in box
        assert "open" not in html.split(f'data-testid="reveal-{name}"')[0].rsplit("<details", 1)[1]
        # Nowhere else on the page.
        assert html.count(value) == 1, name
    # The UIC is stored only as its keyed hash and never shown (docs/erasure.md).
    assert client.uic not in html and 'data-testid="reveal-uic"' not in html


def test_a_resent_withdrawal_is_answered_the_same_with_one_audit_row(
    world: Any, as_user: Any
) -> None:
    from audit.models import AuditEntry

    client = register(world)
    consent = client.consents.get(purpose=Consent.Purpose.FOLLOW_UP)
    http = as_user(world.peer)
    url = reverse("clients:consent_withdraw", args=[client.public_id, consent.pk])
    first = http.post(url, {"confirm": "yes"}, follow=True)
    again = http.post(url, {"confirm": "yes"}, follow=True)
    assert first.redirect_chain == again.redirect_chain
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert [m.level_tag for m in again.context["messages"]] == ["success"]
    rows = AuditEntry.objects.filter(object_type="clients.consent", object_id=str(consent.pk))
    assert rows.filter(changes__has_key="withdrawn").count() == 1


def test_follow_up_read_from_the_consents_listed_agrees_with_the_database(world: Any) -> None:
    """The client's page decides "may be followed up" from the consents it lists instead
    of asking again: the same answer as the query, given, withdrawn and once deceased."""
    from django.utils import timezone

    from clients.models import ClientStatus

    def both(client: Any) -> tuple[bool, bool]:
        return queries.may_follow_up(client), queries.may_follow_up(
            client, list(queries.consents_of(client))
        )

    client = register(world)
    assert both(client) == (True, True)
    client.consents.filter(purpose=Consent.Purpose.FOLLOW_UP).update(withdrawn_at=timezone.now())
    assert both(client) == (False, False)
    other = register(world, given_name="Mai", birth_year=1990, phone="0912000111")
    assert queries.may_follow_up(other, []) is False  # no consent at all: never
    other.status = ClientStatus.DECEASED
    assert both(other) == (False, False)
