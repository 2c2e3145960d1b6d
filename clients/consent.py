"""A client's consents: recorded once per purpose (and provider), withdrawn once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record

from .models import Client, Consent
from .records import lock_client


@transaction.atomic
def consent_record(
    *,
    actor: User,
    client: Client,
    purpose: str,
    method: str,
    provider: Any = None,
    taken_at: Any = None,
) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    if method not in Consent.Method.values:
        raise ValidationError({"method": _("Choose how the consent was given.")})
    if purpose == Consent.Purpose.SHARE_PROVIDER and provider is None:
        raise ValidationError({"provider": _("Name the provider the client agrees to share with.")})
    if purpose != Consent.Purpose.SHARE_PROVIDER:
        provider = None
    lock_client(client)  # serialise with erasure and other writes of this client
    existing = Consent.objects.filter(
        client=client, purpose=purpose, provider=provider, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    consent = Consent.objects.create(
        client=client,
        purpose=purpose,
        provider=provider,
        method=method,
        taken_by=actor,
        taken_at=taken_at or timezone.now(),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=consent,
        changes={"purpose": purpose, "method": method, "client": client.pk},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """Withdrawing follow-up consent stops reminders and contact (queries.may_follow_up).
    Sent twice (a double tap, a resend, two at once): the row is locked and read again,
    so the second send finds it withdrawn and is answered the same, with one audit row."""
    Client.objects.select_for_update().filter(pk=consent.client_id).first()
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="update",
        obj=consent,
        changes={"withdrawn": consent.purpose, "client": consent.client_id},
    )
    return consent
