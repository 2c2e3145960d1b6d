"""Every write of programmes data: one function per use case, in a transaction, audited.

Audit entries name the fields that changed, never their values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts import scope
from accounts.models import User
from audit.services import audit_record
from core.records import assign, filled, values_of
from geo.models import Commune, Province

from .models import Membership, Organisation, PeerGroup, SupportModel


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
    actor: User, obj: SupportModel | PeerGroup, details: SupportModelDetails | PeerGroupDetails
) -> None:
    values = _values(details)
    assign(obj, values)
    obj.full_clean()
    obj.save()
    _set_communes(obj, details.communes)
    audit_record(
        actor=actor, action="create", obj=obj, changes={"fields": _filled(values, details.communes)}
    )


def _update(
    actor: User,
    obj: SupportModel | PeerGroup,
    values: dict[str, object],
    communes: Sequence[Commune] | None,
) -> list[str]:
    changed = assign(obj, values)
    if changed:
        obj.full_clean()
        obj.save()
    if _set_communes(obj, communes):
        changed.append("communes")
    if changed:
        audit_record(actor=actor, action="update", obj=obj, changes={"fields": changed})
    return changed


@transaction.atomic
def support_model_create(*, actor: User, details: SupportModelDetails) -> SupportModel:
    model = SupportModel()
    _create(actor, model, details)
    return model


@transaction.atomic
def support_model_update(
    *, actor: User, model: SupportModel, details: SupportModelDetails
) -> list[str]:
    model = SupportModel.objects.select_for_update().get(pk=model.pk)
    values = _values(details)
    if not scope.is_admin(actor):
        # A coordinator's reach follows the model's province: only administrators move it.
        del values["province"]
    return _update(actor, model, values, details.communes)


@transaction.atomic
def peer_group_create(*, actor: User, details: PeerGroupDetails) -> PeerGroup:
    group = PeerGroup()
    _create(actor, group, details)
    return group


@transaction.atomic
def peer_group_update(*, actor: User, group: PeerGroup, details: PeerGroupDetails) -> list[str]:
    group = PeerGroup.objects.select_for_update().get(pk=group.pk)
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
    member = Membership.objects.select_for_update().get(pk=membership.pk)
    changed = assign(
        member, {"alias": alias, "role": role, "joined_on": joined_on, "left_on": left_on}
    )
    if changed:
        member.full_clean()
        member.save()
        audit_record(actor=actor, action="update", obj=member, changes={"fields": changed})
    return changed


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
    org = Organisation()
    values = _values(details)
    assign(org, values)
    org.full_clean()
    org.save()
    audit_record(actor=actor, action="create", obj=org, changes={"fields": _filled(values)})
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, details: OrganisationDetails
) -> list[str]:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = assign(org, _values(details))
    if changed:
        org.full_clean()
        org.save()
        audit_record(actor=actor, action="update", obj=org, changes={"fields": changed})
    return changed
