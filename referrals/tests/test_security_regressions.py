"""Regression tests for the security review's findings on referrals (h7): who may be named
as a provider, who may find a client by code, and what notifications carry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Notification
from referrals import queries
from referrals.deliveries import delivery_record
from referrals.forms import CancelForm, DeclineForm, ReferralForm
from referrals.models import Referral, ServiceDelivery
from referrals.services import ConsentMissing, referral_accept, referral_send
from tests.factories import make_client, share_consent

from .conftest import build_services, send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages raised by services are checked in English (pages use the user's language)."""
    with translation.override("en"):
        yield


def _not_available(response: Any) -> str:
    """The one look-up message, in the language the page was rendered in."""
    lang = response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]
    with translation.override(lang):
        return str(queries.NOT_AVAILABLE)


# --- 2. Peer-reported deliveries: providers in the client's province only ----------------


def test_it_offers_only_active_service_providers_of_the_clients_province(world: Any) -> None:
    client = make_client(world)
    offered = set(queries.delivery_providers(world.peer, client))
    assert offered == {world.clinic, world.legal}
    assert world.hue_clinic not in offered and world.agency not in offered
    world.legal.active = False
    world.legal.save()
    assert set(queries.delivery_providers(world.peer, client)) == {world.clinic}
    assert not queries.delivery_providers(world.peer_other_group, client).exists()
    assert not queries.delivery_providers(world.provider, client).exists()


def test_it_refuses_a_peer_naming_an_out_of_scope_provider(world: Any, as_user: Any) -> None:
    client = make_client(world)
    url = reverse("referrals:peer_delivery", args=[client.public_id])
    c = as_user(world.peer)
    for org in (world.hue_clinic, world.agency):
        data = {"provider": org.pk, "service_type": "gyn_exam", "delivered_on": "2025-01-02"}
        response = c.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors["provider"]
    assert not ServiceDelivery.objects.exists()
    ok = {"provider": world.clinic.pk, "service_type": "gyn_exam", "delivered_on": "2025-01-02"}
    assert c.post(url, ok).status_code == 302
    assert ServiceDelivery.objects.get().provider == world.clinic


def test_it_rechecks_the_provider_in_the_delivery_service(world: Any) -> None:
    client = make_client(world)
    with pytest.raises(ValidationError) as error:
        delivery_record(
            actor=world.peer,
            client=client,
            service_type="gyn_exam",
            provider=world.hue_clinic,
            delivered_on=timezone.localdate(),
            source=ServiceDelivery.Source.PEER_REPORTED,
        )
    assert "service provider in the client's province" in str(error.value)
    assert not ServiceDelivery.objects.exists()


# --- 3. Look-up by short code is scoped -------------------------------------------------


def test_it_gives_providers_only_clients_known_to_their_organisation(world: Any) -> None:
    s = build_services(world)
    consented = make_client(world)
    share_consent(consented, world.clinic, world.peer)
    stranger = make_client(world)
    hue_client = make_client(world, group=world.hue_group)
    assert queries.client_by_code(world.provider, consented.short_code) == consented
    assert queries.client_by_code(world.provider, stranger.short_code) is None
    assert queries.client_by_code(world.provider, hue_client.short_code) is None
    assert queries.client_by_code(world.provider_other, consented.short_code) is None
    # A withdrawn consent no longer opens the client.
    consent = consented.consents.get()
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert queries.client_by_code(world.provider, consented.short_code) is None
    # An open referral to the organisation does (the referral was sent under consent).
    share_consent(stranger, world.clinic, world.peer)
    referral = referral_send(
        actor=world.peer,
        client=stranger,
        service=s.gyn,
        reason="x",
        urgency="routine",
        from_kind="peer",
    )
    stranger.consents.update(withdrawn_at=timezone.now())
    assert queries.client_by_code(world.provider, stranger.short_code) == stranger
    # Closed long ago: no longer known.
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.COMPLETED, sent_at=timezone.now() - timedelta(days=400)
    )
    assert queries.client_by_code(world.provider, stranger.short_code) is None


def test_it_refuses_a_walk_in_for_a_client_not_known_to_the_provider(
    world: Any, as_user: Any
) -> None:
    hue_client = make_client(world, group=world.hue_group)
    stranger = make_client(world)
    c = as_user(world.provider)
    url = reverse("referrals:provider_delivery")
    base = {"source": "walk_in", "service_type": "gyn_exam", "delivered_on": "2025-01-02"}
    pages = [
        c.post(url, {**base, "client_code": code})
        for code in ("ZZZZZZ", hue_client.short_code, stranger.short_code)
    ]
    for response in pages:
        assert response.status_code == 200
        assert _not_available(response) in response.content.decode()
    # Same answer whether the code exists or not: no oracle.
    assert pages[0].context["form"].errors == pages[1].context["form"].errors
    assert not ServiceDelivery.objects.exists()
    share_consent(stranger, world.clinic, world.peer)
    assert c.post(url, {**base, "client_code": stranger.short_code}).status_code == 302
    assert ServiceDelivery.objects.get().client == stranger


