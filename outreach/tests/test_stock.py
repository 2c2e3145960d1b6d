"""Receiving stock (coordinators), seeing stock, the materials catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from outreach.models import Material, StockReceipt

from .conftest import qty


def test_it_lets_the_coordinator_receive_stock(world: Any, as_user: Any) -> None:
    http = as_user(world.coordinator)
    url = reverse("outreach:stock_receive")
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {
            "organisation": world.agency.pk,
            "item_kind": "lubricant",
            "quantity": "500",
            "received_on": "2026-02-01",
            "source": "CDC Quảng Ninh",
        },
    )
    assert response.status_code == 302
    assert qty(world.agency, "lubricant") == 500
    stock = http.get(reverse("outreach:stock")).content.decode()
    assert "500" in stock


def test_it_requires_a_material_for_materials(world: Any, as_user: Any) -> None:
    response = as_user(world.coordinator).post(
        reverse("outreach:stock_receive"),
        {
            "organisation": world.agency.pk,
            "item_kind": "material",
            "quantity": "5",
            "received_on": "2026-02-01",
        },
    )
    assert "Choose which material" in response.content.decode()
    assert not StockReceipt.objects.exists()


@pytest.mark.parametrize(
    "who", ["peer", "leader", "coordinator_other", "provider", "prov_manager", "admin", "nobody"]
)
def test_it_refuses_receiving_into_another_organisation(world: Any, as_user: Any, who: str) -> None:
    http = as_user(getattr(world, who))
    response = http.post(
        reverse("outreach:stock_receive"),
        {
            "organisation": world.agency.pk,
            "item_kind": "condom",
            "quantity": "5",
            "received_on": "2026-02-01",
        },
    )
    assert response.status_code in (404, 200)
    assert not StockReceipt.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("peer", 200),
        ("coordinator", 200),
        ("provider", 404),
        ("prov_manager", 404),
        ("nat_manager", 404),
        ("admin", 404),
    ],
)
def test_it_shows_stock_to_groups_and_coordinators(
    world: Any, as_user: Any, who: str, status: int, django_assert_max_num_queries: Any
) -> None:
    http = as_user(getattr(world, who))
    with django_assert_max_num_queries(15):
        assert http.get(reverse("outreach:stock")).status_code == status


def test_it_keeps_a_catalogue_by_theme(world: Any, as_user: Any) -> None:
    http = as_user(world.coordinator)
    response = http.post(
        reverse("outreach:material_new"),
        {"name": "Sổ tay quyền người lao động", "theme": "worker_rights", "format": "printed"},
    )
    assert response.status_code == 302
    assert Material.objects.get().theme == "worker_rights"
    assert "Sổ tay quyền" in as_user(world.peer).get(reverse("outreach:materials")).content.decode()
    assert as_user(world.peer).get(reverse("outreach:material_new")).status_code == 404
    assert as_user(world.provider).get(reverse("outreach:materials")).status_code == 404
