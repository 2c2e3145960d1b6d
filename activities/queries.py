"""Every read of activities, establishments and hotline calls, always with the acting user.

Visibility:
- activities: peer educators and leaders see their group's activities; coordinators see
  their support models' activities. Attendance lists are client-level: same rule.
- establishments: coordinators of the establishment's model, peers of that model's groups;
  the owner's contact only for the model's coordinators and its groups' leaders.
- hotline calls: counsellors of the hotline organisation that took the call.
Managers and administrators see none of these rows: they read aggregates in reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import scope
from accounts.models import Role
from clients.models import Client
from programs.models import Establishment, Organisation, PeerGroup, SupportModel

from .models import (
    Activity,
    ActivityAttendance,
    ActivityKind,
    ActivityParticipants,
    Audience,
    HotlineCall,
    ParticipantKind,
)

ACTIVITY_ROLES = (Role.PEER_EDUCATOR, Role.GROUP_LEADER, Role.COORDINATOR)
ESTABLISHMENT_ROLES = (Role.PEER_EDUCATOR, Role.GROUP_LEADER, Role.COORDINATOR)


# --- Activities ----------------------------------------------------------------------


def activities_for(user: Any) -> QuerySet[Activity]:
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    if not groups and not models:
        return Activity.objects.none()
    return (
        Activity.objects.filter(Q(peer_group_id__in=groups) | Q(support_model_id__in=models))
        .select_related("commune__province", "legacy_commune", "organiser", "peer_group")
        .prefetch_related("participants")
    )


def get_activity(user: Any, public_id: Any) -> Activity:
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


def recordable_models(user: Any) -> QuerySet[SupportModel]:
    """Support models the user may record activities for."""
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    return SupportModel.objects.filter(Q(pk__in=models) | Q(peer_groups__in=groups)).distinct()


def recordable_groups(user: Any) -> QuerySet[PeerGroup]:
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    return PeerGroup.objects.filter(
        Q(pk__in=groups) | Q(support_model_id__in=models)
    ).select_related("support_model")


def clients_by_codes(user: Any, group: PeerGroup | None, codes: list[str]) -> dict[str, Client]:
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


def organisers_for(user: Any) -> QuerySet[Organisation]:
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


# --- Establishments ------------------------------------------------------------------


def establishments_for(user: Any) -> QuerySet[Establishment]:
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


def get_establishment(user: Any, public_id: Any) -> Establishment:
    return get_object_or_404(establishments_for(user), public_id=public_id)


def owner_contact_model_ids(user: Any) -> set[int]:
    """Models whose establishments' owner contact the user may reveal or change:
    models the user coordinates, and models of the groups the user leads. Peer educators
    see the establishment but never the owner's contact."""
    led = scope.peer_group_ids(user, Role.GROUP_LEADER)
    led_models = set(
        PeerGroup.objects.filter(pk__in=led).values_list("support_model_id", flat=True)
    )
    return scope.support_model_ids(user, Role.COORDINATOR) | led_models


def can_manage_owner_contact(user: Any, establishment: Establishment) -> bool:
    return (
        establishment.support_model_id is not None
        and establishment.support_model_id in owner_contact_model_ids(user)
    )


def establishment_models(user: Any) -> QuerySet[SupportModel]:
    """Models under which the user may register establishments."""
    return recordable_models(user)


def establishment_summary(establishment: Establishment) -> dict[str, Any]:
    """What the programme achieved at one establishment:

    - workers reached (người): distinct registered clients contacted there;
    - worker contacts (lượt): outreach head counts there plus workers taking part in
      activities held with the establishment (the same worker may count several times);
    - owner workshops: workshops with the establishment in which owners or managers took
      part; agreements signed."""
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


# --- Hotline -------------------------------------------------------------------------


def hotline_orgs(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope.organisation_ids(user, Role.HOTLINE))


def calls_for(user: Any) -> QuerySet[HotlineCall]:
    orgs = scope.organisation_ids(user, Role.HOTLINE)
    if not orgs:
        return HotlineCall.objects.none()
    return HotlineCall.objects.filter(organisation_id__in=orgs).select_related(
        "client", "counsellor", "organisation"
    )


def get_call(user: Any, public_id: Any) -> HotlineCall:
    return get_object_or_404(
        calls_for(user).prefetch_related("referral_links__referral__provider"),
        public_id=public_id,
    )


def caller_registration_groups(user: Any, call: HotlineCall) -> QuerySet[PeerGroup]:
    """Peer groups a hotline counsellor may register an anonymous caller in, to be followed
    up by them: active groups of running support models in the province of the hotline
    that took the call. Nothing when the call is not the user's hotline's."""
    province = call.organisation.province_id
    if not province or call.organisation_id not in scope.organisation_ids(user, Role.HOTLINE):
        return PeerGroup.objects.none()
    today = timezone.localdate()
    return (
        PeerGroup.objects.filter(active=True, support_model__province_id=province)
        .filter(Q(support_model__end_date__isnull=True) | Q(support_model__end_date__gte=today))
        .select_related("support_model__province")
        .prefetch_related("communes")
        .order_by("name")
    )


def caller_link_clients(user: Any, call: HotlineCall) -> QuerySet[Client]:
    """Clients an anonymous call may be linked to by the short code the caller tells: those
    the counsellor may find by code (referrals' code_lookup_clients), in the province of the
    hotline that took the call."""
    from referrals.queries import code_lookup_clients

    if call.organisation_id not in scope.organisation_ids(user, Role.HOTLINE):
        return Client.objects.none()
    return code_lookup_clients(user).filter(province_id=call.organisation.province_id)


def open_follow_ups(user: Any) -> QuerySet[HotlineCall]:
    return calls_for(user).filter(follow_up_needed=True, follow_up_done_at__isnull=True)
