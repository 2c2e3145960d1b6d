"""Outreach fixtures: stock held by the home model's lead organisation, a registered client."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from clients.tests.conftest import register
from outreach import services
from outreach.models import Material


@pytest.fixture
def stocked(world: SimpleNamespace) -> SimpleNamespace:
    """Condoms and one material in the stock of the home model's lead organisation."""
    material = Material.objects.create(
        name="Kỹ năng ứng phó trong tình huống nguy hiểm", theme="safety_skills"
    )
    services.stock_receive(
        actor=world.coordinator,
        organisation=world.agency,
        item_kind="condom",
        quantity=100,
        received_on=date(2026, 1, 1),
    )
    services.stock_receive(
        actor=world.coordinator,
        organisation=world.agency,
        item_kind="material",
        material=material,
        quantity=5,
        received_on=date(2026, 1, 1),
    )
    return SimpleNamespace(material=material, client=register(world))


__all__ = ["register", "stocked"]


def qty(org: Any, kind: str, material: Any = None) -> int:
    from outreach.queries import stock_level

    return stock_level(org, kind, material)


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
