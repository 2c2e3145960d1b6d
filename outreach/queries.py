"""Every read of outreach contacts, materials and stock, always with the acting user.

- peer educators and group leaders: their own group's contacts; the stock their group
  draws from (read-only);
- coordinators: contacts of the peer groups of their support models; the stock of those
  models' lead organisations, which they receive into;
- administrators: the materials catalogue; nobody else reaches these pages (managers read
  reports).

A peer group's stock is held by its support model's lead organisation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from accounts import scope
from accounts.models import Role
from clients.models import Client, ClientStatus, Consent
from clients.queries import group_clients
from geo.models import Commune
from programs.models import Establishment, Organisation, PeerGroup

from .models import Distribution, Material, MaterialStock, OutreachContact, StockReceipt

_M = TypeVar("_M", bound=Model)
_C = TypeVar("_C", bound=OutreachContact)


def stock_holder(peer_group: PeerGroup) -> Organisation | None:
    """The organisation whose stock a peer group hands out: its model's lead organisation."""
    return peer_group.support_model.lead_organisation


def logging_groups(user: Any) -> QuerySet[PeerGroup]:
    """Groups the user logs contacts for (as a peer educator or leader)."""
    return PeerGroup.objects.filter(pk__in=scope.peer_group_ids(user)).select_related(
        "support_model__lead_organisation", "support_model__province"
    )


def logging_establishments(groups: Sequence[PeerGroup]) -> QuerySet[Establishment]:
    """The establishments a contact of these groups may take place at: active, in their
    models' provinces."""
    provinces = {g.support_model.province_id for g in groups}
    return Establishment.objects.filter(commune__province_id__in=provinces, active=True).order_by(
        "name"
    )


def logging_communes(groups: Sequence[PeerGroup]) -> QuerySet[Commune]:
    """The communes a head count of these groups may be recorded in."""
    return Commune.objects.filter(province_id__in={g.support_model.province_id for g in groups})


def materials_by_id(ids: Sequence[int]) -> dict[int, Material]:
    """Catalogue materials by id (whether a group may hand one out is its stock's say)."""
    return {m.pk: m for m in Material.objects.filter(pk__in=ids)}


def can_log_for(user: Any, client: Client, *, follow_up: bool | None = None) -> bool:
    """Whether the user may log a contact with this client: their own group's client who
    may be followed up (`follow_up`: clients.queries.may_follow_up, when the caller has
    just asked it)."""
    from clients.queries import may_follow_up

    if client.peer_group_id not in scope.peer_group_ids(user):
        return False
    return may_follow_up(client) if follow_up is None else follow_up


def _of_groups_and_models(user: Any, qs: QuerySet[_M], group: str, model: str) -> QuerySet[_M]:
    """What belongs to the user's peer groups (reached by the lookup `group`) or to the
    support models they run (`model`): an outreach record's scope."""
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    if not groups and not models:
        return qs.none()
    return qs.filter(Q(**{f"{group}__in": groups}) | Q(**{f"{model}__in": models}))


def contacts_for(user: Any) -> QuerySet[OutreachContact]:
    return _of_groups_and_models(
        user, OutreachContact.objects.all(), "peer_group_id", "peer_group__support_model_id"
    )


def contact_list(user: Any) -> QuerySet[OutreachContact]:
    return (
        contacts_for(user)
        .select_related("client", "peer_group", "peer_educator", "commune")
        .prefetch_related("distributions__material")
        .order_by("-contact_date", "-id")
    )


def contact_by_device_uuid(user: Any, device_uuid: Any) -> OutreachContact | None:
    """The user's own contact recorded under this device key, if any (an idempotent retry)."""
    return (
        contacts_for(user)
        .filter(device_uuid=device_uuid, peer_educator=user)
        .select_related("client", "peer_group")
        .prefetch_related("distributions__material")
        .first()
    )


def own_recent_contacts(user: Any, since: date) -> QuerySet[OutreachContact]:
    """Contacts the user logged (in groups still in their scope) on or after `since`."""
    return (
        contacts_for(user)
        .filter(peer_educator=user, contact_date__gte=since)
        .select_related("client", "peer_group")
        .prefetch_related("distributions__material")
        .order_by("-contact_date", "-id")
    )


def client_to_log(user: Any, reference: str) -> Client:
    """The client a contact is logged with, named by its opaque public id or its short code
    (never the UIC): a client of one of the user's own groups, else 404, the same whether it
    does not exist or is another group's. Consent is checked by `services.contact_log`."""
    from clients import uic

    clients = group_clients(user)
    try:
        public_id = uuid.UUID(str(reference))
    except ValueError:
        code = uic.normalise(reference)
        client = clients.filter(short_code=code).first() if code else None
    else:
        client = clients.filter(public_id=public_id).first()
    if client is None:
        raise Http404
    return client


def contacts_of_client(client: Client) -> QuerySet[OutreachContact]:
    """The client's contacts, newest first; what was handed out at each: `with_handed_out`."""
    return client.contacts.select_related("peer_educator").order_by("-contact_date", "-id")


