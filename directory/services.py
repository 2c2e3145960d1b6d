"""Writes to the service directory, each audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import scope
from audit.services import audit_record
from programs.models import Organisation

from . import queries
from .models import Agreement, Location, Service


def _require_editable_organisation(actor: Any, organisation_id: Any) -> None:
    if not queries.editable_organisations(actor).filter(pk=organisation_id).exists():
        raise ValidationError(
            {"organisation": _("You cannot edit the services of this organisation.")}
        )


def _save(actor: Any, instance: Any, fields: list[str]) -> Any:
    created = instance.pk is None
    instance.save()
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=instance,
        changes={"fields": fields},
    )
    return instance


@transaction.atomic
def service_save(*, actor: Any, form: Any) -> Service:
    service = form.save(commit=False)
    if service.pk is not None:
        _require_editable_organisation(
            actor, Service.objects.filter(pk=service.pk).values("organisation_id")[:1]
        )
    _require_editable_organisation(actor, service.organisation_id)
    _save(actor, service, list(form.changed_data))
    form.save_m2m()
    return service


@transaction.atomic
def location_save(*, actor: Any, form: Any) -> Location:
    location = form.save(commit=False)
    if location.pk is not None:
        _require_editable_organisation(
            actor, Location.objects.filter(pk=location.pk).values("organisation_id")[:1]
        )
    _require_editable_organisation(actor, location.organisation_id)
    return _save(actor, location, list(form.changed_data))


@transaction.atomic
def agreement_save(*, actor: Any, form: Any, lines: Any) -> Agreement:
    agreement = form.save(commit=False)
    if agreement.pk is not None and not (
        queries.editable_agreements(actor).filter(pk=agreement.pk).exists()
    ):
        raise ValidationError(_("You cannot edit this agreement."))
    if not (agreement.support_model_id is None and scope.is_admin(actor)) and not (
        queries.agreement_support_models(actor).filter(pk=agreement.support_model_id).exists()
    ):
        raise ValidationError({"support_model": _("Choose one of your own support models.")})
    if (
        not queries.editable_organisations(actor)
        .filter(pk=agreement.provider_id, kind=Organisation.Kind.SERVICE_PROVIDER)
        .exists()
    ):
        raise ValidationError({"provider": _("Choose a service provider you may edit.")})
    agreement = _save(actor, agreement, list(form.changed_data))
    lines.instance = agreement
    lines.save()
    audit_record(
        actor=actor,
        action="update",
        obj=agreement,
        changes={"lines": agreement.lines.count()},
    )
    return agreement
