"""Demo outreach 2019–2026 at the scale of the seeds: Quảng Ninh's three peer groups reach
about 6,000 people-times a year, its women's club about 1,000, the other groups a few
hundred; condoms, lubricant, needles and syringes and materials are handed out from stock
received each year by the lead organisation of each group's model."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clients.models import Client, ClientStatus, ClientStatusChange, Consent
from core.demo import DEMO_START, DemoContext
from core.registry import demo_loader

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

# People-times (lượt) per year at scale 1.
PER_YEAR = {"qn_halong": 2200, "qn_campha": 2000, "qn_uongbi": 1800, "qn_club": 986}
DEFAULT_PER_YEAR = 300
CLIENT_SHARE = 0.35  # of people-times reached in one-to-one contacts; the rest in groups
TOPICS = list(Topic.values)
NEEDS = list(Need.values)

MATERIALS = [
    ("Trợ giúp pháp lý cho người bán dâm", Material.Theme.LEGAL_AID, "printed"),
    (
        "Kỹ năng ứng phó trong tình huống nguy hiểm, khẩn cấp",
        Material.Theme.SAFETY_SKILLS,
        "printed",
    ),
    ("Phòng ngừa bệnh lây truyền qua đường tình dục", Material.Theme.STI_PREVENTION, "printed"),
    (
        "Sổ tay đảm bảo quyền cho người lao động trong các cơ sở kinh doanh dịch vụ",
        Material.Theme.WORKER_RIGHTS,
        "printed",
    ),
    ("Xét nghiệm HIV: ở đâu, khi nào", Material.Theme.HIV_PREVENTION, "printed"),
    ("Thẻ đường dây nóng 24/7 và danh bạ dịch vụ", Material.Theme.SERVICES, "printed"),
    ("Phòng, chống bạo lực giới", Material.Theme.VIOLENCE, "digital"),
    ("Giảm hại cho người sử dụng ma túy", Material.Theme.DRUG_HARM_REDUCTION, "printed"),
]
CLIENT_PLACES = [
    PlaceType.ESTABLISHMENT,
    PlaceType.STREET,
    PlaceType.ONLINE,
    PlaceType.HOTLINE,
    PlaceType.OFFICE,
    PlaceType.HOME,
]
CLIENT_PLACE_WEIGHTS = [35, 20, 15, 5, 15, 10]


def _day_in(rng: Any, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


def _client_windows(clients: list[Any], today: date) -> dict[int, tuple[date, date]]:
    """When each client could be contacted: from registration until they left active status
    or withdrew follow-up consent."""
    ends: dict[int, date] = {}
    for cid, changed_on in (
        ClientStatusChange.objects.filter(client__in=clients)
        .exclude(status=ClientStatus.ACTIVE)
        .values_list("client_id", "changed_on")
    ):
        ends[cid] = min(ends.get(cid, today), changed_on)
    for cid, withdrawn in Consent.objects.filter(
        client__in=clients, purpose=Consent.Purpose.FOLLOW_UP, withdrawn_at__isnull=False
    ).values_list("client_id", "withdrawn_at"):
        if withdrawn is not None:
            ends[cid] = min(ends.get(cid, today), withdrawn.date())
    return {c.pk: (c.registered_on, ends.get(c.pk, today)) for c in clients}


def _client_items(
    rng: Any, is_pwud: bool, by_theme: dict[str, Material], themes: list[Any]
) -> list[tuple[str, Material | None, int]]:
    """What a client took at one contact: (item kind, material, quantity)."""
    got: list[tuple[str, Material | None, int]] = []
    if rng.random() < 0.55:
        got.append((ItemKind.CONDOM, None, rng.choice([5, 10, 10, 12, 20])))
    if rng.random() < 0.25:
        got.append((ItemKind.LUBRICANT, None, rng.choice([2, 5, 10])))
    if is_pwud and rng.random() < 0.6:
        got.append((ItemKind.NEEDLE_SYRINGE, None, rng.choice([5, 10, 20])))
    if rng.random() < 0.06:
        got.append((ItemKind.MATERIAL, by_theme[rng.choice(themes)], 1))
    return got


def _venue_contacts(
    rng: Any,
    *,
    group: Any,
    peer: Any,
    commune_id: Any,
    group_total: float,
    today: date,
    by_theme: dict[str, Material],
    themes: list[Any],
    contacts: list[OutreachContact],
    items: list[list[tuple[str, Material | None, int]]],
) -> None:
    """Anonymous group outreach at venues (head counts) up to `group_total` people-times,
    appended to `contacts` with what was handed out appended to `items`."""
    reached = 0
    while reached < group_total:
        heads = rng.randrange(4, 21)
        reached += heads
        day = _day_in(rng, DEMO_START, today)
        contacts.append(
            OutreachContact(
                contact_date=day,
                client_id=None,
                head_count=heads,
                peer_group_id=group.pk,
                peer_educator_id=peer.pk,
                place_type=rng.choice(
                    [PlaceType.ESTABLISHMENT, PlaceType.ESTABLISHMENT, PlaceType.STREET]
                ),
                topics=rng.sample(TOPICS, rng.randrange(1, 4)),
                needs=[],
                commune_id=commune_id,
            )
        )
        got: list[tuple[str, Material | None, int]] = []
        if rng.random() < 0.8:
            got.append((ItemKind.CONDOM, None, heads * rng.choice([3, 5])))
        if rng.random() < 0.4:
            got.append((ItemKind.MATERIAL, by_theme[rng.choice(themes)], heads))
        items.append(got)


def _distribute(
    ctx: DemoContext,
    contacts: list[OutreachContact],
    items: list[list[tuple[str, Material | None, int]]],
) -> tuple[list[Distribution], dict[tuple[int, str, int | None, int], int]]:
    """The distributions of the contacts' items, from each group's stock holder, and the
    quantity needed per (holder, item kind, material, year)."""
    distributions: list[Distribution] = []
    needed: dict[tuple[int, str, int | None, int], int] = defaultdict(int)
    holders = {g.pk: g.support_model.lead_organisation_id for g in ctx.groups.values()}
    for contact, got in zip(contacts, items):
        holder_id = holders[contact.peer_group_id]
        for kind, material, qty in got:
            material_id = material.pk if material else None
            distributions.append(
                Distribution(
                    distributed_on=contact.contact_date,
                    item_kind=kind,
                    material_id=material_id,
                    quantity=qty,
                    organisation_id=holder_id,
                    peer_group_id=contact.peer_group_id,
                    contact_id=contact.pk,
                    distributed_by_id=contact.peer_educator_id,
                )
            )
            needed[(holder_id, kind, material_id, contact.contact_date.year)] += qty
    Distribution.objects.bulk_create(distributions, batch_size=2000)
    return distributions, needed


def _receive_stock(
    ctx: DemoContext, peers: dict[int, Any], needed: dict[tuple[int, str, int | None, int], int]
) -> list[StockReceipt]:
    """Stock received at the start of each year covers that year, with some left over."""
    receiver = ctx.users.get("dieuphoi") or next(iter(peers.values()))
    receipts: list[StockReceipt] = []
    balance: dict[tuple[int, str, int | None], int] = defaultdict(int)
    for (org_id, kind, material_id, year), qty in sorted(
        needed.items(), key=lambda kv: (kv[0][3], kv[0][0], kv[0][1], kv[0][2] or 0)
    ):
        received = int(math.ceil(qty * 1.15 / 100.0)) * 100
        receipts.append(
            StockReceipt(
                organisation_id=org_id,
                item_kind=kind,
                material_id=material_id,
                quantity=received,
                received_on=max(date(year, 1, 1), DEMO_START - timedelta(days=7)),
                source="Cục PCTNXH / Trung tâm Kiểm soát bệnh tật tỉnh",
                received_by=receiver,
            )
        )
        balance[(org_id, kind, material_id)] += received - qty
    StockReceipt.objects.bulk_create(receipts, batch_size=1000)
    MaterialStock.objects.bulk_create(
        [
            MaterialStock(organisation_id=o, item_kind=k, material_id=m, quantity=q)
            for (o, k, m), q in balance.items()
        ]
    )
    return receipts


@dataclass
class _Contacts:
    """The contacts being built (not saved yet), with the items handed out at each one
    (parallel lists), and what every group's contacts are drawn from."""

    rng: Any
    today: date
    by_theme: dict[str, Material]
    windows: dict[int, tuple[date, date]]
    pwud: set[int]
    contacts: list[OutreachContact] = field(default_factory=list)
    # Items per contact, parallel to `contacts`: (item kind, material, quantity).
    items: list[list[tuple[str, Material | None, int]]] = field(default_factory=list)

    def add_client_contact(
        self, client: Any, group: Any, peer: Any, commune_id: str | None, **values: Any
    ) -> None:
        self.contacts.append(
            OutreachContact(
                client_id=client.pk,
                head_count=1,
                peer_group_id=group.pk,
                peer_educator_id=peer.pk,
                commune_id=client.commune_id or commune_id,
                **values,
            )
        )


