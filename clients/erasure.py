"""Erasure of a client's identity (the right to be forgotten): the data key and the encrypted
identity destroyed, the free text about the client blanked here and in every app that
registered an erasure hook."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.keys import note_erasure
from core.registry import run_erasure_hooks

from .models import Client, ClientIdentityToken, ClientStatusChange, DataSubjectRequest, UnmaskGrant
from .records import lock_client, refresh_client, refuse_identifying


@transaction.atomic
def client_erase(*, actor: User, client: Client, reason: str) -> Client:
    """Destroy the client's wrapped data key and encrypted identity: the name, nickname,
    phone and notes can no longer be recovered, even with the master key. The pseudonymous
    record and everything counted in reports stay. Closes open erasure requests."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why this identity is erased.")})
    caller = client
    # The lock makes an edit in flight wait for the erasure (and re-read it), and an
    # erasure wait for an edit in flight (and then destroy what it wrote).
    client = lock_client(client)
    # The reason outlives the identity (in the audit log): it may not hold it.
    refuse_identifying(client=client, field="reason", text=reason)
    if client.is_erased:
        refresh_client(caller, client)
        return caller
    had = [k for k in ("wrapped_key", "identity_blob") if getattr(client, k)]
    client.wrapped_key = None
    client.identity_blob = None
    client.phone_index = ""
    client.name_index = ""
    client.erased_at = timezone.now()
    client.save(
        update_fields=[
            "wrapped_key",
            "identity_blob",
            "phone_index",
            "name_index",
            "erased_at",
            "updated_at",
        ]
    )
    UnmaskGrant.objects.filter(client=client).delete()
    ClientIdentityToken.objects.filter(client=client).delete()
    # Free text about the client elsewhere may identify them: blank it too, here and
    # in the apps that registered an erasure hook (referrals, safety).
    ClientStatusChange.objects.filter(client=client).update(note="")
    DataSubjectRequest.objects.filter(client=client).update(note="")
    run_erasure_hooks(client)
    note_erasure()  # the next master key rotation makes it final for every copy
    closed = DataSubjectRequest.objects.filter(
        client=client, kind=DataSubjectRequest.Kind.ERASE, closed_at__isnull=True
    ).update(closed_at=client.erased_at, closed_by=actor)
    audit_record(
        actor=actor,
        action="erase",
        obj=client,
        changes={"destroyed": had, "requests_closed": closed},
        reason=reason,
    )
    refresh_client(caller, client)
    return caller
