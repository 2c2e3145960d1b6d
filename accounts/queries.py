"""Reads of users and grants: administrators only (everyone else gets nothing, so 404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from geo.models import Province

from . import scope
from .models import Grant, User

GRANT_RELATED = ("peer_group", "organisation", "support_model", "province")


def users_for(user: Any) -> QuerySet[User]:
    if not scope.is_admin(user):
        return User.objects.none()
    active_grants = Grant.objects.filter(active=True).select_related(*GRANT_RELATED)
    return (
        User.objects.prefetch_related(
            Prefetch("grants", queryset=active_grants, to_attr="active_grants")
        )
        .annotate(device_count=Count("totpdevice", filter=Q(totpdevice__confirmed=True)))
        .order_by("-is_active", "username")
    )


def get_user(actor: Any, pk: int) -> User:
    return get_object_or_404(users_for(actor), pk=pk)


def grants_of(user: User) -> QuerySet[Grant]:
    return user.grants.select_related(*GRANT_RELATED, "created_by").order_by("-active", "role")


def get_grant(actor: Any, user_pk: int, pk: int) -> Grant:
    user = get_user(actor, user_pk)
    return get_object_or_404(Grant.objects.select_related("user"), user=user, pk=pk)


def own_grants(user: User | AnonymousUser) -> list[Grant]:
    """The user's own active grants (what their home page says they may do)."""
    return scope._grants(user)


def granted_provinces(user: User | AnonymousUser) -> list[Province]:
    """The provinces the user's own grants name (a provincial manager's)."""
    return [g.province for g in scope._grants(user) if g.province is not None]


def user_counts(actor: User | AnonymousUser) -> dict[str, int]:
    """Active and inactive users and the active ones without a role, for administrators."""
    if not scope.is_admin(actor):
        return {}
    users = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    without_role = (
        User.objects.filter(is_active=True).exclude(grants__active=True).distinct().count()
    )
    return {
        "active_users": users["active"],
        "inactive_users": users["inactive"],
        "without_role": without_role,
    }


def two_factor_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    """The user's authenticator: the confirmed one, or the one being set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
