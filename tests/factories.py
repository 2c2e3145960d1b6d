"""The one place tests make their records: plain functions taking the standing `world`
(root conftest.py) and returning saved rows. Use a service instead where the test is
about what the service does (clients.tests.conftest.register, for one)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from clients.models import Client, Consent, PopulationGroup
from programs.models import Establishment

_numbers = itertools.count(1)
# Names of the population groups tests use (the reference data has none in tests).
POPULATION_NAMES = {"fsw": ("Phụ nữ bán dâm", "Female sex worker")}


def make_client(
    world: SimpleNamespace,
    code: str | None = None,
    *,
    group: Any = None,
    birth_year: int = 1996,
    population: Iterable[str] = ("fsw",),
    **extra: Any,
) -> Client:
    """A client of the home peer group (or `group`), written directly: no UIC built from
    names, no consent but what the test adds. `code` is the short code (one is made up
    when not given); other fields go through `extra`."""
    group = group or world.group
    code = code or extra.pop("short_code", None) or f"K{next(_numbers):05d}"
    client = Client.objects.create(
        short_code=code,
        uic=f"UIC{code}",
        peer_group=group,
        province=group.support_model.province,
        birth_year=birth_year,
        sex="F",
        registered_by=world.peer,
        **extra,
    )
    for population_code in population:
        name_vi, name_en = POPULATION_NAMES.get(population_code, (population_code,) * 2)
        population_group, _ = PopulationGroup.objects.get_or_create(
            code=population_code, defaults={"name_vi": name_vi, "name_en": name_en}
        )
        client.population_groups.add(population_group)
    return client


def share_consent(client: Client, provider: Any, by: Any) -> Consent:
    """The client's verbal consent to share their referral details with `provider`."""
    return Consent.objects.create(
        client=client,
        purpose=Consent.Purpose.SHARE_PROVIDER,
        provider=provider,
        method=Consent.Method.VERBAL,
        taken_by=by,
        taken_at=timezone.now(),
    )


def make_establishment(world: SimpleNamespace, **details: Any) -> Establishment:
    """An establishment of the world's model in Hạ Long, registered by its coordinator
    (through the service: the owner's contact is encrypted)."""
    from programs.establishments.services import establishment_register

    values: dict[str, Any] = {
        "name": "Karaoke Sao Biển",
        "kind": "karaoke",
        "commune": world.ha_long,
        "support_model": world.model,
        "owner_name": "",
        "owner_phone": "",
    }
    return establishment_register(actor=world.coordinator, **(values | details))
