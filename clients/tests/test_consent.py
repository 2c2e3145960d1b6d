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


def test_it_withdraws_follow_up_and_stops_contact(world: Any, as_user: Any) -> None:
    client = register(world)
    consent = client.consents.get(purpose=Consent.Purpose.FOLLOW_UP)
    http = as_user(world.peer)
    url = reverse("clients:consent_withdraw", args=[client.public_id, consent.pk])
    assert http.post(url).status_code == 302
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


def test_a_resent_withdrawal_is_answered_the_same_with_one_audit_row(
    world: Any, as_user: Any
) -> None:
    from audit.models import AuditEntry

    client = register(world)
    consent = client.consents.get(purpose=Consent.Purpose.FOLLOW_UP)
    http = as_user(world.peer)
    url = reverse("clients:consent_withdraw", args=[client.public_id, consent.pk])
    first, again = http.post(url, follow=True), http.post(url, follow=True)
    assert first.redirect_chain == again.redirect_chain
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert [m.level_tag for m in again.context["messages"]] == ["success"]
    rows = AuditEntry.objects.filter(object_type="clients.consent", object_id=str(consent.pk))
    assert rows.filter(changes__has_key="withdrawn").count() == 1