def test_it_refuses_a_walk_in_in_the_service_too(world: Any) -> None:
    stranger = make_client(world)
    with pytest.raises(ValidationError):
        delivery_record(
            actor=world.provider,
            client=stranger,
            service_type="gyn_exam",
            provider=world.clinic,
            delivered_on=timezone.localdate(),
            source=ServiceDelivery.Source.WALK_IN,
        )
    share_consent(stranger, world.legal, world.peer)
    with pytest.raises(ValidationError):  # not the actor's organisation
        delivery_record(
            actor=world.provider,
            client=stranger,
            service_type="legal_advice",
            provider=world.legal,
            delivered_on=timezone.localdate(),
            source=ServiceDelivery.Source.WALK_IN,
        )
    assert not ServiceDelivery.objects.exists()


def test_it_gives_hotline_counsellors_only_clients_of_their_province(world: Any) -> None:
    qn_client = make_client(world, group=world.other_group)
    hue_client = make_client(world, group=world.hue_group)
    assert queries.client_by_code(world.hotline, qn_client.short_code) == qn_client
    assert queries.client_by_code(world.hotline, hue_client.short_code) is None


def test_it_tells_the_hotline_the_same_for_unknown_and_out_of_scope_codes(
    world: Any, as_user: Any
) -> None:
    build_services(world)
    hue_client = make_client(world, group=world.hue_group)
    c = as_user(world.hotline)
    service = world.clinic.services.first()
    data = {"service": service.pk, "reason": "x", "urgency": "routine"}
    for code in ("ZZZZZZ", hue_client.short_code):
        response = c.post(reverse("referrals:hotline_new"), {**data, "client_code": code})
        assert response.status_code == 200
        assert _not_available(response) in response.content.decode()
    assert not Referral.objects.exists()


def test_it_keeps_code_look_ups_of_senders_and_outsiders_scoped(world: Any) -> None:
    client = make_client(world)
    assert queries.client_by_code(world.peer, client.short_code.lower()) == client
    assert queries.client_by_code(world.coordinator, client.short_code) == client
    for user in (
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
        world.prov_manager,
        world.nat_manager,
        world.nobody,
    ):
        assert queries.client_by_code(user, client.short_code) is None
    assert queries.client_by_code(world.peer, "") is None


# --- 4. Notifications never carry the client's short code -------------------------------


def test_it_keeps_the_short_code_out_of_notifications(world: Any) -> None:
    s = build_services(world)
    client = make_client(world)
    share_consent(client, world.clinic, world.peer)
    referral = referral_send(
        actor=world.peer,
        client=client,
        service=s.gyn,
        reason="x",
        urgency="emergency",
        from_kind="peer",
    )
    referral_accept(actor=world.provider, referral=referral)
    notifications = list(Notification.objects.all())
    assert notifications
    for n in notifications:
        assert client.short_code not in n.title + n.body + n.url
    assert referral.code in Notification.objects.get(user=world.peer).title


def test_it_keeps_the_short_code_out_of_the_missing_consent_message(world: Any) -> None:
    s = build_services(world)
    client = make_client(world)
    with pytest.raises(ConsentMissing) as error:
        send(type("RW", (), {"w": world, "s": s, "client": client})())
    message = " ".join(error.value.messages)
    assert client.short_code not in message
    assert "this client has not consented" in message and world.clinic.name in message


# --- (a) the QR URL and (b) free-text help ---------------------------------------------


def test_it_opens_the_qr_url_only_for_the_addressed_providers_staff(
    world: Any, as_user: Any, client: Any
) -> None:
    s = build_services(world)
    rw = type("RW", (), {"w": world, "s": s, "client": make_client(world)})()
    share_consent(rw.client, world.clinic, world.peer)
    referral = send(rw)
    url = reverse("referrals:inbox_find")
    scanned = {"code": f"http://testserver{url}#{referral.code}"}
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]
    for user in (world.peer, world.hotline, world.coordinator, world.nobody):
        assert as_user(user).post(url, scanned).status_code == 404
    assert as_user(world.provider_other).post(url, scanned).status_code == 200  # not found
    response = as_user(world.provider).post(url, scanned)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:inbox_detail", args=[referral.public_id])


def test_it_warns_against_identifiers_in_audited_free_text() -> None:
    from django.db.models import QuerySet

    from directory.models import Service

    services: QuerySet[Service] = Service.objects.none()
    fields = [
        DeclineForm().fields["reason"],
        CancelForm().fields["reason"],
        ReferralForm(services=services, allow_override=True).fields["override_reason"],
    ]
    for field in fields:
        assert "Do not write names or phone numbers here." in str(field.help_text)


def test_it_keeps_the_short_code_out_of_reminders_and_expiry_notices(world: Any) -> None:
    from referrals.services import referral_expire, referral_remind

    s = build_services(world)
    client = make_client(world)
    share_consent(client, world.clinic, world.peer)
    rw = type("RW", (), {"w": world, "s": s, "client": client})()
    for referral in (send(rw), send(rw)):
        Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=40))
    first, second = Referral.objects.order_by("id")
    assert referral_remind(referral=first)
    referral_expire(referral=second)
    texts = [n.title + n.body for n in Notification.objects.filter(user=world.peer)]
    assert len(texts) == 2
    assert all(client.short_code not in text for text in texts)
