"""Helpers for report tests: build clients and service deliveries in bulk."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from clients.models import Client
from directory.taxonomy import category_of
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