@demo_loader(25, "outreach")
def load(ctx: DemoContext) -> None:
    materials = [Material.objects.create(name=n, theme=t, format=f) for n, t, f in MATERIALS]
    peers: dict[int, Any] = ctx.extra.get("group_peers") or {}
    clients = list(ctx.extra.get("clients") or [])
    pwud = set(
        Client.population_groups.through.objects.filter(
            client_id__in=[c.pk for c in clients], populationgroup_id="pwud"
        ).values_list("client_id", flat=True)
    )
    plan = _Contacts(
        rng=ctx.rng,
        today=ctx.today,
        by_theme={m.theme: m for m in materials},
        windows=_client_windows(clients, ctx.today),
        pwud=pwud,
    )
    by_group: dict[int, list[Any]] = defaultdict(list)
    for c in clients:
        by_group[c.peer_group_id].append(c)
    for key, group in ctx.groups.items():
        peer = peers.get(group.pk)
        if peer is None or group.support_model.lead_organisation is None:
            continue
        _group_contacts(plan, key, group, peer, by_group.get(group.pk, []), max(ctx.scale, 1))
    contacts = plan.contacts
    OutreachContact.objects.bulk_create(contacts, batch_size=2000)
    if any(c.pk is None for c in contacts):  # databases that do not return ids
        by_uuid = dict(OutreachContact.objects.values_list("public_id", "pk"))
        for c in contacts:
            c.pk = by_uuid[c.public_id]

    distributions, needed = _distribute(ctx, contacts, plan.items)

    receipts = _receive_stock(ctx, peers, needed)
    people = sum(c.head_count for c in contacts)
    ctx.extra["materials"] = materials
    ctx.log.append(
        f"outreach: {len(contacts)} contacts ({people} people-times), "
        f"{len(distributions)} distributions, {len(receipts)} stock receipts"
    )


