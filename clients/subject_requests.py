"""Data-subject requests (access, correction, erasure…): recorded with their due date and
closed, with no identifying free text."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record

from .models import Client, DataSubjectRequest
from .records import lock_client, refuse_identifying


@transaction.atomic
def request_record(
    *, actor: User, client: Client, kind: str, received_on: date, note: str = ""
) -> DataSubjectRequest:
    if kind not in DataSubjectRequest.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of request.")})
    if lock_client(client).is_erased:
        note = ""  # free text about an erased client is not kept (see client_erase)
    note = (note or "").strip()
    refuse_identifying(client=client, field="note", text=note)
    due = received_on + timedelta(days=DataSubjectRequest.DUE_DAYS[DataSubjectRequest.Kind(kind)])
    request = DataSubjectRequest.objects.create(
        client=client,
        kind=kind,
        received_on=received_on,
        due_on=due,
        note=note,
        created_by=actor,
    )
    audit_record(actor=actor, action="create", obj=request, changes={"kind": kind})
    return request


@transaction.atomic
def request_close(
    *, actor: User, request: DataSubjectRequest, note: str = ""
) -> DataSubjectRequest:
    locked_client = Client.objects.select_for_update().get(pk=request.client_id)
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.closed_at is not None:
        return request
    if locked_client.is_erased:
        note = ""
    note = (note or "").strip()
    refuse_identifying(client=locked_client, field="note", text=note)
    request.closed_at = timezone.now()
    request.closed_by = actor
    if note:
        request.note = (f"{request.note} — {note}" if request.note else note)[:300]
    request.save(update_fields=["closed_at", "closed_by", "note"])
    audit_record(actor=actor, action="update", obj=request, changes={"closed": True})
    return request
