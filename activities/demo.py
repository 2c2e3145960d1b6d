"""Demo activities and establishments, after the seeds:

- Quảng Ninh 2019 (seed 002): a training for 46 core and network members, a training on
  building the model for 90, 1 workshop with providers for 60, 6 community communication
  sessions in 6 wards for 300+ people, 3 owner workshops for 70, 1 tripartite dialogue and
  4 group workshops with providers for 166;
- Hải Phòng (seed 004): 6 communication sessions for 350 people, 4 mobile health-check
  days for 50 workers, 4 trainings for staff;
- monthly group meetings of every group, with an attendance list;
- Quảng Bình/Quảng Trị (seed 000): 90 materials on 3 themes handed out at group meetings
  (only when outreach's materials and stock exist);
- establishments of the workers' rights model (`programs.establishments.demo`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import Grant
from core.demo import DEMO_START, DemoContext
from core.registry import demo_loader
from geo.models import Commune
from programs.establishments.demo import establishments_load
from programs.models import Membership, Organisation

from . import services
from .models import Activity


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _commune(ctx: DemoContext, code: str, province: str) -> Any:
    return ctx.communes.get(code) or Commune.objects.filter(province_id=province).first()


# Quảng Ninh 2019 (seed 002), held at the agency in Hạ Long: (kind, audience, title, date,
# topics, participants).
QN_2019_AT_AGENCY: list[tuple[str, str, str, date, list[str], dict[str, int]]] = [
    (
        "training",
        "members",
        "Tập huấn nâng cao năng lực làm việc nhóm, kỹ năng tiếp cận giảm hại",
        date(2019, 7, 18),
        ["group_skills", "hiv_sti", "violence"],
        {"member": 46},
    ),
    (
        "training",
        "officials",
        "Tập huấn kỹ năng triển khai xây dựng mô hình",
        date(2019, 6, 20),
        ["group_skills"],
        {"official": 54, "member": 36},
    ),
    (
        "workshop",
        "providers",
        "Hội thảo thành viên nòng cốt, mạng lưới với đơn vị cung cấp dịch vụ",
        date(2019, 9, 12),
        ["referral", "legal", "violence", "livelihood"],
        {"member": 38, "provider": 14, "official": 8},
    ),
]


class _Recorder:
    """Records one demo activity of a support model (by its demo key) through the service,
    in the model's lead organisation and a commune of its province unless told."""

    def __init__(self, ctx: DemoContext, coordinator: Any) -> None:
        self.ctx = ctx
        self.coordinator = coordinator

    def __call__(self, model_key: str, **kw: Any) -> Activity:
        model = self.ctx.models[model_key]
        kw.setdefault("commune", _commune(self.ctx, kw.pop("commune_code", ""), model.province_id))
        kw.setdefault("organiser", model.lead_organisation)
        actor = kw.pop("actor", self.coordinator)
        return services.activity_record(
            actor=actor, record=services.ActivityRecord(support_model=model, **kw)
        )


@demo_loader(50, "activities")
def load(ctx: DemoContext) -> None:
    coordinator = ctx.users.get("dieuphoi")
    if coordinator is None:
        ctx.log.append("activities: no demo users, nothing loaded")
        return
    clients_by_group: dict[int, list[Any]] = {}
    for c in ctx.extra.get("clients", []) or []:
        clients_by_group.setdefault(c.peer_group_id, []).append(c)
    n_before = Activity.objects.count()
    establishments = establishments_load(ctx, coordinator)
    ctx.extra["establishments"] = establishments
    record = _Recorder(ctx, coordinator)
    _quang_ninh_2019(ctx, record, establishments)
    _hai_phong(ctx, record, clients_by_group.get(ctx.groups["hp_1"].pk) or [])
    _group_meetings(ctx, coordinator, clients_by_group)
    _routine_programme(ctx, record, establishments)
    _materials(ctx)
    ctx.log.append(
        f"activities: {Activity.objects.count() - n_before} activities, "
        f"{len(establishments)} establishments"
    )


