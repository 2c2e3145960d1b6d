"""Erasure reaches every copy of free text about the client, in every app."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from clients.erasure import client_erase
from conftest import identifying
from core.crypto import DecryptionError, EncryptedIdentity
from referrals.models import Referral
from referrals.services import referral_send
from referrals.tests.conftest import build_services, share_consent
from safety.models import Incident
from safety.services import IncidentReport, incident_record

from .conftest import NAME, PHONE_DIGITS, register


def test_it_blanks_referral_text_and_incident_accounts_on_erasure(world: Any) -> None:
    identifying(NAME, PHONE_DIGITS)
    client = register(world)
    services = build_services(world)
    share_consent(client, world.clinic, world.peer)
    referral = referral_send(
        actor=world.peer,
        client=client,
        service=services.gyn,
        reason=f"{NAME} needs an exam",
        urgency="routine",
        note=f"Call {PHONE_DIGITS}",
        from_kind="peer",
    )
    incident = incident_record(
        actor=world.peer,
        report=IncidentReport(
            occurred_on=date(2026, 1, 5),
            place_type="street",
            province=world.qn,
            violence_types=["physical"],
            perpetrator_kind="client",
            reported_via="peer",
            action_taken="counselled",
            client=client,
            peer_group=world.group,
            details=f"{NAME} was hit",
        ),
    )

    client_erase(actor=world.leader, client=client, reason="asked")

    referral = Referral.objects.get(pk=referral.pk)
    assert referral.reason == "" and referral.note == ""
    assert not referral.events.exclude(note="").exists()
    assert referral.status  # the referral itself stays, and still counts
    incident = Incident.objects.get(pk=incident.pk)
    with pytest.raises(DecryptionError):
        EncryptedIdentity.open(incident.wrapped_key, incident.details_blob, "any")
    assert incident.perpetrator_kind == "client"  # counted fields stay
