"""Money is written the Vietnamese way on every page: 20.000.000 ₫."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from core.money import NBSP, vnd


def test_it_writes_dong_with_dots_and_the_sign_after() -> None:
    assert vnd(20_000_000) == f"20.000.000{NBSP}₫"
    assert vnd(450000000) == f"450.000.000{NBSP}₫"
    assert vnd(0) == f"0{NBSP}₫"
    assert vnd(-1500) == f"-1.500{NBSP}₫"
    assert vnd(None) == ""


def test_every_page_with_an_amount_writes_it_so(world: Any, as_user: Any) -> None:
    from accounts.models import User
    from directory.models import Agreement
    from referrals.models import ServiceDelivery
    from referrals.tests.conftest import make_client

    agreement = Agreement.objects.create(
        provider=world.clinic,
        title="Khám cho 100 phụ nữ",
        start_date=date(2019, 6, 1),
        end_date=date(2019, 12, 31),
        budget_vnd=20_000_000,
        support_model=world.model,
    )
    client = make_client(world)
    ServiceDelivery.objects.create(
        client=client,
        service_type="loan",
        provider=world.clinic,
        delivered_on=date(2024, 5, 1),
        source="walk_in",
        recorded_by=world.provider,
        amount_vnd=5_000_000,
    )
    pages = [
        (world.coordinator, reverse("directory:agreements"), "20.000.000"),
        (
            world.coordinator,
            reverse("directory:agreement", args=[agreement.public_id]),
            "20.000.000",
        ),
        (world.coordinator, reverse("programs:model_detail", args=[world.model.pk]), "300.000.000"),
        (world.peer, reverse("referrals:client", args=[client.public_id]), "5.000.000"),
    ]
    for language in ("vi", "en"):
        User.objects.update(language=language)
        for user, url, amount in pages:
            body = as_user(user).get(url).content.decode()
            assert f"{amount}{NBSP}₫" in body, (language, url)
            assert "VND" not in body.replace("(VND)", ""), url