def _quang_ninh_2019(ctx: DemoContext, record: _Recorder, establishments: list[Any]) -> None:
    """Seed 002: trainings and a provider workshop, 6 community sessions in 6 wards, 3
    owner workshops, a tripartite dialogue and 4 group workshops with providers."""
    for kind, audience, title, held_on, topics, participants in QN_2019_AT_AGENCY:
        record(
            "qn_peer",
            kind=kind,
            audience=audience,
            title=title,
            held_on=held_on,
            commune_code="06688",
            venue_type="agency",
            topics=topics,
            participants=participants,
        )
    wards = list(Commune.objects.filter(code__in=["06688", "06673", "06685", "06793", "06811"]))
    wards += list(
        Commune.objects.filter(province_id="22").exclude(pk__in=[w.pk for w in wards])[:1]
    )
    for i, ward in enumerate(wards[:6]):
        record(
            "qn_peer",
            kind="communication",
            audience="community",
            title=f"Tuyên truyền chính sách, pháp luật phòng, chống mại dâm - {ward.name}",
            held_on=date(2019, 8 + i // 2, 10 + i),
            commune=ward,
            venue_type="community",
            topics=["legal", "hiv_sti"],
            participants={"resident": 32, "owner": 12, "member": 8},
        )
    for i, (code, n_owner, n_member) in enumerate(
        [("06688", 14, 10), ("06793", 13, 10), ("06811", 13, 10)]
    ):
        record(
            "qn_rights",
            kind="workshop",
            audience="owners",
            title="Hội thảo chuyên đề giữa chủ cơ sở và nhóm đồng đẳng",
            held_on=date(2019, 10, 8 + 7 * i),
            commune_code=code,
            venue_type="establishment",
            topics=["worker_rights", "legal"],
            participants={"owner": n_owner, "member": n_member},
            establishments=[e for e in establishments if e.commune_id == code][:2],
        )
    _quang_ninh_2019_services(ctx, record, establishments)


def _quang_ninh_2019_services(
    ctx: DemoContext, record: _Recorder, establishments: list[Any]
) -> None:
    record(
        "qn_services",
        kind="dialogue",
        audience="tripartite",
        title="Hội nghị đối thoại 3 bên: cơ quan quản lý nhà nước, chủ cơ sở, người lao động",
        held_on=date(2019, 11, 28),
        commune_code="06688",
        venue_type="agency",
        topics=["worker_rights", "legal"],
        participants={"official": 10, "owner": 12, "worker": 24},
        establishments=establishments[:4],
    )
    for i in range(4):
        record(
            "qn_services",
            kind="workshop",
            audience="providers",
            title="Hội thảo nhóm với đơn vị cung cấp dịch vụ",
            held_on=date(2019, 6 + i * 2, 15),
            commune_code="06688",
            venue_type="group_place",
            peer_group=ctx.groups["qn_club"],
            topics=["referral", "srh"],
            participants={"member": 22, "provider": 8},
        )


def _hai_phong(ctx: DemoContext, record: _Recorder, group_clients: list[Any]) -> None:
    """Seed 004: 6 communication sessions, 4 mobile health-check days with the services
    delivered there, 4 trainings for staff."""
    for i, n in enumerate([60, 60, 60, 55, 55, 60]):
        record(
            "hp_selfhelp",
            kind="communication",
            audience="community",
            title="Truyền thông giảm hại và phòng chống bạo lực trên cơ sở giới",
            held_on=date(2021, 3 + i, 12),
            commune_code="11455",
            venue_type="community",
            topics=["violence", "hiv_sti"],
            participants={"resident": n - 10, "worker": 10},
        )
    _hai_phong_health_days(ctx, record, group_clients)
    for i in range(4):
        record(
            "hp_selfhelp",
            kind="training",
            audience="officials",
            title="Tập huấn kỹ thuật triển khai mô hình cho cán bộ",
            held_on=date(2021, 2 + i * 3, 5),
            commune_code="11455",
            venue_type="agency",
            topics=["group_skills"],
            participants={"official": 18},
        )


def _hai_phong_health_days(ctx: DemoContext, record: _Recorder, group_clients: list[Any]) -> None:
    hp = ctx.models["hp_selfhelp"]
    hp_group = ctx.groups["hp_1"]
    # The health-check days are run by a health provider of the province (never the
    # agency leading the model); the programmes demo has none in Hải Phòng yet.
    hp_provider = Organisation.objects.filter(
        province_id=hp.province_id, kind=Organisation.Kind.SERVICE_PROVIDER, active=True
    ).first() or Organisation.objects.create(
        name="Trung tâm Y tế quận Đồ Sơn",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province_id=hp.province_id,
    )
    # Recorded by the group's peer educator: the model has no coordinator in the demo.
    hp_grant = Grant.objects.filter(peer_group=hp_group, active=True).select_related("user").first()
    hp_peer = hp_grant.user if hp_grant else record.coordinator
    for i, n in enumerate([13, 13, 12, 12]):
        day = record(
            "hp_selfhelp",
            kind="health_day",
            audience="establishment",
            title="Khám sức khỏe lưu động cho lao động nữ",
            held_on=date(2021, 4 + 2 * i, 20),
            commune_code="11455",
            venue_type="establishment",
            peer_group=hp_group,
            topics=["srh"],
            participants={"worker": n},
        )
        for client in group_clients[i * 3 : i * 3 + 3]:
            try:
                services.health_day_delivery_record(
                    actor=hp_peer,
                    activity=day,
                    client=client,
                    service_type="reproductive_health_check",
                    provider=hp_provider,
                )
            except (ImportError, ValidationError):
                break


def _group_meetings(
    ctx: DemoContext, coordinator: Any, clients_by_group: dict[int, list[Any]]
) -> None:
    """A monthly meeting of every group with its attendance list (the last three years
    only, except for two groups whose whole history the demo shows)."""
    rng, today, users = ctx.rng, ctx.today, ctx.users
    actors = {
        ctx.groups["qn_halong"].pk: users.get("truongnhom"),
        ctx.groups["qn_campha"].pk: users.get("dongdangcampha"),
        ctx.groups["hue_1"].pk: users.get("dongdanghue"),
    }
    start = max(date(2023, 1, 1), today - timedelta(days=365 * 3))
    for key, group in ctx.groups.items():
        members = list(Membership.objects.filter(peer_group=group))
        group_clients = clients_by_group.get(group.pk, [])
        commune = group.communes.first()
        if commune is None:
            continue
        months = _months(group.founded_on or DEMO_START, today)
        if key not in ("qn_halong", "hp_1"):
            months = [m for m in months if m >= start]  # keep the demo quick
        for month in months:
            held = month + timedelta(days=rng.randrange(3, 26))
            if held > today:
                continue
            present = [
                m
                for m in members
                if m.joined_on <= held
                and (m.left_on is None or m.left_on >= held)
                and rng.random() < 0.7
            ]
            visitors = rng.sample(group_clients, min(len(group_clients), rng.randrange(0, 4)))
            services.activity_record(
                actor=actors.get(group.pk) or coordinator,
                record=services.ActivityRecord(
                    kind="meeting",
                    audience="members",
                    title=f"Sinh hoạt nhóm tháng {held.month}/{held.year}",
                    held_on=held,
                    support_model=group.support_model,
                    peer_group=group,
                    commune=commune,
                    venue_type="group_place",
                    topics=rng.sample(
                        ["srh", "hiv_sti", "safer_sex", "violence", "legal", "livelihood"], 2
                    ),
                    participants={},
                    members=present or members[:3],
                    clients=visitors,
                ),
            )


# Each model's yearly routine beyond group meetings, so that any year's report shows every
# kind of activity: (kind, audience, title, venue, topics, participant ranges, per year).
ROUTINE: list[tuple[str, str, str, str, list[str], dict[str, tuple[int, int]], int]] = [
    (
        "communication",
        "community",
        "Truyền thông phòng chống HIV/STI và bạo lực tại cộng đồng",
        "community",
        ["hiv_sti", "violence"],
        {"resident": (35, 80), "worker": (5, 15)},
        2,
    ),
    (
        "training",
        "members",
        "Tập huấn kỹ năng tiếp cận, tư vấn và chuyển gửi cho nhóm nòng cốt",
        "group_place",
        ["group_skills", "referral"],
        {"member": (12, 25)},
        1,
    ),
    (
        "workshop",
        "providers",
        "Hội thảo kết nối nhóm với đơn vị cung cấp dịch vụ",
        "agency",
        ["referral", "srh"],
        {"member": (10, 20), "provider": (4, 9)},
        1,
    ),
]


def _routine_programme(ctx: DemoContext, record: _Recorder, establishments: list[Any]) -> None:
    """From 2022 to today: each model's communication sessions, training and provider
    workshop; for the workers' rights model also an owner workshop and a tripartite
    dialogue at its establishments."""
    rng = ctx.rng
    today = ctx.today
    group_of_model: dict[int, Any] = {}
    for group in ctx.groups.values():
        group_of_model.setdefault(group.support_model_id, group)
    for year in range(2022, today.year + 1):
        for key, model in ctx.models.items():
            group = group_of_model.get(model.pk)
            commune = group.communes.first() if group else None
            for kind, audience, title, venue, topics, ranges, per_year in ROUTINE:
                for i in range(per_year):
                    held = date(year, 3 + i * 6 if per_year > 1 else 5 + rng.randrange(4), 1)
                    held += timedelta(days=rng.randrange(0, 27))
                    if held > today:
                        continue
                    record(
                        key,
                        kind=kind,
                        audience=audience,
                        title=title,
                        held_on=held,
                        commune=commune or _commune(ctx, "", model.province_id),
                        venue_type=venue,
                        peer_group=group,
                        topics=topics,
                        participants={k: rng.randrange(a, b + 1) for k, (a, b) in ranges.items()},
                    )
            if key != "qn_rights" or not establishments:
                continue
            for kind, audience, title, participants, when in (
                (
                    "workshop",
                    "owners",
                    "Hội thảo với chủ cơ sở kinh doanh dịch vụ về quyền của người lao động",
                    {"owner": rng.randrange(6, 14), "worker": rng.randrange(8, 20)},
                    date(year, 4, 10),
                ),
                (
                    "dialogue",
                    "tripartite",
                    "Đối thoại ba bên: cơ quan nhà nước, chủ cơ sở và người lao động",
                    {
                        "official": rng.randrange(3, 6),
                        "owner": rng.randrange(5, 10),
                        "worker": rng.randrange(10, 20),
                    },
                    date(year, 10, 16),
                ),
            ):
                if when > today:
                    continue
                record(
                    key,
                    kind=kind,
                    audience=audience,
                    title=title,
                    held_on=when,
                    commune=establishments[0].commune,
                    venue_type="establishment",
                    topics=["worker_rights", "violence"],
                    participants=participants,
                    establishments=establishments[:4],
                )


def _materials(ctx: DemoContext) -> None:
    """90 materials on 3 themes (legal aid, skills for dangerous and emergency situations,
    STI prevention) handed out at Quảng Trị (ex-Quảng Bình) group meetings (seed 000)."""
    try:
        from outreach.models import Material
        from outreach.services import stock_receive
    except ImportError:
        ctx.log.append("activities: outreach not ready, materials skipped")
        return
    group = ctx.groups["qt_1"]
    org = group.support_model.lead_organisation
    actor = ctx.users["dieuphoi"]
    materials = []
    for theme in ("legal_aid", "safety_skills", "sti_prevention"):
        material = Material.objects.filter(theme=theme, active=True).first()
        if material is not None:
            materials.append(material)
    meetings = list(
        Activity.objects.filter(peer_group=group, kind="meeting").order_by("held_on")[:9]
    )
    if not materials or not meetings or org is None:
        ctx.log.append("activities: no materials or meetings, distribution skipped")
        return
    for material in materials:
        stock_receive(
            actor=actor,
            organisation=org,
            item_kind="material",
            material=material,
            quantity=30,
            received_on=meetings[0].held_on,
            source="Cục PCTNXH",
        )
    handed = 0
    for i, meeting in enumerate(meetings):
        try:
            services.activity_distribute(
                actor=actor,
                activity=meeting,
                item_kind="material",
                material=materials[i % len(materials)],
                quantity=10,
                organisation=org,
            )
            handed += 10
        except ValidationError as exc:
            ctx.log.append(f"activities: distribution stopped ({type(exc).__name__})")
            break
    ctx.log.append(f"activities: {handed} materials handed out at Quảng Trị meetings")
