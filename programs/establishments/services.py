"""Writes of establishments (karaoke bars, hotels, guesthouses... where the workers' rights
model reaches workers): registration with the owner's contact stored only encrypted, the
owner's contact changed or read (every reading audited), agreements signed.

One keyword-only function per use case, taking the acting user and typed values; each runs
in a transaction and writes its audit entry inside it. `changes` holds field names, never
the owner's name or phone. Why no link to enforcement data: docs/establishments.md."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.crypto import EncryptedIdentity
from core.keys import note_erasure
from geo.models import Commune

from ..models import Establishment, EstablishmentAgreement, SupportModel
from .queries import can_manage_owner_contact


def _check_owner_contact_access(actor: User, establishment: Establishment) -> None:
    if not can_manage_owner_contact(actor, establishment):
        raise ValidationError(
            _(
                "Only the model's coordinators and its group leaders can see or change the "
                "owner's contact."
            )
        )


def _owner_fields(owner_name: str, owner_phone: str) -> dict[str, str]:
    return {"owner_name": owner_name.strip(), "owner_phone": owner_phone.strip()}


@transaction.atomic
def establishment_register(
    *,
    actor: User,
    name: str,
    kind: str,
    commune: Commune,
    support_model: SupportModel | None,
    owner_name: str = "",
    owner_phone: str = "",
) -> Establishment:
    """Register an establishment. The owner's contact is stored only encrypted."""
    if kind not in Establishment.Kind.values:
        raise ValidationError({"kind": _("Unknown establishment kind.")})
    establishment = Establishment(
        name=name.strip(), kind=kind, commune=commune, support_model=support_model
    )
    fields = _owner_fields(owner_name, owner_phone)
    if any(fields.values()):
        establishment.wrapped_key, establishment.owner_contact_blob = EncryptedIdentity.seal(
            fields, establishment.crypto_context
        )
    establishment.save()
    audit_record(
        actor=actor,
        action="establishment.register",
        obj=establishment,
        changes={
            "fields": ["name", "kind", "commune", "support_model"]
            + [k for k, v in fields.items() if v]
        },
    )
    return establishment


@transaction.atomic
def establishment_set_owner_contact(
    *, actor: User, establishment: Establishment, owner_name: str, owner_phone: str
) -> Establishment:
    """Replace the owner's contact (empty values clear it; clearing destroys the key).
    Coordinators of the model and leaders of its groups only."""
    _check_owner_contact_access(actor, establishment)
    caller = establishment
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    fields = _owner_fields(owner_name, owner_phone)
    had_key = bool(establishment.wrapped_key)
    if any(fields.values()):
        # A fresh data key each time: the old ciphertext becomes unreadable.
        establishment.wrapped_key, establishment.owner_contact_blob = EncryptedIdentity.seal(
            fields, establishment.crypto_context
        )
    else:
        establishment.wrapped_key = None
        establishment.owner_contact_blob = None
    establishment.save(update_fields=["wrapped_key", "owner_contact_blob"])
    if had_key:
        note_erasure()  # the old data key is destroyed: the next rotation makes it final
    caller.wrapped_key = establishment.wrapped_key
    caller.owner_contact_blob = establishment.owner_contact_blob
    audit_record(
        actor=actor,
        action="establishment.set_owner_contact",
        obj=establishment,
        changes={
            "fields": [k for k, v in fields.items() if v],
            "cleared": not any(fields.values()),
        },
    )
    return establishment


def establishment_owner_contact(
    *, actor: User, establishment: Establishment, reason: str
) -> dict[str, str]:
    """Decrypt the owner's contact for display; every reading is audited. Coordinators of
    the model and leaders of its groups only."""
    _check_owner_contact_access(actor, establishment)
    if not establishment.wrapped_key:
        return {"owner_name": "", "owner_phone": ""}
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="establishment.view_owner_contact",
            obj=establishment,
            reason=reason,
        )
    return EncryptedIdentity.open(
        establishment.wrapped_key, establishment.owner_contact_blob, establishment.crypto_context
    )


@transaction.atomic
def establishment_agreement_record(
    *, actor: User, establishment: Establishment, signed_on: date, summary: str, signed_by: str
) -> EstablishmentAgreement:
    agreement = EstablishmentAgreement.objects.create(
        establishment=establishment,
        signed_on=signed_on,
        summary=summary.strip(),
        signed_by=signed_by,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="establishment.agreement_record",
        obj=agreement,
        changes={"fields": ["signed_on", "summary", "signed_by"]},
    )
    return agreement