def with_handed_out(contacts: list[_C]) -> list[_C]:
    """The contacts, each with `handed_out`: the labels of what was handed out at it
    (Distribution.label), newest first, read in one statement for all of them as plain
    values (a prefetch made a queryset per contact and a model per item and material)."""
    labels: dict[int, list[str]] = {c.pk: [] for c in contacts}
    if labels:
        rows = (
            Distribution.objects.filter(contact_id__in=list(labels))
            .order_by("-distributed_on", "-id")
            .values_list("contact_id", "item_kind", "material__name", "quantity")
        )
        for contact_id, kind, material_name, quantity in rows:
            labels[contact_id].append(Distribution.label(kind, material_name, quantity))
    for contact in contacts:
        contact.handed_out = labels[contact.pk]  # type: ignore[attr-defined]
    return contacts


def last_place(user: Any, establishments: Any = None) -> tuple[str, int | None]:
    """The place of the user's last contact, as a valid default for the next one:
    (place type, establishment id). An establishment contact is only a default together
    with its establishment, and only while that establishment is still one the form
    offers (`establishments`); otherwise the default is the street, which needs nothing
    more, so that the prefilled form always saves as it is."""
    last = (
        OutreachContact.objects.filter(peer_educator=user)
        .order_by("-contact_date", "-id")
        .values_list("place_type", "establishment_id")
        .first()
    )
    if last is None:
        return "street", None
    place_type, establishment_id = last
    if place_type != "establishment":
        return place_type, None
    if establishment_id is None:
        # Logged when no establishment was on record: still valid while none is.
        offered = establishments is not None and establishments.exists()
        return ("street", None) if offered else (place_type, None)
    if establishments is not None and not establishments.filter(pk=establishment_id).exists():
        return "street", None
    return place_type, establishment_id


# --- Stock ---------------------------------------------------------------------------


def stock_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose stock the user may see."""
    return _of_groups_and_models(
        user, Organisation.objects.all(), "support_models__peer_groups", "support_models"
    ).distinct()


def receiving_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations a coordinator receives stock into: their models' lead organisations."""
    models = scope.support_model_ids(user, Role.COORDINATOR)
    if not models:
        return Organisation.objects.none()
    return Organisation.objects.filter(support_models__in=models).distinct()


def stock_rows(organisations: Any) -> QuerySet[MaterialStock]:
    return (
        MaterialStock.objects.filter(organisation__in=organisations)
        .select_related("organisation", "material")
        .order_by("organisation__name", "item_kind", "material__name")
    )


def stock_level(organisation: Organisation, item_kind: str, material: Any = None) -> int:
    row = MaterialStock.objects.filter(
        organisation=organisation, item_kind=item_kind, material=material
    ).first()
    return row.quantity if row else 0


def materials_in_stock(organisation: Organisation | None) -> list[MaterialStock]:
    if organisation is None:
        return []
    return list(
        MaterialStock.objects.filter(organisation=organisation, material__isnull=False)
        .select_related("material")
        .order_by("material__theme", "material__name")
    )


def recent_receipts(organisations: Any) -> QuerySet[StockReceipt]:
    return StockReceipt.objects.filter(organisation__in=organisations).select_related(
        "organisation", "material", "received_by"
    )[:20]


def distributed_totals(organisations: Any, since: date) -> dict[str, int]:
    rows = (
        Distribution.objects.filter(organisation__in=organisations, distributed_on__gte=since)
        .values("item_kind")
        .annotate(n=Sum("quantity"))
    )
    return {r["item_kind"]: r["n"] for r in rows}


def materials_for(user: Any) -> QuerySet[Material]:
    return Material.objects.all()


# --- Peer educator's home ------------------------------------------------------------


def not_contacted(user: Any, days: int | None = None) -> QuerySet[Client]:
    """Active clients of the user's groups who agreed to follow-up and were not contacted
    for NOT_CONTACTED_DAYS (or ever, when registered before that)."""
    days = days if days is not None else int(str(settings.CAUNOI.get("NOT_CONTACTED_DAYS", 30)))
    cutoff = timezone.localdate() - timedelta(days=days)
    follow_up = Consent.objects.filter(
        client=OuterRef("pk"), purpose=Consent.Purpose.FOLLOW_UP, withdrawn_at__isnull=True
    )
    # The last contact of each client, looked up per client in the (client, contact_date)
    # index: a join and GROUP BY over the contacts table read every contact in the
    # country to find those of one group.
    last_contact = (
        OutreachContact.objects.filter(client=OuterRef("pk"))
        .order_by("-contact_date")
        .values("contact_date")[:1]
    )
    return (
        group_clients(user)
        .select_related(None)
        .filter(status=ClientStatus.ACTIVE)
        .filter(Exists(follow_up))
        .annotate(last_contact=Subquery(last_contact))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, registered_on__lt=cutoff))
        # Never contacted first, the same on every database.
        .order_by(F("last_contact").asc(nulls_first=True), "short_code")
    )


def todays_contacts(user: Any) -> QuerySet[OutreachContact]:
    """Today's contacts of the user's groups, newest first (items: `with_handed_out`)."""
    return (
        OutreachContact.objects.filter(
            peer_group_id__in=scope.peer_group_ids(user), contact_date=timezone.localdate()
        )
        .select_related("client", "peer_educator")
        .order_by("-id")
    )
