"""Extra fixtures for the activities and safety tests."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from clients.models import Client, Consent


def make_client(world: SimpleNamespace, code: str, group: Any = None, **extra: Any) -> Client:
    group = group or world.group
    return Client.objects.create(
        short_code=code,
        uic=f"UIC{code}",
        peer_group=group,
        province=group.support_model.province,
        commune=extra.pop("commune", None),
        birth_year=1995,
        sex="F",
        registered_by=world.peer,
        **extra,
    )


def give_share_consent(world: SimpleNamespace, client: Client, provider: Any) -> Consent:
    from django.utils import timezone

    return Consent.objects.create(
        client=client,
        purpose=Consent.Purpose.SHARE_PROVIDER,
        provider=provider,
        method=Consent.Method.VERBAL,
        taken_by=world.peer,
        taken_at=timezone.now(),
    )


@pytest.fixture
def client_a(world: SimpleNamespace) -> Client:
    return make_client(world, "HH2K7Q")


@pytest.fixture
def client_other_group(world: SimpleNamespace) -> Client:
    return make_client(world, "CP9X3M", group=world.other_group)
