"""Helpers for report tests: build clients and service deliveries in bulk."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from clients.models import Client, PopulationGroup
from directory.taxonomy import category_of
from geo.models import CommuneConversion, LegacyCommune
from outreach.models import OutreachContact
from referrals.models import ServiceDelivery

_codes = itertools.count(1)


def make_clients(
    n: int, *, group: Any, commune: Any = None, registered_by: Any, **extra: Any
) -> list[Client]:
    province = extra.pop("province", None) or (
        commune.province if commune else group.support_model.province
    )
    rows = []
    for _ in range(n):
        code = next(_codes)
        rows.append(
            Client(
                short_code=f"T{code:07d}",
                uic=f"UIC{code:06d}",
                peer_group=group,
                province=province,
                commune=commune,
                birth_year=extra.get("birth_year", 1995),
                sex=extra.get("sex", "F"),
                registered_on=extra.get("registered_on", date(2020, 1, 1)),
                registered_by=registered_by,
                legacy_commune=extra.get("legacy_commune"),
            )
        )
    return Client.objects.bulk_create(rows)


def deliveries(
    items: list[tuple[Any, str, Any, date]], *, recorded_by: Any, source: str = "walk_in"
) -> list[ServiceDelivery]:
    """items: (client, service_type, provider, delivered_on)."""
    return ServiceDelivery.objects.bulk_create(
        [
            ServiceDelivery(
                client=client,
                service_type=st,
                category=category_of(st),
                provider=provider,
                delivered_on=on,
                source=source,
                recorded_by=recorded_by,
            )
            for client, st, provider, on in items
        ]
    )


def _contact(world: Any, on: date, client: Any = None, **extra: Any) -> OutreachContact:
    return OutreachContact.objects.create(
        contact_date=on,
        client=client,
        head_count=extra.pop("head_count", 1),
        peer_group=extra.pop("peer_group", world.group),
        peer_educator=world.peer,
        place_type="street",
        **extra,
    )


def split_legacy_commune(world: Any) -> LegacyCommune:
    """A pre-reform commune of Quảng Ninh split between Hạ Long and Cẩm Phả."""
    old = LegacyCommune.objects.create(
        code="06700",
        name="Phường Cũ",
        district_code="193",
        district_name="Thành phố Hạ Long",
        province_code="22",
        province_name="Tỉnh Quảng Ninh",
        search_name="phuong cu",
    )
    CommuneConversion.objects.create(old_commune=old, new_commune=world.ha_long, note="split")
    CommuneConversion.objects.create(old_commune=old, new_commune=world.cam_pha, note="split")
    return old


@pytest.fixture
def varied(world: Any) -> Any:
    """Clients in two provinces, a pre-reform commune split in two, several population
    groups and ages; deliveries with duplicates, several types a visit; contacts with
    clients and anonymous ones, with and without a commune."""
    old = split_legacy_commune(world)
    fsw, _ = PopulationGroup.objects.get_or_create(
        code="fsw", defaults={"name_vi": "FSW", "name_en": "FSW"}
    )
    pwid, _ = PopulationGroup.objects.get_or_create(
        code="pwid", defaults={"name_vi": "PWID", "name_en": "PWID"}
    )
    ha_long = make_clients(7, group=world.group, commune=world.ha_long, registered_by=world.peer)
    split = make_clients(
        3, group=world.group, province=world.qn, legacy_commune=old, registered_by=world.peer
    )
    young = make_clients(
        4,
        group=world.other_group,
        commune=world.cam_pha,
        birth_year=2008,
        sex="M",
        registered_by=world.peer,
    )
    hue = make_clients(5, group=world.hue_group, commune=world.thuan_hoa, registered_by=world.peer)
    for c in ha_long[:4] + young[:2]:
        c.population_groups.add(fsw)
    for c in ha_long[2:6] + hue[:2]:
        c.population_groups.add(pwid)
    clients = ha_long + split + young + hue
    items = []
    for i, c in enumerate(clients):
        on = date(2024, 1 + i % 12, 1 + i % 27)
        items += [
            (c, "hiv_test", world.clinic, on),
            (c, "sti_test_treatment", world.clinic, on),  # the same health lượt
            (c, "legal_advice", world.legal, date(2024, 12 - i % 12, 3)),
        ]
        if i % 3 == 0:
            items.append((c, "hiv_test", world.clinic, on))  # recorded twice
        if i % 4 == 0:
            items.append((c, "hiv_test", world.hue_clinic, date(2025, 1, 2 + i % 20)))
        if i % 5 == 0:
            items += [
                (c, "loan", world.clinic, on),
                (c, "vocational_training", world.clinic, on),
                (c, "identity_papers", world.legal, date(2024, 12 - i % 12, 3)),
                (c, "psych_counselling", world.clinic, date(2024, 7, 1 + i)),
            ]
    deliveries(items, recorded_by=world.provider)
    for i, c in enumerate(clients):
        _contact(world, date(2024, 1 + i % 12, 5), c, commune=c.commune)
        _contact(world, date(2024, 1 + (i + 5) % 12, 6), c, legacy_commune=c.legacy_commune)
    _contact(world, date(2024, 3, 3), head_count=12, commune=world.ha_long)
    _contact(world, date(2024, 3, 3), head_count=7, peer_group=world.hue_group)
    return world
