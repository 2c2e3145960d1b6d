"""Every read of programmes data goes through here, always with the acting user.

Visibility:
- national manager, administrator: everything
- provincial manager: their province(s)
- coordinator: their support models
- peer educator, group leader: their group and its model
- provider staff, hotline: their organisation (organisations only)
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts import scope
from accounts.models import Role

from .models import Membership, Organisation, PeerGroup, SupportModel


def support_models_for(user: Any) -> QuerySet[SupportModel]:
    qs = SupportModel.objects.select_related("province", "lead_organisation")
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    cond = Q(pk__in=scope.support_model_ids(user))
    cond |= Q(province_id__in=scope.province_codes(user))
    cond |= Q(peer_groups__in=scope.peer_group_ids(user))
    return qs.filter(cond).distinct()


def peer_groups_for(user: Any) -> QuerySet[PeerGroup]:
    qs = PeerGroup.objects.select_related("support_model__province")
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    cond = Q(pk__in=scope.peer_group_ids(user))
    cond |= Q(support_model_id__in=scope.support_model_ids(user))
    cond |= Q(support_model__province_id__in=scope.province_codes(user))
    return qs.filter(cond).distinct()


def organisations_for(user: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("province", "commune")
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    provinces = scope.province_codes(user)
    provinces |= set(
        SupportModel.objects.filter(pk__in=scope.support_model_ids(user)).values_list(
            "province_id", flat=True
        )
    )
    cond = Q(pk__in=scope.organisation_ids(user)) | Q(province_id__in=provinces)
    return qs.filter(cond)


# Who may change what.
def editable_support_models(user: Any) -> QuerySet[SupportModel]:
    if scope.is_admin(user):
        return SupportModel.objects.all()
    return SupportModel.objects.filter(pk__in=scope.support_model_ids(user))


def editable_peer_groups(user: Any) -> QuerySet[PeerGroup]:
    if scope.is_admin(user):
        return PeerGroup.objects.all()
    cond = Q(support_model_id__in=scope.support_model_ids(user))
    cond |= Q(pk__in=scope.peer_group_ids(user, Role.GROUP_LEADER))
    return PeerGroup.objects.filter(cond)


def get_support_model(user: Any, pk: int, *, for_update: bool = False) -> SupportModel:
    qs = editable_support_models(user) if for_update else support_models_for(user)
    return get_object_or_404(qs, pk=pk)


def get_peer_group(user: Any, pk: int, *, for_update: bool = False) -> PeerGroup:
    qs = editable_peer_groups(user) if for_update else peer_groups_for(user)
    return get_object_or_404(qs, pk=pk)


def members_of(group: PeerGroup) -> QuerySet[Membership]:
    return group.memberships.select_related("user").order_by("left_on", "role", "alias")
