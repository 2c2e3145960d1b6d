"""Erasure destroys the data key: identity is gone even with the master key; counts stay."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Client, DataSubjectRequest
from clients.subject_requests import request_record
from core.crypto import DecryptionError, EncryptedIdentity, decrypt_fields, master_key
from outreach.models import OutreachContact
from outreach.services import ContactDetails, contact_log

from .conftest import NAME, register


def test_it_erases_identity_for_good_and_keeps_the_counts(world: Any, as_user: Any) -> None:
    client = register(world)
    assert client.wrapped_key and client.identity_blob
    old_key, old_blob = bytes(client.wrapped_key), bytes(client.identity_blob)
    for _ in range(3):
        contact_log(
            actor=world.peer,
            details=ContactDetails(
                peer_group=world.group,
                contact_date=client.registered_on,
                place_type="street",
                client=client,
            ),
        )
    request = request_record(
        actor=world.peer, client=client, kind="erase", received_on=client.registered_on
    )
    counts = (Client.objects.count(), OutreachContact.objects.filter(client=client).count())

    http = as_user(world.leader)
    url = reverse("clients:erase", args=[client.public_id])
    assert http.post(url, {"reason": "Client asked on the phone"}).status_code == 200  # no confirm
    response = http.post(url, {"reason": "Client asked on the phone", "confirm": "on"})
    assert response.status_code == 302

    client.refresh_from_db()
    assert client.wrapped_key is None and client.identity_blob is None
    assert client.phone_index == "" and client.name_index == "" and client.erased_at
    with pytest.raises(DecryptionError):
        EncryptedIdentity.open(client.wrapped_key, client.identity_blob, client.crypto_context)
    # Even an old copy of the blob cannot be read with the master key alone: the data key
    # that encrypted it is gone, and the master key does not decrypt the blob.
    with pytest.raises(DecryptionError):
        decrypt_fields(master_key(), old_blob, client.crypto_context)
    assert old_key  # the wrapped key existed before and is no longer stored anywhere
    assert counts == (Client.objects.count(), OutreachContact.objects.filter(client=client).count())
    assert AuditEntry.objects.filter(action="erase", object_id=str(client.pk)).exists()
    request.refresh_from_db()
    assert request.closed_at is not None
    page = http.get(reverse("clients:detail", args=[client.public_id])).content.decode()
    assert "Identity erased" in page and NAME not in page
    assert http.get(url).status_code == 404  # nothing left to erase


@pytest.mark.parametrize("who", ["peer", "peer_other_group", "provider", "prov_manager", "admin"])
def test_it_lets_only_leaders_and_coordinators_erase(world: Any, as_user: Any, who: str) -> None:
    client = register(world)
    url = reverse("clients:erase", args=[client.public_id])
    response = as_user(getattr(world, who)).post(url, {"reason": "x", "confirm": "on"})
    assert response.status_code == 404
    client.refresh_from_db()
    assert client.erased_at is None


def test_it_lets_the_coordinator_erase_without_seeing_identity(world: Any, as_user: Any) -> None:
    client = register(world)
    http = as_user(world.coordinator)
    url = reverse("clients:erase", args=[client.public_id])
    assert http.post(url, {"reason": "Request of 2 May", "confirm": "on"}).status_code == 302
    assert Client.objects.get(pk=client.pk).erased_at is not None
    assert not DataSubjectRequest.objects.exists()
