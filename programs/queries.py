"""Every read of programmes data goes through here, always with the acting user.

Visibility:
- national manager, administrator: everything
- provincial manager: their province(s)
- coordinator: their support models
- peer educator, group leader: their group and its model
- provider staff, hotline: their organisation (organisations only)

Who may change what:
- support models: administrators create; coordinators edit their own, administrators all
- peer groups: coordinators create and edit groups of their models, administrators all
- members: the above, and a group leader for their own group
- organisations: administrators all; coordinators service providers in their models' provinces
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts import scope
from accounts.models import Role, User

from .models import Membership, Organisation, PeerGroup, SupportModel

_M = TypeVar("_M", bound=Model)


def _in_scope(
    user: Any, qs: QuerySet[_M], *, group: str, model: str, province: str
) -> QuerySet[_M]:
    """What the user's grants reach: everything for the nation and administrators, else
    what lies in one of their peer groups, support models or provinces (each reached by
    its lookup)."""
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    cond = Q(**{f"{group}__in": scope.peer_group_ids(user)})
    cond |= Q(**{f"{model}__in": scope.support_model_ids(user)})
    cond |= Q(**{f"{province}__in": scope.province_codes(user)})
    return qs.filter(cond).distinct()


def support_models_for(user: Any) -> QuerySet[SupportModel]:
    qs = SupportModel.objects.select_related("province", "lead_organisation")
    return _in_scope(user, qs, group="peer_groups", model="pk", province="province_id")


def peer_groups_for(user: Any) -> QuerySet[PeerGroup]:
    qs = PeerGroup.objects.select_related("support_model__province")
    return _in_scope(
        user,
        qs,
        group="pk",
        model="support_model_id",
        province="support_model__province_id",
    )


def coordinator_provinces(user: Any) -> set[str]:
    """Provinces of the support models a coordinator runs."""
    return scope.support_model_provinces(user)


def organisations_for(user: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("province", "commune")
    if scope.is_national(user) or scope.is_admin(user):
        return qs
    provinces = scope.province_codes(user) | coordinator_provinces(user)
    cond = Q(pk__in=scope.organisation_ids(user)) | Q(province_id__in=provinces)
    return qs.filter(cond)


def with_member_counts(qs: QuerySet[PeerGroup]) -> QuerySet[PeerGroup]:
    return qs.annotate(
        active_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
        core_members=Count(
            "memberships",
            filter=Q(memberships__left_on__isnull=True, memberships__role=Membership.Role.CORE),
        ),
    )


# Who may change what.
def editable_support_models(user: Any) -> QuerySet[SupportModel]:
    if scope.is_admin(user):
        return SupportModel.objects.all()
    return SupportModel.objects.filter(pk__in=scope.support_model_ids(user))


def can_create_support_model(user: Any) -> bool:
    return scope.is_admin(user)


def editable_peer_groups(user: Any) -> QuerySet[PeerGroup]:
    """Groups whose settings (name, kind, model, communes) the user may change."""
    if scope.is_admin(user):
        return PeerGroup.objects.all()
    return PeerGroup.objects.filter(support_model_id__in=scope.support_model_ids(user))


def member_managed_peer_groups(user: Any) -> QuerySet[PeerGroup]:
    """Groups whose members the user may add, change and mark as left."""
    if scope.is_admin(user):
        return PeerGroup.objects.all()
    cond = Q(support_model_id__in=scope.support_model_ids(user))
    cond |= Q(pk__in=scope.peer_group_ids(user, Role.GROUP_LEADER))
    return PeerGroup.objects.filter(cond)


def editable_organisations(user: Any) -> QuerySet[Organisation]:
    if scope.is_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE_PROVIDER, province_id__in=coordinator_provinces(user)
    )


def can_create_organisation(user: Any) -> bool:
    return scope.is_admin(user) or bool(scope.support_model_ids(user))


def get_support_model(user: Any, pk: int, *, for_update: bool = False) -> SupportModel:
    qs = editable_support_models(user) if for_update else support_models_for(user)
    return get_object_or_404(qs, pk=pk)


def get_peer_group(
    user: Any, pk: int, *, for_update: bool = False, for_members: bool = False
) -> PeerGroup:
    if for_members:
        qs = member_managed_peer_groups(user)
    elif for_update:
        qs = editable_peer_groups(user)
    else:
        qs = peer_groups_for(user)
    return get_object_or_404(qs.select_related("support_model__province"), pk=pk)


def get_membership(user: Any, group_pk: int, pk: int) -> Membership:
    group = get_peer_group(user, group_pk, for_members=True)
    return get_object_or_404(
        Membership.objects.select_related("peer_group"), peer_group=group, pk=pk
    )


def get_organisation(user: Any, pk: int, *, for_update: bool = False) -> Organisation:
    qs = editable_organisations(user) if for_update else organisations_for(user)
    return get_object_or_404(qs, pk=pk)


def members_of(group: PeerGroup) -> QuerySet[Membership]:
    # Current members first, then those who left, most recent first (same on every database).
    return group.memberships.select_related("user").order_by(
        F("left_on").desc(nulls_first=True), "role", "alias"
    )


# --- Home panels ---------------------------------------------------------------------


def own_peer_groups(user: User | AnonymousUser) -> QuerySet[PeerGroup]:
    """The groups the user is a member (peer educator, group leader) of, with member counts."""
    ids = scope.peer_group_ids(user)
    return with_member_counts(
        PeerGroup.objects.filter(pk__in=ids).select_related("support_model__province")
    )


def own_organisations(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations the user works for (provider staff, hotline counsellors)."""
    ids = scope.organisation_ids(user)
    return Organisation.objects.filter(pk__in=ids).select_related("commune")


def coordinated_models(
    user: User | AnonymousUser,
) -> list[tuple[SupportModel, list[PeerGroup]]]:
    """A coordinator's support models, each with its groups (member counts, by name)."""
    ids = scope.support_model_ids(user)
    if not ids:
        return []
    models = list(SupportModel.objects.filter(pk__in=ids).select_related("province"))
    groups = with_member_counts(PeerGroup.objects.filter(support_model_id__in=ids)).order_by("name")
    by_model: dict[int, list[PeerGroup]] = {}
    for group in groups:
        by_model.setdefault(group.support_model_id, []).append(group)
    return [(m, by_model.get(m.pk, [])) for m in models]


def programme_counts(actor: User | AnonymousUser) -> dict[str, int]:
    """Active organisations and groups and all support models, for administrators."""
    if not scope.is_admin(actor):
        return {}
    return {
        "organisations": Organisation.objects.filter(active=True).count(),
        "models": SupportModel.objects.count(),
        "groups": PeerGroup.objects.filter(active=True).count(),
    }


def working_models(user: Any) -> QuerySet[SupportModel]:
    """Support models the user works in: those they coordinate and those of their peer
    groups (where they record activities and register establishments)."""
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    return SupportModel.objects.filter(Q(pk__in=models) | Q(peer_groups__in=groups)).distinct()
