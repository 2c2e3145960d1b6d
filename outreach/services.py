"""Every write of outreach: contacts, stock received, items handed out. One function per
use case, in a transaction, with its audit entry (counts and codes, never identity)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from clients.models import Client
from geo.models import Commune
from programs.models import Establishment, Organisation, PeerGroup

from .models import (
    Distribution,
    ItemKind,
    Material,
    MaterialStock,
    Need,
    OutreachContact,
    PlaceType,
    StockReceipt,
    Topic,
)

# The most one contact may record: larger figures are typing mistakes.
MAX_HEAD_COUNT = 1000
MAX_QUANTITY = 10000


class InsufficientStock(ValidationError):
    """Not enough of an item in the organisation's stock: nothing is handed out."""

    def __init__(self, *, item_kind: str, material: Material | None, left: int, asked: int):
        label = material.name if material else str(ItemKind(item_kind).label)
        super().__init__(
            _(
                "Not enough in stock: %(item)s has %(left)d left and %(asked)d were asked for. "
                "Nothing was saved; lower the quantity or ask the coordinator to receive stock."
            )
            % {"item": label, "left": left, "asked": asked},
            code="insufficient_stock",
        )
        self.item_kind = item_kind
        self.material = material
        self.left = left
        self.asked = asked


@dataclass(frozen=True)
class Item:
    item_kind: str
    quantity: int
    material: Material | None = None


def item_check(item_kind: str, material: Material | None, quantity: int) -> None:
    if item_kind not in ItemKind.values:
        raise ValidationError(_("Unknown item."))
    if (item_kind == ItemKind.MATERIAL) != (material is not None):
        raise ValidationError(_("Materials must name the material; other items must not."))
    if quantity < 1:
        raise ValidationError(_("The quantity must be at least 1."))


def _take_stock(
    organisation: Organisation, item_kind: str, material: Material | None, quantity: int
) -> None:
    row = (
        # Plain row lock: Meta.ordering joins the material, which PostgreSQL cannot lock.
        MaterialStock.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, item_kind=item_kind, material=material)
        .order_by("pk")
        .first()
    )
    left = row.quantity if row else 0
    if row is None or left < quantity:
        raise InsufficientStock(item_kind=item_kind, material=material, left=left, asked=quantity)
    MaterialStock.objects.filter(pk=row.pk).update(quantity=F("quantity") - quantity)


def _distribute(
    *,
    actor: User,
    organisation: Organisation,
    item_kind: str,
    quantity: int,
    distributed_on: date,
    material: Material | None,
    contact: OutreachContact | None,
    peer_group: PeerGroup | None,
) -> Distribution:
    item_check(item_kind, material, quantity)
    _take_stock(organisation, item_kind, material, quantity)
    return Distribution.objects.create(
        distributed_on=distributed_on,
        item_kind=item_kind,
        material=material,
        quantity=quantity,
        organisation=organisation,
        peer_group=peer_group,
        contact=contact,
        distributed_by=actor,
    )


@transaction.atomic
def distribution_record(
    *,
    actor: User,
    organisation: Organisation,
    item_kind: str,
    quantity: int,
    distributed_on: date,
    material: Material | None = None,
    contact: OutreachContact | None = None,
    peer_group: PeerGroup | None = None,
) -> Distribution:
    """Hand out items from an organisation's stock. Raises InsufficientStock when short."""
    distribution = _distribute(
        actor=actor,
        organisation=organisation,
        item_kind=item_kind,
        quantity=quantity,
        distributed_on=distributed_on,
        material=material,
        contact=contact,
        peer_group=peer_group or (contact.peer_group if contact else None),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=distribution,
        changes={
            "item_kind": item_kind,
            "quantity": quantity,
            "material": distribution.material_id,
        },
    )
    return distribution


@dataclass(frozen=True)
class ContactDetails:
    """One outreach contact as the page, the JSON API and the offline sync give it: with
    one client (head_count ignored), or an anonymous head count (client None)."""

    peer_group: PeerGroup
    contact_date: date
    place_type: str
    topics: Sequence[str] = ()
    needs: Sequence[str] = ()
    client: Client | None = None
    head_count: int | None = 1
    items: Sequence[Item] = ()
    commune: Commune | None = None
    establishment: Establishment | None = None


def _at_most(limit: int) -> str:
    # Django's own message (and translation), as the form's number field says it.
    return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": limit}


def _not_offered() -> str:
    # Django's own message for a choice the form does not offer (outside the group's area).
    return _("Select a valid choice. That choice is not one of the available choices.")


