"""What a user's grants reach. Every app's queries.py builds on these helpers;
nothing else decides scope. Results are cached on the user object per request."""

from __future__ import annotations

from typing import Any

from .models import Grant, Role


def _grants(user: Any) -> list[Grant]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_grants_cache", None)
    if cached is None:
        cached = list(
            Grant.objects.filter(user=user, active=True).select_related(
                "peer_group__support_model", "support_model", "organisation", "province"
            )
        )
        user._grants_cache = cached
    return cached


def roles(user: Any) -> set[str]:
    return {g.role for g in _grants(user)}


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def peer_group_ids(user: Any, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or {Role.PEER_EDUCATOR, Role.GROUP_LEADER}
    return {g.peer_group_id for g in _grants(user) if g.role in wanted_roles and g.peer_group_id}


def organisation_ids(user: Any, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or {Role.PROVIDER, Role.HOTLINE}
    return {
        g.organisation_id for g in _grants(user) if g.role in wanted_roles and g.organisation_id
    }


def support_model_ids(user: Any, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or {Role.COORDINATOR}
    return {
        g.support_model_id for g in _grants(user) if g.role in wanted_roles and g.support_model_id
    }


def province_codes(user: Any, *wanted: str) -> set[str]:
    wanted_roles = set(wanted) or {Role.PROVINCIAL_MANAGER}
    return {g.province_id for g in _grants(user) if g.role in wanted_roles and g.province_id}


def is_national(user: Any) -> bool:
    return has_role(user, Role.NATIONAL_MANAGER)


def is_admin(user: Any) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def peer_group_provinces(user: Any) -> set[str]:
    """Provinces of the peer groups a peer educator or leader belongs to."""
    return {
        g.peer_group.support_model.province_id
        for g in _grants(user)
        if g.role in {Role.PEER_EDUCATOR, Role.GROUP_LEADER} and g.peer_group is not None
    }


def clear_cache(user: Any) -> None:
    for attr in ("_grants_cache", "_roles_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
