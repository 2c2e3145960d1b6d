"""Fixtures for referral tests: directory services, a client of the home group with
consent to share with the clinic, and a helper to send referrals."""

from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from clients.models import Client, Consent, PopulationGroup
from directory.models import Location, Service

_codes = itertools.count(1)


def make_client(world: Any, group: Any = None, **extra: Any) -> Client:
    group = group or world.group
    n = next(_codes)
    client = Client.objects.create(
        short_code=extra.pop("short_code", f"K{n:05d}"),
        uic=f"UIC{n:05d}",
        peer_group=group,
        province=group.support_model.province,
        birth_year=extra.pop("birth_year", 1996),
        sex="F",
        registered_by=world.peer,
        **extra,
    )
    fsw, _ = PopulationGroup.objects.get_or_create(
        code="fsw", defaults={"name_vi": "Phụ nữ bán dâm", "name_en": "Female sex worker"}
    )
    client.population_groups.add(fsw)
    return client


def share_consent(client: Client, provider: Any, by: Any) -> Consent:
    return Consent.objects.create(
        client=client,
        purpose=Consent.Purpose.SHARE_PROVIDER,
        provider=provider,
        method=Consent.Method.VERBAL,
        taken_by=by,
        taken_at=timezone.now(),
    )


def build_services(world: Any) -> SimpleNamespace:
    clinic_loc = Location.objects.create(
        organisation=world.clinic,
        name="Phòng khám Tâm Đức",
        address="12 Lê Thánh Tông",
        commune=world.ha_long,
        province=world.qn,
        opening_hours="7:30–17:00",
    )
    gyn = Service.objects.create(
        organisation=world.clinic,
        service_type="gyn_exam",
        name="Khám phụ khoa",
        friendly_to_key_populations=True,
    )
    gyn.locations.set([clinic_loc])
    sti = Service.objects.create(
        organisation=world.clinic, service_type="sti_test_treatment", name="Xét nghiệm STI"
    )
    sti.locations.set([clinic_loc])
    legal = Service.objects.create(
        organisation=world.legal, service_type="legal_advice", name="Tư vấn pháp lý"
    )
    return SimpleNamespace(gyn=gyn, sti=sti, legal=legal, clinic_loc=clinic_loc)


@pytest.fixture
def rworld(world: Any) -> SimpleNamespace:
    """world + services + a client of the home group who consented to the clinic."""
    s = build_services(world)
    client = make_client(world)
    share_consent(client, world.clinic, world.peer)
    other_client = make_client(world, group=world.other_group)
    share_consent(other_client, world.clinic, world.peer_other_group)
    return SimpleNamespace(w=world, s=s, client=client, other_client=other_client)


def send(rw: Any, **kw: Any) -> Any:
    from referrals.services import referral_send

    args = {
        "actor": rw.w.peer,
        "client": rw.client,
        "service": rw.s.gyn,
        "reason": "Cần khám phụ khoa",
        "urgency": "routine",
        "from_kind": "peer",
    }
    args.update(kw)
    return referral_send(**args)


TODAY = date.today