def _contact_errors(details: ContactDetails) -> dict[str, Any]:
    from clients.queries import may_follow_up

    errors: dict[str, Any] = {}
    client, group = details.client, details.peer_group
    if details.contact_date > timezone.localdate():
        errors["contact_date"] = _("The date cannot be in the future.")
    if details.place_type not in PlaceType.values:
        errors["place_type"] = _("Choose a place from the list.")
    elif details.place_type == PlaceType.ESTABLISHMENT and details.establishment is None:
        if _establishments_of(group).exists():
            errors["establishment"] = _("Choose the establishment.")
    if details.establishment is not None and not (
        _establishments_of(group).filter(pk=details.establishment.pk).exists()
    ):
        errors["establishment"] = _not_offered()
    if any(t not in Topic.values for t in details.topics):
        errors["topics"] = _("Unknown topic.")
    if any(n not in Need.values for n in details.needs):
        errors["needs"] = _("Unknown need.")
    if client is not None:
        if client.peer_group_id != group.pk:
            errors["client"] = _("This client belongs to another group.")
        elif not may_follow_up(client):
            errors["client"] = _(
                "This client has not agreed to follow-up (or withdrew it): do not contact them."
            )
    elif details.head_count is None:
        errors["head_count"] = _("This field is required.")
    elif details.head_count < 1:
        errors["head_count"] = _("Count at least one person.")
    elif details.head_count > MAX_HEAD_COUNT:
        errors["head_count"] = _at_most(MAX_HEAD_COUNT)
    if details.commune is not None and (
        details.commune.province_id != group.support_model.province_id
    ):
        errors["commune"] = _not_offered()
    item_errors: list[str] = []
    for item in details.items:
        if item.quantity == 0:  # a quantity field left at zero
            continue
        try:
            item_check(item.item_kind, item.material, item.quantity)
        except ValidationError as exc:
            item_errors.extend(exc.messages)
        else:
            if item.quantity > MAX_QUANTITY:
                item_errors.append(_at_most(MAX_QUANTITY))
    if item_errors:
        errors["items"] = item_errors
    return errors


def _establishments_of(group: PeerGroup) -> QuerySet[Establishment]:
    return Establishment.objects.filter(
        commune__province_id=group.support_model.province_id, active=True
    )


def _merged(items: Sequence[Item]) -> list[Item]:
    """One item per kind and material, quantities added; zero quantities dropped."""
    totals: dict[tuple[str, int | None], Item] = {}
    for item in items:
        key = (item.item_kind, item.material.pk if item.material else None)
        before = totals.get(key)
        quantity = item.quantity + (before.quantity if before else 0)
        totals[key] = Item(item.item_kind, quantity, item.material)
    return [i for i in totals.values() if i.quantity]


@transaction.atomic
def contact_log(
    *, actor: User, details: ContactDetails, device_uuid: UUID | None = None
) -> OutreachContact:
    """Log an outreach contact with one client, or an anonymous head count, and hand out
    its items. Short stock rejects the whole contact (nothing is saved).

    `device_uuid` is the idempotency key of a contact recorded offline on a phone: the
    unique constraint refuses a second row with the same key (IntegrityError, nothing saved),
    and the caller answers with the first one (`queries.contact_by_device_uuid`)."""
    errors = _contact_errors(details)
    if errors:
        raise ValidationError(errors)
    client, peer_group = details.client, details.peer_group
    head_count = 1 if client is not None else (details.head_count or 1)
    commune = details.commune
    if commune is None:
        commune = client.commune if client is not None and client.commune_id else None
    if commune is None:
        commune = peer_group.communes.first()
    contact = OutreachContact.objects.create(
        contact_date=details.contact_date,
        client=client,
        head_count=head_count,
        peer_group=peer_group,
        peer_educator=actor,
        place_type=details.place_type,
        establishment=details.establishment,
        topics=list(dict.fromkeys(details.topics)),
        needs=list(dict.fromkeys(details.needs)),
        commune=commune,
        device_uuid=device_uuid,
    )
    items = _merged(details.items)
    if items:
        holder = peer_group.support_model.lead_organisation
        if holder is None:
            raise ValidationError(
                _("This group's support model has no lead organisation holding its stock.")
            )
        for item in items:
            _distribute(
                actor=actor,
                organisation=holder,
                item_kind=item.item_kind,
                quantity=item.quantity,
                distributed_on=details.contact_date,
                material=item.material,
                contact=contact,
                peer_group=peer_group,
            )
    audit_record(
        actor=actor,
        action="create",
        obj=contact,
        changes={
            "client": client.pk if client is not None else None,
            "head_count": head_count,
            "via_device": device_uuid is not None,
            "items": {
                (f"material:{i.material.pk}" if i.material else i.item_kind): i.quantity
                for i in items
            },
        },
    )
    return contact


@transaction.atomic
def stock_receive(
    *,
    actor: User,
    organisation: Organisation,
    item_kind: str,
    quantity: int,
    received_on: date,
    material: Material | None = None,
    source: str = "",
) -> StockReceipt:
    item_check(item_kind, material, quantity)
    receipt = StockReceipt.objects.create(
        organisation=organisation,
        item_kind=item_kind,
        material=material,
        quantity=quantity,
        received_on=received_on,
        source=source,
        received_by=actor,
    )
    row, _created = MaterialStock.objects.select_for_update(of=("self",)).get_or_create(
        organisation=organisation, item_kind=item_kind, material=material
    )
    MaterialStock.objects.filter(pk=row.pk).update(quantity=F("quantity") + quantity)
    audit_record(
        actor=actor,
        action="create",
        obj=receipt,
        changes={"item_kind": item_kind, "quantity": quantity, "material": receipt.material_id},
    )
    return receipt


@transaction.atomic
def material_create(*, actor: User, name: str, theme: str, format: str = "printed") -> Material:
    if theme not in Material.Theme.values:
        raise ValidationError({"theme": _("Choose a theme from the list.")})
    material = Material.objects.create(name=name.strip(), theme=theme, format=format)
    audit_record(actor=actor, action="create", obj=material, changes={"theme": theme})
    return material
