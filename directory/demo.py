"""Demo directory from the seeds: Quảng Ninh's Tâm Đức clinic (an agreement for 100
women's exams, 20 million VND), the legal aid office (20 cases and 10 identity papers),
vocational training in drink-mixing for 12, a confidential shelter, counselling, the
social work centre's child protection (for clients under 18); Huế's
and Khánh Hòa's (Phương Sơn health station) providers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.demo import DemoContext
from core.registry import demo_loader

from .models import Agreement, AgreementLine, Location, Service

# org key, location key, name, address, commune, confidential, hours, phone
LOCATIONS = [
    (
        "qn_clinic",
        "clinic",
        "Phòng khám Tâm Đức",
        "Số 12 đường Lê Thánh Tông",
        "06688",
        False,
        "Thứ 2–Thứ 7, 7:30–17:00",
        "0203 3825 111",
    ),
    (
        "qn_legal",
        "legal",
        "Văn phòng trợ giúp pháp lý",
        "Số 5 đường Trần Hưng Đạo",
        "06685",
        False,
        "Thứ 2–Thứ 6, 8:00–16:30",
        "0203 3835 222",
    ),
    (
        "qn_vocational",
        "vocational",
        "Cơ sở đào tạo Bãi Cháy",
        "Đường Hạ Long, Bãi Cháy",
        "06673",
        False,
        "Thứ 2–Thứ 6, 7:30–17:00",
        "0203 3846 333",
    ),
    (
        "qn_shelter",
        "shelter",
        "Nhà tạm lánh",
        "Ngõ 7, phố bí mật (không công bố)",
        "06685",
        True,
        "24/7",
        "0900 000 111",
    ),
    (
        "qn_counselling",
        "counselling",
        "Trung tâm tư vấn tâm lý Hạ Long",
        "Số 30 đường Cột Đồng Hồ",
        "06688",
        False,
        "Thứ 2–Thứ 7, 8:00–20:00",
        "0203 3857 444",
    ),
    (
        "qn_social_work",
        "social_work",
        "Trung tâm Công tác xã hội tỉnh Quảng Ninh",
        "Số 18 đường Nguyễn Văn Cừ",
        "06688",
        False,
        "Thứ 2–Thứ 6, 7:30–17:00; đường dây 111 (Tổng đài quốc gia bảo vệ trẻ em) 24/7",
        "0203 3868 555",
    ),
    (
        "hue_health",
        "hue_health",
        "Trạm y tế phường Thuận Hóa",
        "Số 2 đường Hùng Vương",
        "19786",
        False,
        "Thứ 2–Thứ 6, 7:00–17:00",
        "0234 3822 555",
    ),
    (
        "hue_legal",
        "hue_legal",
        "Trung tâm trợ giúp pháp lý Huế",
        "Số 9 đường Tôn Đức Thắng",
        "19768",
        False,
        "Thứ 2–Thứ 6, 7:30–16:30",
        "0234 3833 666",
    ),
    (
        "hue_vocational",
        "hue_vocational",
        "Trung tâm GDNN Hương Thủy",
        "Đường Nguyễn Tất Thành",
        "19975",
        False,
        "Thứ 2–Thứ 6, 7:30–17:00",
        "0234 3844 777",
    ),
    (
        "kh_health",
        "kh_health",
        "Trạm y tế Phương Sơn (nay phường Nha Trang)",
        "Số 1 đường Nguyễn Trãi",
        "22366",
        False,
        "Thứ 2–Chủ nhật, 7:00–19:00",
        "0258 3811 888",
    ),
]

# key, org key, location keys, type, name, eligibility, cost, fee note, friendly
SERVICES = [
    (
        "gyn",
        "qn_clinic",
        ["clinic"],
        "gyn_exam",
        "Khám phụ khoa miễn phí cho phụ nữ",
        "Phụ nữ được nhóm đồng đẳng giới thiệu",
        "free",
        "",
        True,
    ),
    (
        "sti",
        "qn_clinic",
        ["clinic"],
        "sti_test_treatment",
        "Xét nghiệm và điều trị STI",
        "",
        "fee",
        "Giảm 50% khi có phiếu giới thiệu",
        True,
    ),
    (
        "repro",
        "qn_clinic",
        ["clinic"],
        "reproductive_health_check",
        "Tư vấn sức khỏe sinh sản",
        "",
        "free",
        "",
        True,
    ),
    ("hiv_qn", "qn_clinic", ["clinic"], "hiv_test", "Xét nghiệm HIV", "", "free", "", True),
    ("legal_advice", "qn_legal", ["legal"], "legal_advice", "Tư vấn pháp lý", "", "free", "", True),
    (
        "legal_aid",
        "qn_legal",
        ["legal"],
        "legal_aid",
        "Trợ giúp pháp lý, đại diện tố tụng",
        "Người thuộc diện trợ giúp pháp lý",
        "free",
        "",
        False,
    ),
    (
        "id_papers",
        "qn_legal",
        ["legal"],
        "identity_papers",
        "Hỗ trợ làm giấy tờ tùy thân",
        "",
        "free",
        "",
        True,
    ),
    (
        "drinks",
        "qn_vocational",
        ["vocational"],
        "vocational_training",
        "Dạy nghề pha chế đồ uống (khóa 3 tháng)",
        "Từ 16 tuổi",
        "free",
        "",
        True,
    ),
    (
        "jobs",
        "qn_vocational",
        ["vocational"],
        "job_placement",
        "Giới thiệu việc làm",
        "",
        "free",
        "",
        False,
    ),
    (
        "shelter",
        "qn_shelter",
        ["shelter"],
        "emergency_shelter",
        "Tạm lánh khẩn cấp",
        "Phụ nữ bị bạo lực hoặc có nguy cơ",
        "free",
        "",
        True,
    ),
    (
        "safety",
        "qn_shelter",
        ["shelter"],
        "safety_planning",
        "Lập kế hoạch an toàn",
        "",
        "free",
        "",
        True,
    ),
    (
        "psych",
        "qn_counselling",
        ["counselling"],
        "psych_counselling",
        "Tư vấn tâm lý",
        "",
        "free",
        "",
        True,
    ),
    (
        "child_protection",
        "qn_social_work",
        ["social_work"],
        "child_protection",
        "Bảo vệ trẻ em: đánh giá an toàn, hỗ trợ khẩn cấp, kết nối chăm sóc thay thế",
        "Trẻ em dưới 18 tuổi",
        "free",
        "",
        True,
    ),
    (
        "hue_health",
        "hue_health",
        ["hue_health"],
        "general_health_check",
        "Khám sức khỏe tổng quát",
        "",
        "free",
        "",
        True,
    ),
    (
        "hue_hiv",
        "hue_health",
        ["hue_health"],
        "hiv_test",
        "Xét nghiệm HIV, tư vấn PrEP",
        "",
        "free",
        "",
        True,
    ),
    (
        "hue_insurance",
        "hue_health",
        ["hue_health"],
        "health_insurance",
        "Hỗ trợ thẻ bảo hiểm y tế",
        "",
        "free",
        "",
        False,
    ),
    (
        "hue_legal",
        "hue_legal",
        ["hue_legal"],
        "legal_advice",
        "Tư vấn, trợ giúp pháp lý",
        "",
        "free",
        "",
        False,
    ),
    (
        "hue_vocational",
        "hue_vocational",
        ["hue_vocational"],
        "vocational_training",
        "Học nghề ngắn hạn",
        "",
        "free",
        "",
        False,
    ),
    (
        "hue_education",
        "hue_vocational",
        ["hue_vocational"],
        "education_support",
        "Hỗ trợ học văn hóa",
        "",
        "free",
        "",
        False,
    ),
    (
        "kh_sti",
        "kh_health",
        ["kh_health"],
        "sti_test_treatment",
        "Khám và điều trị STI",
        "",
        "free",
        "",
        True,
    ),
    ("kh_gyn", "kh_health", ["kh_health"], "gyn_exam", "Khám phụ khoa", "", "free", "", True),
    (
        "kh_hep",
        "kh_health",
        ["kh_health"],
        "hepatitis_screening",
        "Sàng lọc viêm gan B, C",
        "",
        "fee",
        "50.000 đồng",
        True,
    ),
    ("kh_prep", "kh_health", ["kh_health"], "prep", "PrEP", "", "free", "", True),
    (
        "kh_methadone",
        "kh_health",
        ["kh_health"],
        "methadone",
        "Điều trị methadone",
        "",
        "free",
        "",
        False,
    ),
]

# key, org key, title, reference, start, end, budget, [(type, quantity)]
AGREEMENTS = [
    (
        "tam_duc",
        "qn_clinic",
        "Khám phụ khoa cho 100 phụ nữ (Tâm Đức)",
        "HĐ 12/2019/PCTNXH",
        date(2019, 6, 1),
        date(2019, 12, 31),
        20_000_000,
        [("gyn_exam", 100)],
    ),
    (
        "tam_duc_2024",
        "qn_clinic",
        "Khám phụ khoa và STI 2024 (Tâm Đức)",
        "HĐ 03/2024/PCTNXH",
        date(2024, 1, 1),
        date(2024, 12, 31),
        30_000_000,
        [("gyn_exam", 100), ("sti_test_treatment", 50)],
    ),
    (
        "legal",
        "qn_legal",
        "Tư vấn pháp lý 20 trường hợp, làm giấy tờ 10 trường hợp",
        "HĐ 15/2019/TGPL",
        date(2019, 6, 1),
        date(2020, 5, 31),
        15_000_000,
        [("legal_advice", 20), ("identity_papers", 10)],
    ),
    (
        "drinks",
        "qn_vocational",
        "Dạy nghề pha chế đồ uống cho 12 người",
        "HĐ 21/2020/DN",
        date(2020, 3, 1),
        date(2020, 12, 31),
        36_000_000,
        [("vocational_training", 12)],
    ),
    (
        "kh",
        "kh_health",
        "Khám STI, phụ khoa tại trạm y tế Phương Sơn",
        "HĐ 05/2020/KH",
        date(2020, 1, 1),
        date(2026, 12, 31),
        60_000_000,
        [("sti_test_treatment", 300), ("gyn_exam", 200)],
    ),
]


@demo_loader(30, "directory")
def load(ctx: DemoContext) -> None:
    orgs: dict[str, Any] = ctx.organisations
    locations: dict[str, Location] = {}
    verified = ctx.today - timedelta(days=45)
    for org_key, key, name, address, commune_code, confidential, hours, phone in LOCATIONS:
        org = orgs.get(org_key)
        if org is None:
            continue
        commune = ctx.communes.get(commune_code)
        locations[key] = Location.objects.create(
            organisation=org,
            name=name,
            address=address,
            commune=commune,
            province=commune.province if commune is not None else org.province,
            confidential=confidential,
            opening_hours=hours,
            phone=phone,
            last_verified_on=verified,
        )
    services: dict[str, Service] = {}
    for key, org_key, loc_keys, stype, name, elig, cost, fee, friendly in SERVICES:
        org = orgs.get(org_key)
        if org is None:
            continue
        service = Service.objects.create(
            organisation=org,
            service_type=stype,
            name=name,
            eligibility=elig,
            cost=cost,
            fee_note=fee,
            friendly_to_key_populations=friendly,
            languages=["vi"],
            last_verified_on=verified,
        )
        service.locations.set([locations[k] for k in loc_keys if k in locations])
        services[key] = service
    peer_model = ctx.models.get("qn_peer")
    for _key, org_key, title, ref, start, end, budget, lines in AGREEMENTS:
        org = orgs.get(org_key)
        if org is None:
            continue
        agreement = Agreement.objects.create(
            provider=org,
            support_model=ctx.models.get("kh_services") if org_key == "kh_health" else peer_model,
            title=title,
            reference=ref,
            start_date=start,
            end_date=end,
            budget_vnd=budget,
        )
        for stype, quantity in lines:
            AgreementLine.objects.create(agreement=agreement, service_type=stype, quantity=quantity)
    ctx.extra["services"] = services
    ctx.log.append(f"directory: {len(services)} services, {len(locations)} locations")
