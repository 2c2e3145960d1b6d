"""Every write of programmes data: one function per use case, in a transaction, audited.

Audit entries name the fields that changed, never their values."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from accounts import scope
from audit.services import audit_record

from .models import Membership, Organisation, PeerGroup, SupportModel

SUPPORT_MODEL_FIELDS = (
    "name",
    "kind",
    "province",
    "lead_organisation",
    "start_date",
    "end_date",
    "funding_source",
    "decision_number",
    "decision_date",
    "budget_vnd",
)
PEER_GROUP_FIELDS = ("name", "kind", "support_model", "founded_on", "active")
MEMBERSHIP_FIELDS = ("alias", "role", "joined_on", "left_on")
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "province",
    "commune",
    "description",
    "phone",
    "email",
    "website",
    "active",
)


def _assign(obj: Any, fields: tuple[str, ...], data: dict[str, Any]) -> list[str]:
    """Set the given fields from data; return the names of those that changed."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        field = obj._meta.get_field(name)
        value = data[name]
        if field.many_to_one:
            # Compare ids: reading an unset relation raises.
            current, new = getattr(obj, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _set_communes(obj: SupportModel | PeerGroup, communes: Any) -> bool:
    if communes is None:
        return False
    wanted = {c.pk for c in communes}
    current = set(obj.communes.values_list("pk", flat=True))
    if wanted == current:
        return False
    obj.communes.set(list(communes))
    return True


@transaction.atomic
def support_model_create(*, actor: Any, data: dict[str, Any]) -> SupportModel:
    model = SupportModel()
    _assign(model, SUPPORT_MODEL_FIELDS, data)
    model.full_clean()
    model.save()
    _set_communes(model, data.get("communes"))
    audit_record(
        actor=actor,
        action="create",
        obj=model,
        changes={"fields": sorted(k for k in data if data[k] not in (None, ""))},
    )
    return model


@transaction.atomic
def support_model_update(*, actor: Any, model: SupportModel, data: dict[str, Any]) -> list[str]:
    model = SupportModel.objects.select_for_update().get(pk=model.pk)
    fields: tuple[str, ...] = SUPPORT_MODEL_FIELDS
    if not scope.is_admin(actor):
        # A coordinator's reach follows the model's province: only administrators move it.
        fields = tuple(f for f in fields if f != "province")
    changed = _assign(model, fields, data)
    if changed:
        model.full_clean()
        model.save()
    if _set_communes(model, data.get("communes")):
        changed.append("communes")
    if changed:
        audit_record(actor=actor, action="update", obj=model, changes={"fields": changed})
    return changed


@transaction.atomic
def peer_group_create(*, actor: Any, data: dict[str, Any]) -> PeerGroup:
    group = PeerGroup()
    _assign(group, PEER_GROUP_FIELDS, data)
    group.full_clean()
    group.save()
    _set_communes(group, data.get("communes"))
    audit_record(
        actor=actor,
        action="create",
        obj=group,
        changes={"fields": sorted(k for k in data if data[k] not in (None, ""))},
    )
    return group


@transaction.atomic
def peer_group_update(*, actor: Any, group: PeerGroup, data: dict[str, Any]) -> list[str]:
    group = PeerGroup.objects.select_for_update().get(pk=group.pk)
    changed = _assign(group, PEER_GROUP_FIELDS, data)
    if changed:
        group.full_clean()
        group.save()
    if _set_communes(group, data.get("communes")):
        changed.append("communes")
    if changed:
        audit_record(actor=actor, action="update", obj=group, changes={"fields": changed})
    return changed


@transaction.atomic
def membership_add(
    *,
    actor: Any,
    peer_group: PeerGroup,
    alias: str,
    role: str,
    joined_on: date,
    left_on: date | None = None,
) -> Membership:
    member = Membership(
        peer_group=peer_group, alias=alias, role=role, joined_on=joined_on, left_on=left_on
    )
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action="create",
        obj=member,
        changes={"peer_group": peer_group.pk, "fields": ["alias", "role", "joined_on"]},
    )
    return member


@transaction.atomic
def membership_update(*, actor: Any, membership: Membership, data: dict[str, Any]) -> list[str]:
    member = Membership.objects.select_for_update().get(pk=membership.pk)
    changed = _assign(member, MEMBERSHIP_FIELDS, data)
    if changed:
        member.full_clean()
        member.save()
        audit_record(actor=actor, action="update", obj=member, changes={"fields": changed})
    return changed


@transaction.atomic
def membership_leave(*, actor: Any, membership: Membership, left_on: date) -> Membership:
    member = Membership.objects.select_for_update().get(pk=membership.pk)
    member.left_on = left_on
    member.full_clean()
    member.save(update_fields=["left_on"])
    audit_record(actor=actor, action="update", obj=member, changes={"fields": ["left_on"]})
    return member


@transaction.atomic
def organisation_create(*, actor: Any, data: dict[str, Any]) -> Organisation:
    org = Organisation()
    _assign(org, ORGANISATION_FIELDS, data)
    org.full_clean()
    org.save()
    audit_record(
        actor=actor,
        action="create",
        obj=org,
        changes={"fields": sorted(k for k in data if data[k] not in (None, ""))},
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: dict[str, Any]
) -> list[str]:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = _assign(org, ORGANISATION_FIELDS, data)
    if changed:
        org.full_clean()
        org.save()
        audit_record(actor=actor, action="update", obj=org, changes={"fields": changed})
    return changed
