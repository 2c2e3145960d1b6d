"""Demo programmes modelled on the seeds: Quảng Ninh's three models (Hạ Long, Cẩm Phả,
Uông Bí), Huế's three peer groups, Khánh Hòa's service-connection system, Hải Phòng's
self-help group and Quảng Trị (which absorbed Quảng Bình's Đồng Hới/Bố Trạch pilot)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Grant, Role, User
from core.demo import DEMO_PASSWORD, DEMO_START, DEMO_TOTP_KEY_HEX, DemoContext
from core.registry import demo_loader
from geo.models import Commune, Province

from .models import Membership, Organisation, PeerGroup, SupportModel

ORGS = [
    # key, name, kind, province, commune
    ("qn_agency", "Chi cục Phòng, chống tệ nạn xã hội Quảng Ninh", "agency", "22", None),
    ("qn_clinic", "Phòng khám sản phụ khoa Tâm Đức", "provider", "22", "06688"),
    (
        "qn_legal",
        "Văn phòng trợ giúp pháp lý - Hội Luật gia tỉnh Quảng Ninh",
        "provider",
        "22",
        "06685",
    ),
    ("qn_club", "Câu lạc bộ Chúng tôi là phụ nữ Quảng Ninh", "community", "22", "06688"),
    ("qn_vocational", "Trường trung cấp nghề Hạ Long (pha chế đồ uống)", "provider", "22", "06673"),
    ("qn_shelter", "Nhà tạm lánh Quảng Ninh", "provider", "22", "06685"),
    ("qn_counselling", "Trung tâm tư vấn tâm lý Hạ Long", "provider", "22", "06688"),
    ("qn_social_work", "Trung tâm Công tác xã hội tỉnh Quảng Ninh", "provider", "22", "06688"),
    ("qn_women", "Hội Liên hiệp Phụ nữ tỉnh Quảng Ninh", "mass", "22", None),
    ("hotline", "Đường dây nóng hỗ trợ 24/7", "community", "22", None),
    ("hue_agency", "Sở Y tế - Phòng PCTNXH thành phố Huế", "agency", "46", None),
    ("hue_health", "Trạm y tế phường Thuận Hóa", "provider", "46", "19786"),
    ("hue_legal", "Trung tâm trợ giúp pháp lý nhà nước thành phố Huế", "provider", "46", "19768"),
    ("hue_vocational", "Trung tâm giáo dục nghề nghiệp Hương Thủy", "provider", "46", "19975"),
    ("kh_agency", "Chi cục PCTNXH Khánh Hòa", "agency", "56", None),
    ("kh_health", "Trạm y tế phường Nha Trang (trước đây Phương Sơn)", "provider", "56", "22366"),
    ("hp_agency", "Chi cục PCTNXH Hải Phòng", "agency", "31", None),
    ("hp_scdi", "Nhóm tự lực Vòng tay bè bạn", "community", "31", "11455"),
    ("qt_agency", "Sở Y tế Quảng Trị - Phòng PCTNXH", "agency", "44", None),
]

MODELS = [
    # key, name, kind, province, communes, lead, start, decision, decision date, budget
    (
        "qn_peer",
        "Hỗ trợ tăng cường năng lực nhóm đồng đẳng, nhóm tự lực, CLB của người bán dâm "
        "(Hạ Long, Cẩm Phả, Uông Bí)",
        "peer_capacity",
        "22",
        ["06688", "06793", "06811"],
        "qn_agency",
        date(2019, 1, 1),
        "",
        None,
        450_000_000,
    ),
    (
        "qn_rights",
        "Bảo đảm quyền của người lao động trong các cơ sở kinh doanh dịch vụ - Hạ Long",
        "worker_rights",
        "22",
        ["06688", "06673"],
        "qn_agency",
        date(2019, 1, 1),
        "",
        None,
        150_000_000,
    ),
    (
        "qn_services",
        "Cung cấp dịch vụ cho người bán dâm tại cộng đồng - CLB Chúng tôi là phụ nữ",
        "community_services",
        "22",
        ["06688"],
        "qn_club",
        date(2019, 1, 1),
        "",
        None,
        200_000_000,
    ),
    (
        "hue_peer",
        "Hỗ trợ tăng cường năng lực nhóm đồng đẳng của người bán dâm - Huế",
        "peer_capacity",
        "46",
        ["19786", "19975", "19996"],
        "hue_agency",
        date(2018, 1, 1),
        "",
        None,
        250_000_000,
    ),
    (
        "kh_services",
        "Hệ thống kết nối hỗ trợ dịch vụ can thiệp giảm hại cho người bán dâm tại "
        "cộng đồng - Khánh Hòa",
        "community_services",
        "56",
        ["22366", "22333"],
        "kh_agency",
        date(2019, 10, 1),
        "",
        None,
        180_000_000,
    ),
    (
        "hp_selfhelp",
        "Hỗ trợ tăng cường năng lực nhóm tự lực giúp đỡ người bán dâm - Đồ Sơn",
        "self_help",
        "31",
        ["11455", "11737"],
        "hp_agency",
        date(2019, 1, 1),
        "",
        None,
        220_000_000,
    ),
    (
        "qt_peer",
        "Hỗ trợ tăng cường năng lực các nhóm đồng đẳng của người bán dâm (thí điểm Đồng "
        "Hới, Bố Trạch)",
        "peer_capacity",
        "44",
        ["18880", "19141"],
        "qt_agency",
        date(2019, 5, 1),
        "1683/QĐ-UBND",
        date(2019, 5, 20),
        120_000_000,
    ),
]

GROUPS = [
    # key, name, kind, model, communes
    ("qn_halong", "Nhóm đồng đẳng Hoa Hồng - Hạ Long", "peer", "qn_peer", ["06688"]),
    ("qn_campha", "Nhóm đồng đẳng Cẩm Phả", "peer", "qn_peer", ["06793"]),
    ("qn_uongbi", "Nhóm đồng đẳng Uông Bí", "peer", "qn_peer", ["06811"]),
    ("qn_club", "CLB Chúng tôi là phụ nữ Quảng Ninh", "club", "qn_services", ["06688"]),
    ("hue_1", "Nhóm đồng đẳng thành phố Huế", "peer", "hue_peer", ["19786"]),
    ("hue_2", "Nhóm đồng đẳng Hương Thủy", "peer", "hue_peer", ["19975"]),
    ("hue_3", "Nhóm đồng đẳng Hương Trà", "peer", "hue_peer", ["19996"]),
    ("kh_1", "Nhóm đồng đẳng Nha Trang", "peer", "kh_services", ["22366"]),
    ("hp_1", "Nhóm tự lực Đồ Sơn", "self_help", "hp_selfhelp", ["11455"]),
    ("qt_1", "Nhóm đồng đẳng Đồng Hới", "peer", "qt_peer", ["18880"]),
]

USERS = [
    # username, full name, role, scope kind, scope key
    ("dongdang", "Nguyễn Thị Hoa (ĐĐV)", Role.PEER_EDUCATOR, "group", "qn_halong"),
    ("truongnhom", "Trần Thị Mai (Trưởng nhóm)", Role.GROUP_LEADER, "group", "qn_halong"),
    ("duongdaynong", "Lê Văn An (Tư vấn viên)", Role.HOTLINE, "org", "hotline"),
    ("phongkham", "BS. Phạm Thu Hà", Role.PROVIDER, "org", "qn_clinic"),
    ("trogiupphaply", "LS. Đỗ Minh Quân", Role.PROVIDER, "org", "qn_legal"),
    ("dieuphoi", "Vũ Thị Thanh (Điều phối)", Role.COORDINATOR, "model", "qn_peer"),
    ("quanlytinh", "Hoàng Văn Long (Sở)", Role.PROVINCIAL_MANAGER, "province", "22"),
    ("quanlyquocgia", "Cục Bảo trợ xã hội", Role.NATIONAL_MANAGER, "nation", ""),
    ("quantri", "Quản trị hệ thống", Role.ADMINISTRATOR, "nation", ""),
    ("dongdanghue", "Phan Thị Hương (ĐĐV Huế)", Role.PEER_EDUCATOR, "group", "hue_1"),
    ("dongdangcampha", "Bùi Thị Nga (ĐĐV Cẩm Phả)", Role.PEER_EDUCATOR, "group", "qn_campha"),
]


@demo_loader(10, "programmes")
def load(ctx: DemoContext) -> None:
    ctx.provinces = {
        p.code: p for p in Province.objects.filter(code__in=["22", "46", "56", "31", "44"])
    }
    codes = {c for m in MODELS for c in m[4]} | {o[4] for o in ORGS if o[4]}
    ctx.communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    for key, name, kind, prov, commune in ORGS:
        ctx.organisations[key] = Organisation.objects.create(
            name=name,
            kind=kind,
            province_id=prov,
            commune_id=commune,
            phone="1900 0000" if key == "hotline" else "",
        )
    for key, name, kind, prov, communes, lead, start, dec, dec_date, budget in MODELS:
        model = SupportModel.objects.create(
            name=name,
            kind=kind,
            province_id=prov,
            lead_organisation=ctx.organisations[lead],
            start_date=start,
            funding_source="Ngân sách Trung ương (Cục PCTNXH)",
            decision_number=dec,
            decision_date=dec_date,
            budget_vnd=budget,
        )
        model.communes.set(Commune.objects.filter(code__in=communes))
        ctx.models[key] = model
    for key, name, kind, model_key, communes in GROUPS:
        group = PeerGroup.objects.create(
            name=name, kind=kind, support_model=ctx.models[model_key], founded_on=DEMO_START
        )
        group.communes.set(Commune.objects.filter(code__in=communes))
        ctx.groups[key] = group
        # Quảng Ninh trained 46 core and network members across its three models.
        n_core, n_network = (6, 10) if key.startswith("qn_") else (4, 6)
        for i in range(n_core + n_network):
            Membership.objects.create(
                peer_group=group,
                alias=f"TV{i + 1:02d}",
                role=Membership.Role.CORE if i < n_core else Membership.Role.NETWORK,
                joined_on=DEMO_START if i < n_core else date(2020, 3, 1),
                left_on=date(2023, 12, 31) if i == n_core + n_network - 1 else None,
            )
    for username, full_name, role, kind, key in USERS:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name
        )
        scope: dict[str, Any] = {
            "group": {"peer_group": ctx.groups.get(key)},
            "org": {"organisation": ctx.organisations.get(key)},
            "model": {"support_model": ctx.models.get(key)},
            "province": {"province_id": key},
            "nation": {},
        }[kind]  # type: ignore[assignment]
        Grant.objects.create(user=user, role=role, **scope)
        if user.needs_two_factor:
            TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY_HEX, confirmed=True)
        ctx.users[username] = user
    # The coordinator also follows Quảng Ninh's other two models.
    for key in ("qn_rights", "qn_services"):
        Grant.objects.create(
            user=ctx.users["dieuphoi"], role=Role.COORDINATOR, support_model=ctx.models[key]
        )
