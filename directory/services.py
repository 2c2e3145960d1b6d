"""Writes to the service directory, each audited. Pages build the typed input
(`ServiceDetails`, `LocationDetails`, `AgreementDetails`) from their forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts import scope
from accounts.models import User
from audit.services import audit_record
from core.records import assign, filled, values_of
from geo.models import Commune, Province
from programs.models import Organisation, SupportModel

from . import queries
from .models import Agreement, AgreementLine, Location, Service


@dataclass(frozen=True)
class ServiceDetails:
    organisation: Organisation
    service_type: str
    name: str
    description: str = ""
    eligibility: str = ""
    languages: Sequence[str] = ()
    cost: str = Service.Cost.FREE
    fee_note: str = ""
    opening_hours: str = ""
    phone: str = ""
    friendly_to_key_populations: bool = False
    locations: Sequence[Location] = ()
    last_verified_on: date | None = None
    active: bool = True


@dataclass(frozen=True)
class LocationDetails:
    organisation: Organisation
    name: str
    address: str = ""
    province: Province | None = None
    commune: Commune | None = None
    confidential: bool = False
    opening_hours: str = ""
    phone: str = ""
    last_verified_on: date | None = None
    active: bool = True


@dataclass(frozen=True)
class AgreementLineDetails:
    service_type: str
    quantity: int
    amount_vnd: int | None = None


@dataclass(frozen=True)
class AgreementDetails:
    provider: Organisation
    title: str
    start_date: date
    end_date: date
    support_model: SupportModel | None = None
    reference: str = ""
    budget_vnd: int | None = None
    note: str = ""
    lines: Sequence[AgreementLineDetails] = ()


def _require_editable_organisation(actor: User, organisation_id: int) -> None:
    if not queries.editable_organisations(actor).filter(pk=organisation_id).exists():
        raise ValidationError(
            {"organisation": _("You cannot edit the services of this organisation.")}
        )


def _write(actor: User, instance: Model, values: dict[str, object]) -> list[str]:
    """Create or update the row with its audit entry; the names of the fields written."""
    created = instance.pk is None
    changed = assign(instance, values)
    written = filled(values) if created else changed
    instance.full_clean(exclude=["locations"])
    instance.save()
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=instance,
        changes={"fields": written},
    )
    return written


@transaction.atomic
def service_save(*, actor: User, service: Service | None, details: ServiceDetails) -> Service:
    """Create a service (`service` None) or update one; its organisation, before and after,
    must be one the actor may edit."""
    if service is not None:
        service = Service.objects.select_for_update().get(pk=service.pk)
        _require_editable_organisation(actor, service.organisation_id)
    _require_editable_organisation(actor, details.organisation.pk)
    service = service or Service()
    values = values_of(details, skip=("locations",))
    values["languages"] = list(details.languages)
    _write(actor, service, values)
    service.locations.set(list(details.locations))
    return service


@transaction.atomic
def location_save(*, actor: User, location: Location | None, details: LocationDetails) -> Location:
    if location is not None:
        location = Location.objects.select_for_update().get(pk=location.pk)
        _require_editable_organisation(actor, location.organisation_id)
    _require_editable_organisation(actor, details.organisation.pk)
    location = location or Location()
    _write(actor, location, values_of(details))
    return location


@transaction.atomic
def agreement_save(
    *, actor: User, agreement: Agreement | None, details: AgreementDetails
) -> Agreement:
    """Create or update an agreement and replace its lines with the given ones."""
    if agreement is not None and not (
        queries.editable_agreements(actor).filter(pk=agreement.pk).exists()
    ):
        raise ValidationError(_("You cannot edit this agreement."))
    model = details.support_model
    if not (model is None and scope.is_admin(actor)) and not (
        model is not None and queries.agreement_support_models(actor).filter(pk=model.pk).exists()
    ):
        raise ValidationError({"support_model": _("Choose one of your own support models.")})
    if (
        not queries.editable_organisations(actor)
        .filter(pk=details.provider.pk, kind=Organisation.Kind.SERVICE_PROVIDER)
        .exists()
    ):
        raise ValidationError({"provider": _("Choose a service provider you may edit.")})
    agreement = agreement or Agreement()
    _write(actor, agreement, values_of(details, skip=("lines",)))
    agreement.lines.all().delete()
    AgreementLine.objects.bulk_create(
        AgreementLine(
            agreement=agreement,
            service_type=line.service_type,
            quantity=line.quantity,
            amount_vnd=line.amount_vnd,
        )
        for line in details.lines
    )
    audit_record(
        actor=actor,
        action="update",
        obj=agreement,
        changes={"lines": len(details.lines)},
    )
    return agreement
