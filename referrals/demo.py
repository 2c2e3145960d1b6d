"""Demo referrals and service deliveries for the demo clients (loaded by the clients
loader at order 20 into ctx.extra["clients"]), spread over 2019–2026 in every status,
some of them emergencies. Without demo clients this loader does nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Grant, Role
from clients.models import Consent
from core.demo import DEMO_START, DemoContext
from core.registry import demo_loader
from directory.taxonomy import CHILD_PROTECTION

from .models import Referral, ReferralEvent, ServiceDelivery


def _senders(ctx: DemoContext) -> dict[int, Any]:
    """peer group id → a user who refers for it (peer educator, else a coordinator)."""
    found: dict[int, Any] = {}
    for grant in Grant.objects.filter(
        role__in=[Role.PEER_EDUCATOR, Role.GROUP_LEADER], active=True, peer_group__isnull=False
    ).select_related("user"):
        found.setdefault(grant.peer_group_id, grant.user)  # type: ignore[arg-type]
    coordinators = {
        g.support_model_id: g.user
        for g in Grant.objects.filter(role=Role.COORDINATOR, active=True).select_related("user")
    }
    for group in ctx.groups.values():
        if group.pk not in found and group.support_model_id in coordinators:
            found[group.pk] = coordinators[group.support_model_id]
    return found


def _provider_staff() -> dict[int, Any]:
    return {
        g.organisation_id: g.user
        for g in Grant.objects.filter(
            role=Role.PROVIDER, active=True, organisation__isnull=False
        ).select_related("user")
        if g.organisation_id is not None
    }


def _aware(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _draw_status(rng: Any, age: int) -> str:
    """Where a referral sent `age` days ago stands: recent ones still open, old ones closed."""
    if age <= 3:
        status = rng.choice([Referral.Status.SENT, Referral.Status.ACCEPTED])
    elif age <= 30:
        status = rng.choice(
            [Referral.Status.SENT, Referral.Status.ACCEPTED, Referral.Status.COMPLETED]
        )
    else:
        status = rng.choices(
            [
                Referral.Status.COMPLETED,
                Referral.Status.DECLINED,
                Referral.Status.NO_SHOW,
                Referral.Status.CANCELLED,
                Referral.Status.EXPIRED,
            ],
            [70, 8, 10, 5, 7],
        )[0]
    return status


def _play_out(
    rng: Any, referral: Referral, *, sender: Any, actor: Any
) -> tuple[list[tuple[str, Any, Any]], Any]:
    """The referral's steps up to its drawn status, set on it: its events (status, at, by)
    and the day the last step was done."""
    status = referral.status
    events: list[tuple[str, Any, Any]] = [(Referral.Status.SENT, referral.sent_at, sender)]
    step = referral.sent_at + timedelta(days=rng.randint(0, 2), hours=2)
    if status in (Referral.Status.ACCEPTED, Referral.Status.COMPLETED):
        referral.accepted_at, referral.accepted_by = step, actor
        events.append((Referral.Status.ACCEPTED, step, actor))
    done = min(step + timedelta(days=rng.randint(0, 10)), timezone.now())
    if status == Referral.Status.COMPLETED:
        referral.completed_at, referral.completed_by = done, actor
    elif status == Referral.Status.DECLINED:
        referral.declined_at, referral.declined_by = step, actor
        referral.decline_reason = "Hết chỉ tiêu trong tháng"
    elif status == Referral.Status.NO_SHOW:
        referral.no_show_at, referral.no_show_by = done, actor
    elif status == Referral.Status.CANCELLED:
        referral.cancelled_at, referral.cancelled_by = step, sender
    elif status == Referral.Status.EXPIRED:
        referral.expired_at = referral.sent_at + timedelta(days=30)
    if status not in (Referral.Status.SENT, Referral.Status.ACCEPTED):
        at = (
            referral.completed_at
            or referral.declined_at
            or referral.no_show_at
            or referral.cancelled_at
            or referral.expired_at
        )
        events.append((status, at, None if status == Referral.Status.EXPIRED else actor))
    return events, done


def _other_deliveries(
    rng: Any, client: Any, options: list[Any], *, span: int, sender: Any, staff: dict[int, Any]
) -> int:
    """Walk-ins, mobile health-check days and services the peer heard about: how many."""
    count = 0
    for _ in range(rng.choice([0, 0, 1, 2])):
        service = rng.choice(options)
        source = rng.choice(
            [
                ServiceDelivery.Source.WALK_IN,
                ServiceDelivery.Source.MOBILE_DAY,
                ServiceDelivery.Source.PEER_REPORTED,
            ]
        )
        recorder = (
            sender
            if source == ServiceDelivery.Source.PEER_REPORTED
            else staff.get(service.organisation_id, sender)
        )
        ServiceDelivery(
            client=client,
            service_type=service.service_type,
            provider=service.organisation,
            service=service,
            delivered_on=DEMO_START + timedelta(days=rng.randrange(max(span, 1))),
            source=source,
            amount_vnd=5_000_000 if service.service_type == "loan" else None,
            recorded_by=recorder,
        ).save()
        count += 1
    return count


def _consent_to_share(client: Any, provider: Any, sender: Any, consents: list[Consent]) -> None:
    """The client's consent to share with the provider, appended to `consents` unless on
    file or already there."""
    if not Consent.objects.filter(
        client=client, purpose=Consent.Purpose.SHARE_PROVIDER, provider=provider
    ).exists() and not any(
        c.client_id == client.pk and c.provider_id == provider.pk for c in consents
    ):
        consents.append(
            Consent(
                client=client,
                purpose=Consent.Purpose.SHARE_PROVIDER,
                provider=provider,
                method=Consent.Method.VERBAL,
                taken_by=sender,
                taken_at=_aware(DEMO_START, 9),
            )
        )


@demo_loader(40, "referrals")
def load(ctx: DemoContext) -> None:
    clients = list(ctx.extra.get("clients", []) or [])
    services = list((ctx.extra.get("services") or {}).values())
    if not clients or not services:
        ctx.log.append("referrals: no demo clients or services, nothing loaded")
        return
    rng = ctx.rng
    senders = _senders(ctx)
    staff = _provider_staff()
    by_province: dict[str, list[Any]] = {}
    for s in services:
        if s.service_type == CHILD_PROTECTION:
            continue  # only for minors: the coordinator's panel lists those still waiting
        by_province.setdefault(s.organisation.province_id, []).append(s)
    today = ctx.today
    span = (today - DEMO_START).days
    n_referrals = n_deliveries = 0
    consents: list[Consent] = []
    for client in clients:
        sender = senders.get(client.peer_group_id)
        options = by_province.get(client.province_id) or []
        if sender is None or not options:
            continue
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            service = rng.choice(options)
            provider = service.organisation
            _consent_to_share(client, provider, sender, consents)
            sent_day = DEMO_START + timedelta(days=rng.randrange(max(span, 1)))
            sent_at = _aware(sent_day, rng.randrange(8, 18))
            age = (today - sent_day).days
            urgency = rng.choices(
                [Referral.Urgency.ROUTINE, Referral.Urgency.URGENT, Referral.Urgency.EMERGENCY],
                [80, 15, 5],
            )[0]
            status = _draw_status(rng, age)
            actor = staff.get(provider.pk)
            referral = Referral(
                client=client,
                service=service,
                provider=provider,
                service_type=service.service_type,
                from_kind=Referral.FromKind.PEER,
                sender=sender,
                reason="Cần " + str(service.name).lower(),
                urgency=urgency,
                status=status,
                sent_at=sent_at,
            )
            events, done = _play_out(rng, referral, sender=sender, actor=actor)
            referral.save()
            ReferralEvent.objects.bulk_create(
                ReferralEvent(referral=referral, status=s, at=at, actor=a) for s, at, a in events
            )
            n_referrals += 1
            if status == Referral.Status.COMPLETED and actor is not None:
                ServiceDelivery(
                    client=client,
                    service_type=service.service_type,
                    provider=provider,
                    service=service,
                    delivered_on=timezone.localtime(done).date(),
                    referral=referral,
                    source=ServiceDelivery.Source.REFERRAL,
                    recorded_by=actor,
                ).save()
                n_deliveries += 1
        # Walk-ins, mobile health-check days and services the peer heard about.
        n_deliveries += _other_deliveries(
            rng, client, options, span=span, sender=sender, staff=staff
        )
    Consent.objects.bulk_create(consents)
    ctx.log.append(f"referrals: {n_referrals} referrals, {n_deliveries} service deliveries")
