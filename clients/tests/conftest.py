"""Fixtures for client registry tests: a registered client of the home peer group."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from clients import services
from clients.models import Client, PopulationGroup
from conftest import identifying

NAME = "Nguyễn Thị Lành"
PHONE = "0912 345 678"
PHONE_DIGITS = "0912345678"


def register(w: SimpleNamespace, **overrides: Any) -> Client:
    data: dict[str, Any] = {
        "actor": w.peer,
        "peer_group": w.group,
        "given_name": "Lành",
        "mother_given_name": "Hoa",
        "birth_year": 1995,
        "sex": "F",
        "gender_identity": "woman",
        "population_groups": PopulationGroup.objects.filter(code="fsw"),
        "commune": w.ha_long,
        "name": NAME,
        "nickname": "Bống",
        "phone": PHONE,
        "notes": "",
        "consent_follow_up": True,
        "consent_method": "verbal",
        "consent_phone": True,
        "share_with": [w.clinic],
    }
    data.update(overrides)
    actor = data.pop("actor")
    anyway = {k: data.pop(k) for k in ("register_anyway", "reason") if k in data}
    client = services.client_register(actor=actor, details=services.ClientDetails(**data), **anyway)
    # The whole run fails if any of these ever reaches a log line (root conftest).
    identifying(str(data["name"] or ""), str(data["phone"] or ""), client.uic)
    return client


@pytest.fixture
def client_of_group(world: SimpleNamespace) -> Client:
    return register(world)


@pytest.fixture(autouse=True)
def _english(request: Any) -> Any:
    """Assertions read the English strings: run these tests with English users."""
    from django.utils import translation

    from accounts.models import User

    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        User.objects.update(language="en")
    with translation.override("en"):
        yield
