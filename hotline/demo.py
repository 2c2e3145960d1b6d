"""Demo hotline calls, after the activities (the same random sequence as when they were
loaded with them): calls of the last months and some ten a month since 2022, a few
follow-ups still open, and last night's call waiting for its follow-up."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.demo import DemoContext
from core.registry import demo_loader

from . import services
from .models import HotlineCall


@demo_loader(51, "hotline")
def load(ctx: DemoContext) -> None:
    counsellor = ctx.users.get("duongdaynong")
    hotline = ctx.organisations.get("hotline")
    if counsellor is None or hotline is None:
        ctx.log.append("hotline: no demo counsellor or hotline, nothing loaded")
        return
    rng = ctx.rng
    clients = [c for c in ctx.extra.get("clients", []) or [] if c.province_id == "22"]
    now = timezone.now()
    topics = [t for t, _ in HotlineCall.Topic.choices]
    # About 60 calls in the last four months, and some 10 a month since 2022.
    first = timezone.make_aware(datetime(2022, 1, 1, 8, 0))
    days_back = [rng.randrange(0, 120) for _ in range(60)] + [
        rng.randrange(120, max((now - first).days, 121))
        for _ in range(max((now - first).days - 120, 0) // 3)
    ]
    for days in days_back:
        started = now - timedelta(
            days=days, hours=rng.randrange(0, 24), minutes=rng.randrange(5, 60)
        )
        urgency = rng.choices(["routine", "urgent", "emergency"], [75, 18, 7])[0]
        topic = "violence" if urgency == "emergency" else rng.choice(topics)
        action = (
            "emergency_protection"
            if urgency == "emergency"
            else rng.choices(["counselled", "referred", "follow_up"], [70, 15, 15])[0]
        )
        known = [c for c in clients if c.registered_on <= timezone.localtime(started).date()]
        client = rng.choice(known) if known and rng.random() < 0.4 else None
        call = services.hotline_call_log(
            actor=counsellor,
            organisation=hotline,
            started_at=started,
            duration_minutes=rng.randrange(2, 40),
            topic=topic,
            urgency=urgency,
            action=action,
            client=client,
        )
        if call.follow_up_needed and (now - started).days > 14:
            services.hotline_follow_up_done(actor=counsellor, call=call)
    # A night call from yesterday still waiting for its follow-up (the 24/7 shift).
    services.hotline_call_log(
        actor=counsellor,
        organisation=hotline,
        started_at=timezone.make_aware(
            datetime.combine(ctx.today - timedelta(days=1), time(2, 15))
        ),
        duration_minutes=25,
        topic="violence",
        urgency="urgent",
        action="follow_up",
    )
    ctx.log.append(f"hotline: {HotlineCall.objects.count()} calls")
