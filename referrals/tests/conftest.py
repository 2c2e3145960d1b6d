"""Fixtures for referral tests: directory services, a client of the home group with
consent to share with the clinic, and a helper to send referrals."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from directory.models import Location, Service
from tests.factories import make_client, share_consent


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
