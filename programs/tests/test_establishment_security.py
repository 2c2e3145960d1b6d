"""Regression tests for the security review: the establishment owner's contact is for the
model's coordinators and its groups' leaders only, and every reading of it is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from programs.establishments import services
from tests.factories import make_establishment

pytestmark = pytest.mark.django_db

# --- 3. Establishment owner contact ----------------------------------------------------

OWNER_PHONE = "0912345678"


def _establishment(world):
    return make_establishment(world, owner_name="Trần Văn Chủ Quán", owner_phone=OWNER_PHONE)


def test_it_hides_the_owner_contact_from_peers(world, as_user):
    est = _establishment(world)
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    http = as_user(world.peer)
    response = http.get(url)
    assert response.status_code == 200 and "Karaoke Sao Biển" in response.content.decode()
    assert 'value="reveal"' not in response.content.decode()
    assert 'value="contact"' not in response.content.decode()
    assert http.post(url, {"action": "reveal", "reveal-reason": "gọi"}).status_code == 404
    response = http.post(
        url, {"action": "contact", "contact-owner_name": "", "contact-owner_phone": "0900000000"}
    )
    assert response.status_code == 404
    est.refresh_from_db()
    assert (
        services.establishment_owner_contact(
            actor=world.coordinator, establishment=est, reason="kiểm tra"
        )["owner_phone"]
        == OWNER_PHONE
    )
    assert not AuditEntry.objects.filter(
        action="establishment.view_owner_contact", actor=world.peer
    ).exists()


def test_it_refuses_peers_in_the_owner_contact_services(world):
    est = _establishment(world)
    for user in (world.peer, world.peer_other_group, world.coordinator_other, world.hotline):
        with pytest.raises(ValidationError):
            services.establishment_owner_contact(actor=user, establishment=est, reason="x")
        with pytest.raises(ValidationError):
            services.establishment_set_owner_contact(
                actor=user, establishment=est, owner_name="", owner_phone=""
            )
    est.refresh_from_db()
    assert est.wrapped_key


def test_it_lets_the_group_leader_and_coordinator_reveal_with_an_audit(world, as_user):
    est = _establishment(world)
    url = reverse("establishments:establishment_detail", args=[est.public_id])
    for user in (world.leader, world.coordinator):
        response = as_user(user).post(url, {"action": "reveal", "reveal-reason": "mời hội thảo"})
        assert OWNER_PHONE in response.content.decode(), user
        entry = AuditEntry.objects.filter(
            action="establishment.view_owner_contact", actor=user
        ).get()
        assert entry.reason == "mời hội thảo"
    response = as_user(world.leader).post(
        url, {"action": "contact", "contact-owner_name": "", "contact-owner_phone": "0987654321"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="establishment.set_owner_contact", actor=world.leader
    ).exists()
