"""Every write of programmes data: one function per use case, in a transaction, audited.

Audit entries name the fields that changed, never their values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db import transaction

from accounts import scope
from accounts.models import User
from audit.services import audit_record
from core.records import assign, filled, values_of
from geo.models import Commune, Province

from .models import Membership, Organisation, PeerGroup, SupportModel

_Record = TypeVar("_Record", Organisation, SupportModel, PeerGroup)


@dataclass(frozen=True)
class SupportModelDetails:
    """What a support model says about itself; `communes` None leaves them as they are."""

    name: str
    kind: str
    province: Province
    start_date: date
    lead_organisation: Organisation | None = None
    end_date: date | None = None
    funding_source: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    budget_vnd: int | None = None
    communes: Sequence[Commune] | None = None


@dataclass(frozen=True)
class PeerGroupDetails:
    """What a peer group says about itself; `communes` None leaves them as they are."""

    name: str
    support_model: SupportModel
    kind: str = PeerGroup.Kind.PEER_GROUP
    founded_on: date | None = None
    active: bool = True
    communes: Sequence[Commune] | None = None


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    kind: str
    province: Province | None = None
    commune: Commune | None = None
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    active: bool = True


def _values(
    details: SupportModelDetails | PeerGroupDetails | OrganisationDetails,
) -> dict[str, object]:
    return values_of(details, skip=("communes",))


def _filled(values: dict[str, object], communes: Sequence[Commune] | None = None) -> list[str]:
    return filled(values, *(["communes"] if communes is not None else []))


def _set_communes(obj: SupportModel | PeerGroup, communes: Sequence[Commune] | None) -> bool:
    if communes is None:
        return False
    wanted = {c.pk for c in communes}
    current = set(obj.communes.values_list("pk", flat=True))
    if wanted == current:
        return False
    obj.communes.set(list(communes))
    return True


def _create(
    actor: User, obj: _Record, values: dict[str, object], communes: Sequence[Commune] | None = None
) -> _Record:
    """Write a new record (`obj`, unsaved) from `values` (and a model's or group's
    `communes`), with its audit entry naming the fields filled in."""
    assign(obj, values)
    obj.full_clean()
    obj.save()
    if isinstance(obj, SupportModel | PeerGroup):
        _set_communes(obj, communes)
    audit_record(
        actor=actor, action="create", obj=obj, changes={"fields": _filled(values, communes)}
    )
    return obj


def _update(
    actor: User,
    obj: Membership | Organisation | SupportModel | PeerGroup,
    values: dict[str, object],
    communes: Sequence[Commune] | None = None,
) -> list[str]:
    """Write `values` (and a model's or group's `communes`) to `obj`, read again under a
    row lock; the fields that changed, audited."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    changed = assign(obj, values)
    if changed:
        obj.full_clean()
        obj.save()
    if isinstance(obj, SupportModel | PeerGroup) and _set_communes(obj, communes):
        changed.append("communes")
    if changed:
        audit_record(actor=actor, action="update", obj=obj, changes={"fields": changed})
    return changed


@transaction.atomic
def support_model_create(*, actor: User, details: SupportModelDetails) -> SupportModel:
    return _create(actor, SupportModel(), _values(details), details.communes)


@transaction.atomic
def support_model_update(
    *, actor: User, model: SupportModel, details: SupportModelDetails
) -> list[str]:
    values = _values(details)
    if not scope.is_admin(actor):
        # A coordinator's reach follows the model's province: only administrators move it.
        del values["province"]
    return _update(actor, model, values, details.communes)


@transaction.atomic
def peer_group_create(*, actor: User, details: PeerGroupDetails) -> PeerGroup:
    return _create(actor, PeerGroup(), _values(details), details.communes)


@transaction.atomic
def peer_group_update(*, actor: User, group: PeerGroup, details: PeerGroupDetails) -> list[str]:
    return _update(actor, group, _values(details), details.communes)


@transaction.atomic
def membership_add(
    *,
    actor: User,
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
def membership_update(
    *,
    actor: User,
    membership: Membership,
    alias: str,
    role: str,
    joined_on: date,
    left_on: date | None = None,
) -> list[str]:
    return _update(
        actor,
        membership,
        {"alias": alias, "role": role, "joined_on": joined_on, "left_on": left_on},
    )


@transaction.atomic
def membership_leave(*, actor: User, membership: Membership, left_on: date) -> Membership:
    member = Membership.objects.select_for_update().get(pk=membership.pk)
    member.left_on = left_on
    member.full_clean()
    member.save(update_fields=["left_on"])
    audit_record(actor=actor, action="update", obj=member, changes={"fields": ["left_on"]})
    return member


@transaction.atomic
def organisation_create(*, actor: User, details: OrganisationDetails) -> Organisation:
    return _create(actor, Organisation(), _values(details))


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, details: OrganisationDetails
) -> list[str]:
    return _update(actor, organisation, _values(details))
