"""Demo establishments of the workers' rights model in Quảng Ninh, with encrypted owner
contacts and agreements (loaded by the activities demo, whose activities name them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.demo import DemoContext
from geo.models import Commune

from .services import establishment_agreement_record, establishment_register

DEMO_OWNERS = [
    ("Karaoke Hoàng Gia", "karaoke", "06688", "Chủ cơ sở A", "0900000001"),
    ("Khách sạn Bãi Cháy Xanh", "hotel", "06673", "Chủ cơ sở B", "0900000002"),
    ("Nhà nghỉ Minh Anh", "guesthouse", "06688", "Chủ cơ sở C", "0900000003"),
    ("Massage Thư Giãn", "massage", "06793", "Chủ cơ sở D", "0900000004"),
    ("Karaoke Sông Đá", "karaoke", "06811", "Chủ cơ sở E", "0900000005"),
    ("Quán bia Biển Đêm", "bar", "06688", "", ""),
]


def establishments_load(ctx: DemoContext, coordinator: Any) -> list[Any]:
    """Establishments of the workers' rights model (owner contacts encrypted), three of
    them with an agreement."""
    rights = ctx.models["qn_rights"]
    in_quang_ninh = Commune.objects.filter(province_id="22")
    establishments = [
        establishment_register(
            actor=coordinator,
            name=name,
            kind=kind,
            commune=ctx.communes.get(code) or in_quang_ninh[0],
            support_model=rights,
            owner_name=owner,
            owner_phone=phone,
        )
        for name, kind, code, owner, phone in DEMO_OWNERS
    ]
    for est, when in zip(
        establishments[:3], [date(2019, 11, 5), date(2019, 11, 20), date(2020, 3, 2)]
    ):
        establishment_agreement_record(
            actor=coordinator,
            establishment=est,
            signed_on=when,
            summary="Cho nhóm đồng đẳng vào truyền thông, người lao động được khám định kỳ",
            signed_by="owner",
        )
    return establishments
