"""Writes to the service directory, each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record

from .models import Agreement, Location, Service


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
    _save(actor, service, list(form.changed_data))
    form.save_m2m()
    return service  # type: ignore[no-any-return]


@transaction.atomic
def location_save(*, actor: Any, form: Any) -> Location:
    return _save(actor, form.save(commit=False), list(form.changed_data))  # type: ignore[no-any-return]


@transaction.atomic
def agreement_save(*, actor: Any, form: Any, lines: Any) -> Agreement:
    agreement = _save(actor, form.save(commit=False), list(form.changed_data))
    lines.instance = agreement
    lines.save()
    audit_record(
        actor=actor,
        action="update",
        obj=agreement,
        changes={"lines": agreement.lines.count()},
    )
    return agreement  # type: ignore[no-any-return]
