"""Writes of the activities app: activities with participants and attendance, materials
handed out at an activity, mobile health-check deliveries, establishments (owner contact
encrypted) and their agreements, hotline calls and their follow-ups.

One keyword-only function per use case; each runs in a transaction and writes its audit
entry inside it. `changes` holds field names and counts, never identifying values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from clients.models import Client
from geo.models import Commune, LegacyCommune
from outreach.models import Distribution, Material
from programs.models import Establishment, Membership, Organisation, PeerGroup, SupportModel
from referrals.models import ServiceDelivery

from .models import (
    Activity,
    ActivityAttendance,
    ActivityKind,
    ActivityParticipants,
    ParticipantKind,
    Topic,
)

# --- Activities ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRecord:
    """What an activity record holds: when, where and for which model, who took part
    (counts per participant kind, and an attendance list of group members and clients),
    and the establishments it was held with."""

    kind: str
    held_on: date
    support_model: SupportModel
    venue_type: str
    participants: Mapping[str, int]
    commune: Commune | None = None
    legacy_commune: LegacyCommune | None = None
    organiser: Organisation | None = None
    peer_group: PeerGroup | None = None
    audience: str = ""
    title: str = ""
    topics: Sequence[str] = ()
    members: Sequence[Membership] = ()
    clients: Sequence[Client] = ()
    establishments: Sequence[Establishment] = ()


def _check_place(record: ActivityRecord) -> None:
    """The commune (or pre-2025 commune) and the group belong to the model's province."""
    model, commune, legacy = record.support_model, record.commune, record.legacy_commune
    if commune is None and legacy is None:
        raise ValidationError({"commune": _("Choose the commune where the activity took place.")})
    if commune is not None and commune.province_id != model.province_id:
        raise ValidationError(
            {"commune": _("This commune is not in the province of the support model.")}
        )
    if (
        legacy is not None
        and not legacy.conversions.filter(new_commune__province_id=model.province_id).exists()
    ):
        raise ValidationError(
            {
                "legacy_commune": _(
                    "This pre-2025 commune is not part of the province of the support model."
                )
            }
        )
    if record.peer_group is not None and record.peer_group.support_model_id != model.pk:
        raise ValidationError({"peer_group": _("This group does not belong to the model.")})


def _participant_counts(record: ActivityRecord) -> dict[str, int]:
    """Counts per participant kind; the attendance list raises the member and client
    counts to at least its length."""
    group = record.peer_group
    if group is not None and any(m.peer_group_id != group.pk for m in record.members):
        raise ValidationError({"members": _("Only members of this group can be listed.")})
    counts = {k: int(v) for k, v in record.participants.items() if k in ParticipantKind.values}
    if any(v < 0 for v in counts.values()):
        raise ValidationError(_("Participant counts cannot be negative."))
    member, client = ParticipantKind.MEMBER, ParticipantKind.CLIENT
    counts[member] = max(counts.get(member, 0), len(record.members))
    counts[client] = max(counts.get(client, 0), len(record.clients))
    if sum(counts.values()) == 0:
        raise ValidationError(_("Enter how many people took part."))
    return counts


def _organiser(record: ActivityRecord) -> Organisation | None:
    """The organiser chosen (an organisation that may organise in the model's province),
    else the model's lead organisation."""
    from .queries import organisers_for_model

    organiser = record.organiser
    if organiser is None:
        return record.support_model.lead_organisation
    if not organisers_for_model(record.support_model).filter(pk=organiser.pk).exists():
        raise ValidationError(
            {
                "organiser": _(
                    "Choose an agency, mass organisation, community group or provider "
                    "in the model's province."
                )
            }
        )
    return organiser


@transaction.atomic
def activity_record(*, actor: User, record: ActivityRecord) -> Activity:
    """Record an activity. Counts are per participant kind; an attendance list (group
    members and/or clients) raises the member/client counts to at least its length."""
    if record.kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown activity kind.")})
    _check_place(record)
    if set(record.topics) - set(Topic.values):
        raise ValidationError({"topics": _("Unknown topic.")})
    counts = _participant_counts(record)
    activity = Activity.objects.create(
        kind=record.kind,
        audience=record.audience,
        title=record.title,
        held_on=record.held_on,
        commune=record.commune,
        legacy_commune=record.legacy_commune,
        venue_type=record.venue_type,
        organiser=_organiser(record),
        support_model=record.support_model,
        peer_group=record.peer_group,
        topics=list(record.topics),
        recorded_by=actor,
    )
    ActivityParticipants.objects.bulk_create(
        [ActivityParticipants(activity=activity, kind=k, count=v) for k, v in counts.items() if v]
    )
    ActivityAttendance.objects.bulk_create(
        [ActivityAttendance(activity=activity, member=m) for m in record.members]
        + [ActivityAttendance(activity=activity, client=c) for c in record.clients]
    )
    if record.establishments:
        activity.establishments.set(record.establishments)
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        changes={
            "kind": record.kind,
            "participants": sum(counts.values()),
            "attendance_members": len(record.members),
            "attendance_clients": len(record.clients),
            "establishments": len(record.establishments),
        },
    )
    return activity


@transaction.atomic
def activity_distribute(
    *,
    actor: User,
    activity: Activity,
    item_kind: str,
    quantity: int,
    organisation: Organisation,
    material: Material | None = None,
) -> Distribution:
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
    actor: User,
    activity: Activity,
    client: Client,
    service_type: str,
    provider: Organisation,
) -> ServiceDelivery:
    """A service delivered at a mobile health-check day counts as a service delivery
    (source "mobile_day"), linked back to the activity."""
    from referrals.deliveries import delivery_record

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
