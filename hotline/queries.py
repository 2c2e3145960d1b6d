"""Every read of hotline calls, always with the acting user: counsellors of the hotline
organisation that took the call see it; nobody else (managers read aggregates in reports).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import scope
from accounts.models import Role, User
from clients.models import Client
from directory.models import Service
from programs.models import Organisation, PeerGroup

from .models import HotlineCall


def hotline_orgs(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=scope.organisation_ids(user, Role.HOTLINE))


def calls_for(user: User) -> QuerySet[HotlineCall]:
    orgs = scope.organisation_ids(user, Role.HOTLINE)
    if not orgs:
        return HotlineCall.objects.none()
    return HotlineCall.objects.filter(organisation_id__in=orgs).select_related(
        "client", "counsellor", "organisation"
    )


def get_call(user: User, public_id: UUID) -> HotlineCall:
    return get_object_or_404(
        calls_for(user).prefetch_related("referral_links__referral__provider"),
        public_id=public_id,
    )


def caller_registration_groups(user: User, call: HotlineCall) -> QuerySet[PeerGroup]:
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


def caller_link_clients(user: User, call: HotlineCall) -> QuerySet[Client]:
    """Clients an anonymous call may be linked to by the short code the caller tells: those
    the counsellor may find by code (referrals' code_lookup_clients), in the province of the
    hotline that took the call."""
    from referrals.queries import code_lookup_clients

    if call.organisation_id not in scope.organisation_ids(user, Role.HOTLINE):
        return Client.objects.none()
    return code_lookup_clients(user).filter(province_id=call.organisation.province_id)


def open_follow_ups(user: User) -> QuerySet[HotlineCall]:
    return calls_for(user).filter(follow_up_needed=True, follow_up_done_at__isnull=True)


def call_referral_services(user: User, call: HotlineCall) -> QuerySet[Service]:
    """The services a call may be referred to: those of the hotline's province, the
    caller's commune and friendly ones first."""
    from referrals.queries import referral_services

    qs = referral_services(user, call.client, everywhere=True)
    if call.organisation.province_id:
        qs = qs.filter(organisation__province_id=call.organisation.province_id)
    return qs


def referrals_to_read(user: User, call: HotlineCall) -> list[dict[str, Any]]:
    """The call's referrals with what the counsellor reads to the caller: the slip's codes
    and where to go (address, hours, phone), a confidential address only to those who may
    see it."""
    from directory.queries import locations_as_seen_by

    links = call.referral_links.select_related(
        "referral__service__organisation", "referral__provider"
    ).prefetch_related("referral__service__locations__commune")
    out = []
    for link in links:
        referral = link.referral
        locations = [
            lv
            for lv in locations_as_seen_by(user, referral.service.locations.all())
            if lv.location.active
        ]
        out.append({"referral": referral, "service": referral.service, "locations": locations})
    return out
