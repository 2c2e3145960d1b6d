"""Outreach over JSON: what the contact form offers, recording a contact (idempotent, for
phones syncing what they stored offline), and the user's own recent contacts.

Recording goes through `outreach.forms.contact_form_for` and `ContactForm.log`, the very
form and service call the page uses: the JSON body is turned into the form's data, so the
API refuses exactly what the page refuses, with the same (translated) messages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from accounts import roles, scope
from core import idempotency
from outreach import queries, services
from outreach.forms import COMMODITIES, ContactForm, contact_form_for
from outreach.models import ItemKind, Material, OutreachContact, PlaceType

from .schemas import ContactIn, ContactOut, FieldErrors, Message, OutreachOptions
from .validation import field_errors

router = Router(tags=["outreach"])

# How far back the contact list reaches when `since` is not given, and at most how many.
DEFAULT_DAYS = 30
MAX_CONTACTS = 500


def _logging_user(request: HttpRequest) -> Any:
    """Only peer educators and group leaders log contacts; anyone else gets 404."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if not scope.has_role(user, *roles.PEERS):
        raise Http404
    return user


def _group_out(group: Any, holder: Any, stock: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "stock_holder": holder.name if holder is not None else None,
        "stock": stock.get(holder.pk, []) if holder is not None else [],
        "communes": [{"code": c.code, "name": c.name} for c in group.communes.all()],
    }


def _choices(form: ContactForm, name: str) -> list[dict[str, str]]:
    field: Any = form.fields[name]
    return [{"value": str(v), "label": str(label)} for v, label in field.choices if v]


@router.get("/options", response=OutreachOptions, url_name="outreach_options")
def options(request: HttpRequest) -> Any:
    """What the contact form offers this user, labels in their language: enough to fill it
    in on a phone without a connection."""
    user = _logging_user(request)
    groups = list(queries.logging_groups(user).prefetch_related("communes"))
    if not groups:
        raise Http404
    form = contact_form_for(user, None, client=None, groups=groups)
    holders = {g.pk: queries.stock_holder(g) for g in groups}
    stock: dict[int, list[dict[str, Any]]] = {}
    for row in queries.stock_rows([h for h in holders.values() if h is not None]):
        stock.setdefault(row.organisation_id, []).append(
            {"item_kind": row.item_kind, "material": row.material_id, "quantity": row.quantity}
        )
    establishments: Any = form.fields["establishment"]
    return {
        "place_types": _choices(form, "place_type"),
        "topics": _choices(form, "topics"),
        "needs": _choices(form, "needs"),
        "item_kinds": [{"value": str(k.value), "label": str(k.label)} for k in ItemKind],
        "materials": [
            {"id": m.pk, "name": m.name, "theme": m.theme, "theme_label": m.get_theme_display()}
            for m in queries.materials_for(user).filter(active=True)
        ],
        "peer_groups": [_group_out(g, holders[g.pk], stock) for g in groups],
        "establishments": [
            {"id": e.pk, "name": e.name, "commune": e.commune_id} for e in establishments.queryset
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


def _contact_out_for(user: Any, contact: OutreachContact) -> dict[str, Any]:
    """The contact as the user's own list shows it (with its items)."""
    own = queries.contact_by_device_uuid(user, contact.device_uuid) if contact.device_uuid else None
    return contact_out(own or contact)


def _form_data(payload: ContactIn, *, client: Any, groups: list[Any]) -> dict[str, Any]:
    """The JSON body as the contact form's data (what the page would have posted)."""
    group = payload.peer_group
    if group is None:
        group = client.peer_group_id if client is not None else None
    if group is None and len(groups) == 1:
        group = groups[0].pk
    data: dict[str, Any] = {
        "peer_group": group if group is not None else "",
        "contact_date": payload.contact_date.isoformat(),
        "place_type": payload.place_type,
        "head_count": payload.head_count if payload.head_count is not None else "",
        "topics": payload.topics,
        "needs": payload.needs,
        "establishment": payload.establishment if payload.establishment is not None else "",
        "commune": payload.commune or "",
    }
    return data


def _add_items(payload: ContactIn, data: dict[str, Any], form: ContactForm) -> list[str]:
    """Put the items into the form's quantity fields. Items the form has no field for (a
    material this group's stock does not hold, a malformed item) are refused with the
    service's own messages; they are returned."""
    material_fields = {m.pk: name for name, m in form.material_fields}
    errors: list[str] = []
    for item in payload.items:
        if item.item_kind in COMMODITIES and item.material is None:
            name = f"qty_{item.item_kind}"
        elif item.item_kind == ItemKind.MATERIAL and item.material in material_fields:
            name = material_fields[item.material]
        else:
            material = Material.objects.filter(pk=item.material).first() if item.material else None
            try:
                if item.material is not None and material is None:
                    raise ValidationError(_("Unknown item."))
                services.item_check(item.item_kind, material, item.quantity)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            errors.extend(
                services.InsufficientStock(
                    item_kind=item.item_kind, material=material, left=0, asked=item.quantity
                ).messages
            )
            continue
        data[name] = int(data.get(name) or 0) + item.quantity
    return errors


def _form_errors(form: ContactForm) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        field = "items" if name.startswith(("qty_", "material_")) else name
        out.setdefault(field, []).extend(str(e) for e in errors)
    return out


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
    data = _form_data(payload, client=client, groups=groups)
    # Which material fields exist depends on the group's stock holder: ask the form.
    item_errors = _add_items(
        payload, data, contact_form_for(user, dict(data), client=client, groups=groups)
    )
    form = contact_form_for(user, data, client=client, groups=groups)
    if form.is_valid() and not item_errors:
        try:
            contact, created = idempotency.run_once(
                user=user, key=key, create=lambda: form.log(actor=user, device_uuid=key)
            )
        except idempotency.KeyTaken:
            return _key_taken()
        except IntegrityError:
            # Not the key's index but the contact's own (a forgotten key, sent again
            # just as its contact was read above): the same answers, from the contact.
            kept = queries.contact_by_device_uuid(user, key)
            return Status(200, contact_out(kept)) if kept is not None else _key_taken()
        if contact is not None:
            return Status(201 if created else 200, _contact_out_for(user, contact))
    errors = _form_errors(form)
    if item_errors:
        errors.setdefault("items", []).extend(item_errors)
    return Status(422, field_errors(errors))


@router.get("/contacts", response=list[ContactOut], url_name="contacts")
def contact_list(request: HttpRequest, since: date | None = None) -> Any:
    """The contacts the user recorded since a date (default: the last 30 days), newest
    first, at most 500. Clients appear by short code only."""
    user = _logging_user(request)
    since = since or timezone.localdate() - timedelta(days=DEFAULT_DAYS)
    return [contact_out(c) for c in queries.own_recent_contacts(user, since)[:MAX_CONTACTS]]