def _group_contacts(
    plan: _Contacts, key: str, group: Any, peer: Any, group_clients: list[Any], scale: int
) -> None:
    """One group's contacts since DEMO_START: one-to-one contacts spread over each client's
    active window, and anonymous group outreach at venues (head counts)."""
    rng, today, windows = plan.rng, plan.today, plan.windows
    commune = group.communes.order_by("code").first()
    commune_id = commune.pk if commune else None
    per_year = PER_YEAR.get(key, DEFAULT_PER_YEAR) * scale
    years = max((today - DEMO_START).days, 1) / 365.25
    themes = (
        [Material.Theme.LEGAL_AID, Material.Theme.SAFETY_SKILLS, Material.Theme.STI_PREVENTION]
        if key == "qt_1"
        else [Material.Theme(t) for t in plan.by_theme]
    )
    members = [c for c in group_clients if windows[c.pk][1] >= windows[c.pk][0]]
    total = per_year * years * CLIENT_SHARE
    span_sum = sum((windows[c.pk][1] - windows[c.pk][0]).days + 1 for c in members) or 1
    for client in members:
        start, end = windows[client.pk]
        expected = total * ((end - start).days + 1) / span_sum
        n = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _ in range(n):
            day = _day_in(rng, start, end)
            plan.add_client_contact(
                client,
                group,
                peer,
                commune_id,
                contact_date=day,
                place_type=rng.choices(CLIENT_PLACES, CLIENT_PLACE_WEIGHTS)[0],
                topics=rng.sample(TOPICS, rng.randrange(1, 4)),
                needs=rng.sample(NEEDS, 1) if rng.random() < 0.12 else [],
            )
            plan.items.append(_client_items(rng, client.pk in plan.pwud, plan.by_theme, themes))
    if key == "qn_halong":  # something on the demo peer educator's "today" list
        for client in [c for c in members if windows[c.pk][1] == today][:3]:
            plan.add_client_contact(
                client,
                group,
                peer,
                commune_id,
                contact_date=today,
                place_type=PlaceType.ESTABLISHMENT,
                topics=[Topic.HIV_STI, Topic.SAFER_SEX],
                needs=[],
            )
            plan.items.append([(ItemKind.CONDOM, None, 10)])
    _venue_contacts(
        rng,
        group=group,
        peer=peer,
        commune_id=commune_id,
        group_total=per_year * years * (1 - CLIENT_SHARE),
        today=today,
        by_theme=plan.by_theme,
        themes=themes,
        contacts=plan.contacts,
        items=plan.items,
    )
