"""Demo violence incidents (recorded by peers and by the hotline) and safety alerts: one
active alert in Quảng Ninh (Hạ Long), one expired, one withdrawn, one in Huế. The demo
accounts of incidents are short and invented; alerts never describe the victim."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from core.demo import DemoContext
from core.registry import demo_loader

from . import alerts, services
from .models import Incident, SafetyAlert

PLACES = ["establishment", "hotel", "street", "home", "vehicle", "online"]
PERPETRATORS = ["client", "client", "client", "owner", "partner", "police", "other"]
TYPES = ["physical", "sexual", "economic", "emotional", "papers", "threats"]
ACCOUNTS = [
    "Khách không trả tiền và đe dọa.",
    "Chủ cơ sở giữ chứng minh thư, không cho nghỉ.",
    "Bạn trai đánh sau khi cãi nhau.",
    "Bị ép uống rượu và đánh khi từ chối.",
    "Bị nhắn tin đe dọa tung ảnh.",
]


def _random_incidents(ctx: DemoContext) -> list[Incident]:
    """36 incidents drawn at random, recorded by the peers of three groups and (one in six)
    by the hotline, a victim among the group's clients 6 times in 10."""
    rng = ctx.rng
    users = ctx.users
    today = ctx.today
    clients_by_group: dict[int, list[Any]] = {}
    for c in ctx.extra.get("clients", []) or []:
        clients_by_group.setdefault(c.peer_group_id, []).append(c)
    recorders = [
        (users["dongdang"], ctx.groups["qn_halong"]),
        (users["truongnhom"], ctx.groups["qn_halong"]),
        (users["dongdangcampha"], ctx.groups["qn_campha"]),
        (users["dongdanghue"], ctx.groups["hue_1"]),
    ]
    incidents: list[Incident] = []
    for i in range(36):
        via_hotline = i % 6 == 5
        actor, group = recorders[i % len(recorders)]
        if via_hotline:  # the hotline records in its own province (Quảng Ninh)
            group = ctx.groups["qn_halong"]
        province = group.support_model.province
        commune = group.communes.first()
        group_clients = clients_by_group.get(group.pk, [])
        client = rng.choice(group_clients) if group_clients and rng.random() < 0.6 else None
        protections = rng.sample(
            ["shelter", "legal_aid", "health", "counselling"], rng.choice([0, 0, 1, 1, 2])
        )
        incident = services.incident_record(
            actor=users["duongdaynong"] if via_hotline else actor,
            report=services.IncidentReport(
                occurred_on=today - timedelta(days=rng.randrange(1, 900)),
                place_type=rng.choice(PLACES),
                province=province,
                commune=commune,
                violence_types=rng.sample(TYPES, rng.choice([1, 1, 2, 3])),
                perpetrator_kind=rng.choice(PERPETRATORS),
                reported_via="hotline" if via_hotline else rng.choice(["peer", "peer_for_client"]),
                action_taken="referred"
                if protections
                else rng.choice(["counselled", "accompanied"]),
                client=client,
                peer_group=None if via_hotline else group,
                hotline=ctx.organisations["hotline"] if via_hotline else None,
                consent_report=rng.random() < 0.3,
                consent_share=rng.random() < 0.6,
                consent_alert=rng.random() < 0.4,
                protections=protections,
                details=rng.choice(ACCOUNTS),
            ),
        )
        incidents.append(incident)
    return incidents


def _alert(
    ctx: DemoContext,
    by: tuple[str, Incident, str],
    headline: str,
    warning: str,
    *,
    days: tuple[int, int],
    in_commune: bool = True,
) -> SafetyAlert:
    """A demo alert (`by`: author's username, the incident, the subject) for the incident's
    province (and commune unless `in_commune` is False), issued and expiring `days` from
    today."""
    author, incident, subject = by
    issued, expires = days
    return alerts.alert_submit(
        actor=ctx.users[author],
        incident=incident,
        subject=subject,
        headline=headline,
        warning=warning,
        province=incident.province,
        commune=incident.commune if in_commune else None,
        issued_on=ctx.today + timedelta(days=issued),
        expires_on=ctx.today + timedelta(days=expires),
    )


def _demo_alerts(ctx: DemoContext, incidents: list[Incident]) -> None:
    """A published Hạ Long alert from a recent incident, and from an older consented one an
    expired alert and a withdrawn one."""
    users = ctx.users
    today = ctx.today
    # The active Quảng Ninh alert comes from a recent, consented incident in Hạ Long.
    halong = ctx.groups["qn_halong"]
    recent = services.incident_record(
        actor=users["dongdang"],
        report=services.IncidentReport(
            occurred_on=today - timedelta(days=3),
            place_type="vehicle",
            province=halong.support_model.province,
            commune=halong.communes.first(),
            violence_types=["physical", "threats"],
            perpetrator_kind="client",
            reported_via="peer_for_client",
            action_taken="referred",
            peer_group=halong,
            consent_share=True,
            consent_alert=True,
            protections=["health", "counselling"],
            details="Khách đón bằng xe, chở ra chỗ vắng, đánh và lấy điện thoại.",
        ),
    )
    first = _alert(
        ctx,
        ("dongdang", recent, "vehicle"),
        "Cảnh giác xe ô tô 7 chỗ màu trắng đón khách ở Bãi Cháy",
        "Một người đàn ông khoảng 40 tuổi lái xe 7 chỗ màu trắng, biển 14A, hẹn gặp qua "
        "điện thoại rồi chở ra nơi vắng. Không lên xe lạ, đi theo cặp, báo nhóm trưởng "
        "biển số xe trước khi đi.",
        days=(-2, 28),
    )
    alerts.alert_approve(actor=users["truongnhom"], alert=first)
    old = next((i for i in incidents if i.consent_alert and i.peer_group_id == halong.pk), None)
    if old is not None:
        past = _alert(
            ctx,
            ("truongnhom", old, "place"),
            "Nhà nghỉ ven đường gần chợ: chủ giữ giấy tờ người làm",
            "Không nhận lời làm việc tại đây khi chưa hỏi nhóm. Giữ giấy tờ bên mình.",
            days=(-200, -140),
        )
        # Approved back then (an expired alert can no longer be approved today).
        SafetyAlert.objects.filter(pk=past.pk).update(
            status=SafetyAlert.Status.PUBLISHED,
            approved_by=users["dieuphoi"],
            approved_at=timezone.now() - timedelta(days=200),
        )
        withdrawn = _alert(
            ctx,
            ("truongnhom", old, "person"),
            "Người hay gọi điện hẹn gặp rồi đe dọa",
            "Số máy lạ gọi nhiều lần vào ban đêm. Không hẹn gặp một mình.",
            days=(-20, 10),
            in_commune=False,
        )
        alerts.alert_approve(actor=users["dieuphoi"], alert=withdrawn)
        alerts.alert_withdraw(actor=users["truongnhom"], alert=withdrawn)


@demo_loader(60, "safety")
def load(ctx: DemoContext) -> None:
    users = ctx.users
    if "dongdang" not in users:
        ctx.log.append("safety: no demo users, nothing loaded")
        return
    incidents = _random_incidents(ctx)
    _demo_alerts(ctx, incidents)
    # No Huế alert: the demo's Huế group has no leader and its model no coordinator, so
    # nobody could approve one (alerts go out only once a second person approves them).
    ctx.log.append(
        f"safety: {Incident.objects.count()} incidents, {SafetyAlert.objects.count()} alerts"
    )
