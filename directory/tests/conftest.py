from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from directory.models import Location, Service
from programs.models import Organisation


@pytest.fixture
def dworld(world: Any) -> SimpleNamespace:
    """world + a clinic service, a Huế service and a confidential shelter in Quảng Ninh."""
    clinic_loc = Location.objects.create(
        organisation=world.clinic,
        name="Cơ sở chính",
        address="12 Lê Thánh Tông",
        commune=world.ha_long,
        province=world.qn,
        opening_hours="7:30–17:00",
        phone="0203 111",
    )
    gyn = Service.objects.create(
        organisation=world.clinic,
        service_type="gyn_exam",
        name="Khám phụ khoa",
        friendly_to_key_populations=True,
        languages=["vi", "en"],
        phone="0203 111",
    )
    gyn.locations.set([clinic_loc])
    hue_loc = Location.objects.create(
        organisation=world.hue_clinic,
        name="Trạm y tế",
        address="2 Hùng Vương",
        commune=world.thuan_hoa,
        province=world.hue,
    )
    hue_hiv = Service.objects.create(
        organisation=world.hue_clinic,
        service_type="hiv_test",
        name="Xét nghiệm HIV",
        cost="fee",
        fee_note="50.000 đồng",
    )
    hue_hiv.locations.set([hue_loc])
    shelter_org = Organisation.objects.create(
        name="Nhà tạm lánh", kind=Organisation.Kind.SERVICE_PROVIDER, province=world.qn
    )
    shelter_loc = Location.objects.create(
        organisation=shelter_org,
        name="Nhà tạm lánh",
        address="Ngõ Bí Mật số 7",
        commune=world.cam_pha,
        province=world.qn,
        confidential=True,
        phone="0900 000 111",
        latitude=20.95,
        longitude=107.07,
    )
    shelter = Service.objects.create(
        organisation=shelter_org,
        service_type="emergency_shelter",
        name="Tạm lánh khẩn cấp",
        friendly_to_key_populations=True,
    )
    shelter.locations.set([shelter_loc])
    return SimpleNamespace(
        w=world,
        gyn=gyn,
        hue_hiv=hue_hiv,
        shelter=shelter,
        shelter_org=shelter_org,
        shelter_loc=shelter_loc,
        clinic_loc=clinic_loc,
    )
