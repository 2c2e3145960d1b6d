"""Outreach over JSON: what the contact form offers, recording a contact (idempotent, for
phones syncing what they stored offline), and the user's own recent contacts.

Recording builds the typed input of `outreach.services.contact_log` from the JSON body and
calls that service, as the page does from its form: the API refuses exactly what the page
refuses, with the same (translated) messages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import TextChoices
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from accounts import roles, scope
from accounts.models import User
from clients.models import Client
from core import idempotency
from outreach import queries, services
from outreach.models import ItemKind, Need, OutreachContact, PlaceType, Topic
from programs.models import Organisation, PeerGroup

from .schemas import ContactIn, ContactOut, FieldErrors, Message, OutreachOptions
from .validation import ALL, field_errors

router = Router(tags=["outreach"])

# How far back the contact list reaches when `since` is not given, and at most how many.
DEFAULT_DAYS = 30
MAX_CONTACTS = 500


def _logging_user(request: HttpRequest) -> User:
    """Only peer educators and group leaders log contacts; anyone else gets 404."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User) or not scope.has_role(user, *roles.PEERS):
        raise Http404
    return user


def _group_out(
    group: PeerGroup, holder: Organisation | None, stock: dict[int, list[dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "stock_holder": holder.name if holder is not None else None,
        "stock": stock.get(holder.pk, []) if holder is not None else [],
        "communes": [{"code": c.code, "name": c.name} for c in group.communes.all()],
    }


def _choices(choices: type[TextChoices]) -> list[dict[str, str]]:
    return [{"value": str(c.value), "label": str(c.label)} for c in choices]


@router.get("/options", response=OutreachOptions, url_name="outreach_options")
def options(request: HttpRequest) -> Any:
    """What the contact form offers this user, labels in their language: enough to fill it
    in on a phone without a connection."""
    user = _logging_user(request)
    groups = list(queries.logging_groups(user).prefetch_related("communes"))
    if not groups:
        raise Http404
    holders = {g.pk: queries.stock_holder(g) for g in groups}
    stock: dict[int, list[dict[str, Any]]] = {}
    for row in queries.stock_rows([h for h in holders.values() if h is not None]):
        stock.setdefault(row.organisation_id, []).append(
            {"item_kind": row.item_kind, "material": row.material_id, "quantity": row.quantity}
        )
    return {
        "place_types": _choices(PlaceType),
        "topics": _choices(Topic),
        "needs": _choices(Need),
        "item_kinds": _choices(ItemKind),
        "materials": [
            {"id": m.pk, "name": m.name, "theme": m.theme, "theme_label": m.get_theme_display()}
            for m in queries.materials_for(user).filter(active=True)
        ],
        "peer_groups": [_group_out(g, holders[g.pk], stock) for g in groups],
        "establishments": [
            {"id": e.pk, "name": e.name, "commune": e.commune_id}
            for e in queries.logging_establishments(groups)
        ],
    }


def contact_out(contact: OutreachContact) -> dict[str, Any]:
    return {
        "public_id": contact.public_id,
        "client_uuid": contact.device_uuid,
        "contact_date": contact.contact_date,
        "peer_group": contact.peer_group_id,
        "place_type": contact.place_type,
        "place_label": str(PlaceType(contact.place_type).label),
        "head_count": contact.head_count,
        "client_code": contact.client.short_code if contact.client is not None else None,
        "topics": contact.topics,
        "needs": contact.needs,
        "items": [
            {
                "item_kind": d.item_kind,
                "material": d.material_id,
                "label": str(d.material.name if d.material else d.get_item_kind_display()),
                "quantity": d.quantity,
            }
            for d in contact.distributions.all()
        ],
        "created_at": contact.created_at,
    }


def _key_taken() -> Any:
    return Status(
        409,
        {
            "detail": _(
                "This contact's key was already used for another record: reload the "
                "page and log it again."
            )
        },
    )


def _contact_out_for(user: User, contact: OutreachContact) -> dict[str, Any]:
    """The contact as the user's own list shows it (with its items)."""
    own = queries.contact_by_device_uuid(user, contact.device_uuid) if contact.device_uuid else None
    return contact_out(own or contact)


# The service's refusals by input field; any other (the client's consent or group) is
# about the contact as a whole, as the page shows it at the top of the form.
FIELDS = {
    "peer_group",
    "contact_date",
    "place_type",
    "head_count",
    "topics",
    "needs",
    "establishment",
    "commune",
    "items",
}


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if isinstance(error, services.InsufficientStock) or not hasattr(error, "error_dict"):
        return {"items" if isinstance(error, services.InsufficientStock) else ALL: error.messages}
    out: dict[str, list[str]] = {}
    for name, errors in error.message_dict.items():
        out.setdefault(name if name in FIELDS else ALL, []).extend(errors)
    return out


def _details(
    payload: ContactIn, *, client: Client | None, groups: list[PeerGroup]
) -> services.ContactDetails:
    """The JSON body as the typed input of `services.contact_log`: ids looked up among
    what this user's groups may use; what is not found is refused as the page refuses a
    choice it does not offer."""
    not_offered = _("Select a valid choice. That choice is not one of the available choices.")
    errors: dict[str, list[str]] = {}
    by_id = {g.pk: g for g in groups}
    group = by_id.get(payload.peer_group) if payload.peer_group is not None else None
    if group is None and client is not None:
        group = by_id.get(client.peer_group_id)
    if group is None and len(groups) == 1:
        group = groups[0]
    if group is None:
        errors["peer_group"] = [_("This field is required.")]
    establishment = None
    if payload.establishment is not None:
        establishment = (
            queries.logging_establishments(groups).filter(pk=payload.establishment).first()
        )
        if establishment is None:
            errors["establishment"] = [not_offered]
    commune = None
    if payload.commune and client is None:
        commune = queries.logging_communes(groups).filter(code=payload.commune).first()
        if commune is None:
            errors["commune"] = [not_offered]
    materials = queries.materials_by_id([i.material for i in payload.items if i.material])
    items = []
    for item in payload.items:
        material = materials.get(item.material) if item.material is not None else None
        if item.material is not None and material is None:
            errors.setdefault("items", []).append(_("Unknown item."))
        else:
            items.append(services.Item(item.item_kind, item.quantity, material))
    if errors or group is None:
        raise ValidationError(errors)
    return services.ContactDetails(
        peer_group=group,
        contact_date=payload.contact_date,
        place_type=payload.place_type,
        topics=payload.topics,
        needs=payload.needs,
        client=client,
        head_count=payload.head_count,
        items=items,
        commune=commune,
        establishment=establishment,
    )


@router.post(
    "/contacts",
    response={200: ContactOut, 201: ContactOut, 404: Message, 409: Message, 422: FieldErrors},
    url_name="contacts",
)
def contact_create(request: HttpRequest, payload: ContactIn) -> Any:
    """Record one outreach contact. 201 when recorded; 200 with the contact already recorded
    when `client_uuid` was sent before (a retry is always safe); 422 with the reasons (the
    same as the page's) when refused, and then nothing is written; 404 for a client or
    group outside the user's own groups."""
    user = _logging_user(request)
    key = payload.client_uuid
    # One read says both "already recorded by you" and "someone else's key": a retry
    # racing its first send is never told the key is taken (see core.idempotency).
    try:
        row = idempotency.lookup(key)
        if row is not None:
            return Status(200, _contact_out_for(user, idempotency.earlier_record(row, user)))
    except idempotency.KeyTaken:
        return _key_taken()
    # A key forgotten after CAUNOI["ONCE_KEY_DAYS"]: the contact still carries it.
    kept = queries.contact_by_device_uuid(user, key)
    if kept is not None:
        return Status(200, contact_out(kept))
    groups = list(queries.logging_groups(user))
    if payload.peer_group is not None and payload.peer_group not in {g.pk for g in groups}:
        raise Http404
    client = queries.client_to_log(user, payload.client) if payload.client else None
    try:
        details = _details(payload, client=client, groups=groups)
        contact, created = idempotency.run_once(
            user=user,
            key=key,
            create=lambda: services.contact_log(actor=user, details=details, device_uuid=key),
        )
    except idempotency.KeyTaken:
        return _key_taken()
    except ValidationError as exc:
        return Status(422, field_errors(_errors(exc)))
    except IntegrityError:
        # Not the key's index but the contact's own (a forgotten key, sent again
        # just as its contact was read above): the same answers, from the contact.
        kept = queries.contact_by_device_uuid(user, key)
        return Status(200, contact_out(kept)) if kept is not None else _key_taken()
    assert contact is not None  # contact_log refuses by raising, never by returning None
    return Status(201 if created else 200, _contact_out_for(user, contact))


@router.get("/contacts", response=list[ContactOut], url_name="contacts")
def contact_list(request: HttpRequest, since: date | None = None) -> Any:
    """The contacts the user recorded since a date (default: the last 30 days), newest
    first, at most 500. Clients appear by short code only."""
    user = _logging_user(request)
    since = since or timezone.localdate() - timedelta(days=DEFAULT_DAYS)
    return [contact_out(c) for c in queries.own_recent_contacts(user, since)[:MAX_CONTACTS]]
