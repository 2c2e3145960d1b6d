"""Writes of the activities app: activities with participants and attendance, materials
handed out at an activity, mobile health-check deliveries, establishments (owner contact
encrypted) and their agreements, hotline calls and their follow-ups.

One keyword-only function per use case; each runs in a transaction and writes its audit
entry inside it. `changes` holds field names and counts, never identifying values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from programs.models import Establishment, Membership, Organisation, PeerGroup, SupportModel

from .models import (
    Activity,
    ActivityAttendance,
    ActivityKind,
    ActivityParticipants,
    ParticipantKind,
    Topic,
)

# --- Activities ----------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    kind: str,
    held_on: date,
    support_model: SupportModel,
    venue_type: str,
    participants: Mapping[str, int],
    commune: Any = None,
    legacy_commune: Any = None,
    organiser: Organisation | None = None,
    peer_group: PeerGroup | None = None,
    audience: str = "",
    title: str = "",
    topics: Sequence[str] = (),
    members: Iterable[Membership] = (),
    clients: Iterable[Any] = (),
    establishments: Iterable[Establishment] = (),
) -> Activity:
    """Record an activity. Counts are per participant kind; an attendance list (group
    members and/or clients) raises the member/client counts to at least its length."""
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown activity kind.")})
    if commune is None and legacy_commune is None:
        raise ValidationError({"commune": _("Choose the commune where the activity took place.")})
    if commune is not None and commune.province_id != support_model.province_id:
        raise ValidationError(
            {"commune": _("This commune is not in the province of the support model.")}
        )
    if (
        legacy_commune is not None
        and not legacy_commune.conversions.filter(
            new_commune__province_id=support_model.province_id
        ).exists()
    ):
        raise ValidationError(
            {
                "legacy_commune": _(
                    "This pre-2025 commune is not part of the province of the support model."
                )
            }
        )
    if peer_group is not None and peer_group.support_model_id != support_model.pk:
        raise ValidationError({"peer_group": _("This group does not belong to the model.")})
    unknown = set(topics) - set(Topic.values)
    if unknown:
        raise ValidationError({"topics": _("Unknown topic.")})
    members = list(members)
    clients = list(clients)
    if peer_group is not None:
        if any(m.peer_group_id != peer_group.pk for m in members):
            raise ValidationError({"members": _("Only members of this group can be listed.")})
    counts = {k: int(v) for k, v in participants.items() if k in ParticipantKind.values}
    if any(v < 0 for v in counts.values()):
        raise ValidationError(_("Participant counts cannot be negative."))
    counts[ParticipantKind.MEMBER] = max(counts.get(ParticipantKind.MEMBER, 0), len(members))
    counts[ParticipantKind.CLIENT] = max(counts.get(ParticipantKind.CLIENT, 0), len(clients))
    if sum(counts.values()) == 0:
        raise ValidationError(_("Enter how many people took part."))
    if organiser is not None:
        from .queries import organisers_for_model

        if not organisers_for_model(support_model).filter(pk=organiser.pk).exists():
            raise ValidationError(
                {
                    "organiser": _(
                        "Choose an agency, mass organisation, community group or provider "
                        "in the model's province."
                    )
                }
            )
    else:
        organiser = support_model.lead_organisation
    activity = Activity.objects.create(
        kind=kind,
        audience=audience,
        title=title,
        held_on=held_on,
        commune=commune,
        legacy_commune=legacy_commune,
        venue_type=venue_type,
        organiser=organiser,
        support_model=support_model,
        peer_group=peer_group,
        topics=list(topics),
        recorded_by=actor,
    )
    ActivityParticipants.objects.bulk_create(
        [ActivityParticipants(activity=activity, kind=k, count=v) for k, v in counts.items() if v]
    )
    ActivityAttendance.objects.bulk_create(
        [ActivityAttendance(activity=activity, member=m) for m in members]
        + [ActivityAttendance(activity=activity, client=c) for c in clients]
    )
    establishments = list(establishments)
    if establishments:
        activity.establishments.set(establishments)
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        changes={
            "kind": kind,
            "participants": sum(counts.values()),
            "attendance_members": len(members),
            "attendance_clients": len(clients),
            "establishments": len(establishments),
        },
    )
    return activity


@transaction.atomic
def activity_distribute(
    *,
    actor: Any,
    activity: Activity,
    item_kind: str,
    quantity: int,
    organisation: Organisation,
    material: Any = None,
) -> Any:
    """Materials or commodities handed out at an activity: lowers the stock through
    outreach's distribution service and links the distribution to the activity here, so
    that outreach does not depend on activities. Raises InsufficientStock when short."""
    from outreach.services import distribution_record

    from .models import ActivityDistribution
    from .queries import stock_holders

    if not stock_holders(activity).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "Items can only come from the stock of the model's lead organisation "
                    "or of an organisation in its province that holds stock."
                )
            }
        )
    distribution = distribution_record(
        actor=actor,
        organisation=organisation,
        item_kind=item_kind,
        quantity=quantity,
        distributed_on=activity.held_on,
        material=material,
        peer_group=activity.peer_group,
    )
    ActivityDistribution.objects.create(activity=activity, distribution=distribution)
    audit_record(
        actor=actor,
        action="activity.distribute",
        obj=activity,
        changes={"item_kind": item_kind, "quantity": quantity},
    )
    return distribution


@transaction.atomic
def health_day_delivery_record(
    *,
    actor: Any,
    activity: Activity,
    client: Any,
    service_type: str,
    provider: Organisation,
) -> Any:
    """A service delivered at a mobile health-check day counts as a service delivery
    (source "mobile_day"), linked back to the activity."""
    from referrals.services import delivery_record

    from .models import HealthDayDelivery
    from .queries import health_day_providers

    if activity.kind != ActivityKind.HEALTH_DAY:
        raise ValidationError(_("Services can only be recorded on a mobile health-check day."))
    if not health_day_providers(activity).filter(pk=provider.pk).exists():
        raise ValidationError(
            {"provider": _("Choose an active service provider in the activity's province.")}
        )
    delivery = delivery_record(
        actor=actor,
        client=client,
        service_type=service_type,
        provider=provider,
        delivered_on=activity.held_on,
        source="mobile_day",
    )
    HealthDayDelivery.objects.create(activity=activity, delivery=delivery)
    audit_record(
        actor=actor,
        action="activity.health_day_delivery",
        obj=activity,
        changes={"service_type": service_type},
    )
    return delivery
