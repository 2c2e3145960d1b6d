"""Every read of activities, establishments and hotline calls, always with the acting user.

Visibility:
- activities: peer educators and leaders see their group's activities; coordinators see
  their support models' activities. Attendance lists are client-level: same rule.
Managers and administrators see none of these rows: they read aggregates in reports."""

from __future__ import annotations

from uuid import UUID

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts import scope
from accounts.models import User
from clients.models import Client
from programs.models import Organisation, PeerGroup, SupportModel
from programs.queries import working_models

from .models import (
    Activity,
    ActivityAttendance,
    ActivityParticipants,
)

# --- Activities ----------------------------------------------------------------------


def activities_for(user: User) -> QuerySet[Activity]:
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    if not groups and not models:
        return Activity.objects.none()
    return (
        Activity.objects.filter(Q(peer_group_id__in=groups) | Q(support_model_id__in=models))
        .select_related("commune__province", "legacy_commune", "organiser", "peer_group")
        .prefetch_related("participants")
    )


def participant_total() -> Coalesce:
    """An activity's participants of every kind (Activity.total_participants) as an
    annotation: one statement for a list instead of its participant rows."""
    rows = (
        ActivityParticipants.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def get_activity(user: User, public_id: UUID) -> Activity:
    qs = (
        activities_for(user)
        .select_related("support_model", "recorded_by")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=ActivityAttendance.objects.select_related("member", "client").order_by(
                    "member__alias", "client__short_code"
                ),
            ),
            "establishments",
        )
    )
    return get_object_or_404(qs, public_id=public_id)


def recordable_models(user: User) -> QuerySet[SupportModel]:
    """Support models the user may record activities for: those they work in."""
    return working_models(user)


def recordable_groups(user: User) -> QuerySet[PeerGroup]:
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    return PeerGroup.objects.filter(
        Q(pk__in=groups) | Q(support_model_id__in=models)
    ).select_related("support_model")


def clients_by_codes(user: User, group: PeerGroup | None, codes: list[str]) -> dict[str, Client]:
    """Clients of the group (or of the user's groups/models) with these short codes."""
    wanted = {c.strip().upper() for c in codes if c.strip()}
    if not wanted:
        return {}
    qs = Client.objects.filter(short_code__in=wanted, erased_at__isnull=True)
    if group is not None:
        qs = qs.filter(peer_group=group)
    else:
        qs = qs.filter(
            Q(peer_group_id__in=scope.peer_group_ids(user))
            | Q(peer_group__support_model_id__in=scope.support_model_ids(user))
        )
    return {c.short_code: c for c in qs}


# Who may organise an activity: never a business establishment.
ORGANISER_KINDS = (
    Organisation.Kind.AGENCY,
    Organisation.Kind.MASS_ORGANISATION,
    Organisation.Kind.COMMUNITY_GROUP,
    Organisation.Kind.SERVICE_PROVIDER,
)


def organisers_for(user: User) -> QuerySet[Organisation]:
    """Active agencies, mass organisations, community groups and providers in the
    provinces of the models the user records for."""
    provinces = set(recordable_models(user).values_list("province_id", flat=True))
    return Organisation.objects.filter(
        province_id__in=provinces, active=True, kind__in=ORGANISER_KINDS
    )


def organisers_for_model(support_model: SupportModel) -> QuerySet[Organisation]:
    """Organisations that may organise an activity of this model (its province)."""
    return Organisation.objects.filter(
        province_id=support_model.province_id, active=True, kind__in=ORGANISER_KINDS
    )


def health_day_providers(activity: Activity) -> QuerySet[Organisation]:
    """Providers at a mobile health-check day: active service providers in the
    activity's province."""
    return Organisation.objects.filter(
        province_id=activity.support_model.province_id,
        active=True,
        kind=Organisation.Kind.SERVICE_PROVIDER,
    ).order_by("name")


def stock_holders(activity: Activity) -> QuerySet[Organisation]:
    """Whose stock items handed out at an activity may come from: the model's lead
    organisation, or organisations in its province that actually hold stock. Never a
    business establishment."""
    from outreach.models import MaterialStock

    model = activity.support_model
    holders = MaterialStock.objects.filter(organisation__province_id=model.province_id).values(
        "organisation_id"
    )
    return (
        Organisation.objects.filter(Q(pk=model.lead_organisation_id) | Q(pk__in=holders))
        .filter(active=True)
        .exclude(kind=Organisation.Kind.ESTABLISHMENT)
        .order_by("name")
    )
