"""Every read of establishments, always with the acting user: the coordinators of the
establishment's model and the peers of that model's groups see it; the owner's contact
only the model's coordinators and its groups' leaders. Managers and administrators see
none of these rows (they read aggregates in reports)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts import scope
from accounts.models import Role, User

from ..models import Establishment, PeerGroup, SupportModel
from ..queries import working_models


def establishments_for(user: User) -> QuerySet[Establishment]:
    models = scope.support_model_ids(user)
    group_models = set(
        PeerGroup.objects.filter(pk__in=scope.peer_group_ids(user)).values_list(
            "support_model_id", flat=True
        )
    )
    ids = models | group_models
    if not ids:
        return Establishment.objects.none()
    return Establishment.objects.filter(support_model_id__in=ids).select_related(
        "commune__province", "support_model"
    )


def get_establishment(user: User, public_id: UUID) -> Establishment:
    return get_object_or_404(establishments_for(user), public_id=public_id)


def owner_contact_model_ids(user: User) -> set[int]:
    """Models whose establishments' owner contact the user may reveal or change:
    models the user coordinates, and models of the groups the user leads. Peer educators
    see the establishment but never the owner's contact."""
    led = scope.peer_group_ids(user, Role.GROUP_LEADER)
    led_models = set(
        PeerGroup.objects.filter(pk__in=led).values_list("support_model_id", flat=True)
    )
    return scope.support_model_ids(user, Role.COORDINATOR) | led_models


def can_manage_owner_contact(user: User, establishment: Establishment) -> bool:
    return (
        establishment.support_model_id is not None
        and establishment.support_model_id in owner_contact_model_ids(user)
    )


def establishment_models(user: User) -> QuerySet[SupportModel]:
    """Models under which the user may register establishments: those they work in."""
    return working_models(user)


def establishment_summary(establishment: Establishment) -> dict[str, Any]:
    """What the programme achieved at one establishment:

    - workers reached (người): distinct registered clients contacted there;
    - worker contacts (lượt): outreach head counts there plus workers taking part in
      activities held with the establishment (the same worker may count several times);
    - owner workshops: workshops with the establishment in which owners or managers took
      part; agreements signed."""
    # The apps above programs that count at an establishment, read here and nowhere else.
    from activities.models import ActivityKind, ActivityParticipants, Audience, ParticipantKind
    from outreach.models import OutreachContact

    activities = establishment.activities.all()
    contacts = OutreachContact.objects.filter(establishment=establishment)
    workers_at_activities = (
        ActivityParticipants.objects.filter(
            activity__in=activities, kind=ParticipantKind.WORKER
        ).aggregate(n=Sum("count"))["n"]
        or 0
    )
    workers_by_outreach = contacts.aggregate(n=Sum("head_count"))["n"] or 0
    return {
        "workers_reached": contacts.filter(client__isnull=False)
        .values("client_id")
        .distinct()
        .count(),
        "worker_contacts": workers_at_activities + workers_by_outreach,
        "workers_at_activities": workers_at_activities,
        "workers_by_outreach": workers_by_outreach,
        "owner_workshops": activities.filter(kind=ActivityKind.WORKSHOP)
        .filter(
            Q(audience=Audience.OWNERS)
            | Q(participants__kind=ParticipantKind.OWNER, participants__count__gt=0)
        )
        .distinct()
        .count(),
        "activities": activities.select_related("commune").prefetch_related("participants"),
        "agreements": establishment.agreements.all(),
    }
