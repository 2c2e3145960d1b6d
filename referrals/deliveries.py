"""Service deliveries: a service a client received, recorded from a referral, reported by a
peer, or at a walk-in or a mobile day, each attributed only to a provider the recorder may
name for that client. Audited inside the transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from clients.models import Client
from directory.models import Service
from directory.taxonomy import SERVICE_TYPES, category_of
from programs.models import Organisation

from . import queries
from .models import Referral, ServiceDelivery


def _check_delivery_scope(
    *, actor: User, client: Client, provider: Organisation, source: str, referral: Any
) -> None:
    """Who may attribute a service to which provider, checked here and not only in forms:
    - from a referral: the referral's own provider, for the referral's client;
    - peer-reported: an active service provider in the client's province
      (queries.delivery_providers), by someone who follows the client;
    - walk-in / mobile day: provider staff for their own organisation and a client known to
      it (queries.client_by_code's scope), or a sender (e.g. a coordinator at a mobile
      health-check day) for a client of theirs."""
    if source == ServiceDelivery.Source.REFERRAL:
        if (
            referral is None
            or referral.provider_id != provider.pk
            or referral.client_id != (client.pk)
        ):
            raise ValidationError(_("This service does not match its referral."))
        return
    if source == ServiceDelivery.Source.PEER_REPORTED:
        if not queries.delivery_providers(actor, client).filter(pk=provider.pk).exists():
            raise ValidationError(
                {
                    "provider": _(
                        "Choose an active service provider in the client's province. "
                        "This organisation cannot be named for this client."
                    )
                }
            )
        return
    if provider.pk in queries.provider_org_ids(actor):
        if queries.code_lookup_clients(actor).filter(pk=client.pk).exists():
            return
        raise ValidationError({"client_code": queries.NOT_AVAILABLE})
    if queries.referable_clients(actor).filter(pk=client.pk).exists():
        return
    raise ValidationError(_("You cannot record a service for this client at this provider."))


@transaction.atomic
def delivery_record(
    *,
    actor: User,
    client: Client,
    service_type: str,
    provider: Organisation,
    delivered_on: date,
    source: str,
    referral: Referral | None = None,
    service: Service | None = None,
    amount_vnd: int | None = None,
) -> ServiceDelivery:
    """Record a service a client received. Duplicates are allowed (the UI warns): reports
    count one person-time per distinct (client, category, provider, date)."""
    if service_type not in SERVICE_TYPES:
        raise ValidationError({"service_type": _("Unknown service type.")})
    if source not in ServiceDelivery.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    if amount_vnd is not None and amount_vnd < 0:
        raise ValidationError({"amount_vnd": _("The amount cannot be negative.")})
    _check_delivery_scope(
        actor=actor, client=client, provider=provider, source=source, referral=referral
    )
    delivery = ServiceDelivery.objects.create(
        client=client,
        service_type=service_type,
        category=category_of(service_type),
        provider=provider,
        service=service,
        delivered_on=delivered_on,
        referral=referral,
        source=source,
        amount_vnd=amount_vnd,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=delivery,
        changes={"service_type": service_type, "source": source},
    )
    return delivery
