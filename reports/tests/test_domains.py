"""Indicators beyond service deliveries: outreach, distribution, activities, groups,
referrals, hotline, incidents, alerts, minors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from activities.models import Activity, ActivityParticipants
from directory.models import Service
from hotline.models import HotlineCall
from outreach.models import Distribution, Material, OutreachContact
from programs.models import Membership
from referrals.models import Referral
from reports.context import ReportContext
from reports.periods import parse_period
from reports.report import build_report
from safety.models import Incident, IncidentProtection, SafetyAlert

from .conftest import deliveries, make_clients

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def records(world):
    w = world
    clients = make_clients(6, group=w.group, commune=w.ha_long, registered_by=w.peer)
    day = date(2024, 3, 10)
    for c in clients[:4]:
        OutreachContact.objects.create(
            contact_date=day,
            client=c,
            peer_group=w.group,
            peer_educator=w.peer,
            place_type="street",
        )
    # The same client twice: two contacts, one person.
    OutreachContact.objects.create(
        contact_date=day + timedelta(days=1),
        client=clients[0],
        peer_group=w.group,
        peer_educator=w.peer,
        place_type="street",
    )
    # Anonymous group outreach: 25 people, no commune (the group's model province).
    OutreachContact.objects.create(
        contact_date=day,
        head_count=25,
        peer_group=w.group,
        peer_educator=w.peer,
        place_type="establishment",
    )
    # Outside the period.
    OutreachContact.objects.create(
        contact_date=date(2024, 4, 1),
        client=clients[5],
        peer_group=w.group,
        peer_educator=w.peer,
        place_type="street",
    )
    legal_book = Material.objects.create(name="Sổ tay pháp lý", theme="legal_aid")
    sti = Material.objects.create(name="Tờ rơi STI", theme="sti_prevention")
    for kind, material, qty in [
        ("material", legal_book, 30),
        ("material", sti, 60),
        ("condom", None, 500),
        ("lubricant", None, 100),
    ]:
        Distribution.objects.create(
            distributed_on=day,
            item_kind=kind,
            material=material,
            quantity=qty,
            organisation=w.agency,
            peer_group=w.group,
            distributed_by=w.peer,
        )
    meeting = Activity.objects.create(
        kind="meeting",
        held_on=day,
        venue_type="group_place",
        support_model=w.model,
        peer_group=w.group,
        recorded_by=w.peer,
    )
    workshop = Activity.objects.create(
        kind="workshop",
        held_on=day,
        venue_type="agency",
        support_model=w.model,
        commune=w.ha_long,
        recorded_by=w.coordinator,
    )
    ActivityParticipants.objects.create(activity=meeting, kind="member", count=12)
    ActivityParticipants.objects.create(activity=workshop, kind="member", count=20)
    ActivityParticipants.objects.create(activity=workshop, kind="provider", count=40)
    Membership.objects.create(
        peer_group=w.group, alias="B", role="network", joined_on=date(2020, 1, 1)
    )
    Membership.objects.create(  # left before the period
        peer_group=w.group,
        alias="C",
        role="network",
        joined_on=date(2020, 1, 1),
        left_on=date(2023, 1, 1),
    )
    service = Service.objects.create(organisation=w.clinic, service_type="hiv_test", name="XN HIV")
    sent = datetime(2024, 3, 1, 9, tzinfo=HCM)
    for i, status in enumerate(
        ["completed", "completed", "completed", "accepted", "sent", "declined"]
    ):
        Referral.objects.create(
            client=clients[i],
            service=service,
            provider=w.clinic,
            service_type="hiv_test",
            from_kind="peer",
            sender=w.peer,
            reason="XN",
            sent_at=sent,
            status=status,
            accepted_at=sent + timedelta(days=1) if status in {"accepted", "completed"} else None,
            completed_at=sent + timedelta(days=2 + i) if status == "completed" else None,
        )
    for _ in range(3):
        HotlineCall.objects.create(
            organisation=w.hotline_org,
            started_at=datetime(2024, 3, 5, 22, tzinfo=HCM),
            duration_minutes=10,
            caller_kind="anonymous",
            topic="violence",
            urgency="urgent",
            action="counselled",
            counsellor=w.hotline,
        )
    incidents = [
        Incident.objects.create(
            occurred_on=day,
            place_type="street",
            province=w.qn,
            perpetrator_kind="client",
            reported_via="peer",
            peer_group=w.group,
            support_model=w.model,
            action_taken="referred",
            recorded_by=w.peer,
        )
        for _ in range(4)
    ]
    IncidentProtection.objects.create(incident=incidents[0], kind="shelter")
    IncidentProtection.objects.create(incident=incidents[0], kind="legal_aid")
    IncidentProtection.objects.create(incident=incidents[1], kind="health")
    SafetyAlert.objects.create(
        subject="place",
        headline="Cảnh báo",
        warning="...",
        province=w.qn,
        issued_on=day,
        expires_on=day + timedelta(days=30),
        published_by=w.coordinator,
        status=SafetyAlert.Status.PUBLISHED,
        approved_by=w.leader,
        approved_at=datetime(2024, 3, 2, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    # Written but never approved: not issued.
    SafetyAlert.objects.create(
        subject="place",
        headline="Bản nháp",
        warning="...",
        province=w.qn,
        issued_on=day,
        expires_on=day + timedelta(days=30),
        published_by=w.peer,
    )
    # A 16-year-old, entered without the registration form's flag: counted from the birth year.
    make_clients(
        1,
        group=w.group,
        commune=w.ha_long,
        registered_by=w.peer,
        registered_on=day,
        birth_year=day.year - 16,
    )
    return w


def test_it_counts_every_domain(records):
    ctx = ReportContext(period=parse_period("2024-03"), province_code="22")
    report = build_report(ctx)
    v = {line.indicator.code: line.cell.raw for line in report.lines}
    assert v["clients_reached"] == 4
    assert v["outreach_contacts"] == 5 + 25
    assert v["new_clients"] == 1
    assert v["minors_flagged"] == 1
    assert v["materials_distributed"] == 90
    assert v["condoms_distributed"] == 500
    assert v["lubricant_distributed"] == 100
    themes = {
        bc.key: bc.cell.raw for bc in report.line("materials_distributed").breakdowns["theme"]
    }
    assert themes["legal_aid"] == 30 and themes["sti_prevention"] == 60
    assert v["activities_held"] == 2
    assert v["activity_participants"] == 72
    kinds = {
        bc.key: bc.cell.raw
        for bc in report.line("activity_participants").breakdowns["participant_kind"]
    }
    assert kinds["member"] == 32 and kinds["provider"] == 40
    assert v["peer_groups"] == 2  # Hạ Long and Cẩm Phả groups
    assert v["members"] == 2  # the standing core member and B; C had left
    assert v["members_core"] == 1 and v["members_network"] == 1
    assert v["referrals_made"] == 6
    assert v["referrals_accepted"] == 4
    assert v["referrals_completed"] == 3
    assert v["referral_completion_rate"] == 50.0
    assert v["referral_median_days"] == 3.0  # 2, 3 and 4 days
    assert v["hotline_calls"] == 3
    assert v["incidents"] == 4
    assert v["incidents_protection"] == 2
    assert v["incidents_protection_share"] == 50.0
    assert v["safety_alerts"] == 1


def test_it_uses_the_first_delivery_for_days_to_service(records):
    referral = Referral.objects.filter(status="completed").order_by("completed_at").first()
    deliveries(
        [(referral.client, "hiv_test", referral.provider, date(2024, 3, 1))],
        recorded_by=records.provider,
    )
    from referrals.models import ServiceDelivery

    ServiceDelivery.objects.filter(client=referral.client).update(referral=referral)
    ctx = ReportContext(period=parse_period("2024-03"))
    assert build_report(ctx, codes=["referral_median_days"]).lines[0].cell.raw == 3.0


def test_it_keeps_the_provider_to_its_own_statistics(records, as_user):
    from reports.queries import report_context

    ctx = report_context(records.provider, period=parse_period("2024-03"))
    report = build_report(ctx, with_breakdowns=False)
    v = {line.indicator.code: line.cell.raw for line in report.lines}
    assert v["referrals_made"] == 6
    assert v["clients_reached"] is None  # outreach is not a provider's to see
    assert v["incidents"] is None
    assert v["hotline_calls"] == 0  # calls to its own line only
