"""What a user's grants reach. Every app's queries.py builds on these helpers;
nothing else decides scope. Results are cached on the user object per request.

`require_role` is the one role check of views: 404 (as for a record that does not exist)
unless the user holds a role of the given sets (accounts.roles); it returns the signed-in
`User`, typed, for the services' `actor`."""

from __future__ import annotations

from typing import TypeAlias, cast

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from .models import Grant, Role, User
from .roles import ORGANISATION_STAFF, PEERS, RoleSet

# Who a scope is asked about: the request's user, signed in or not.
UserOrAnonymous: TypeAlias = User | AnonymousUser


def _grants(user: UserOrAnonymous) -> list[Grant]:
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
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


def _role_set(user: UserOrAnonymous) -> frozenset[str]:
    """The roles of the user's grants, kept with the grants list they were read from (a
    page asks has_role a dozen times): a new grants list (clear_cache, or the list
    replaced) is read again."""
    grants = _grants(user)
    cached = getattr(user, "_role_set_cache", None)
    if cached is not None and cached[0] is grants:
        return cast(frozenset[str], cached[1])
    found = frozenset(g.role for g in grants)
    if grants:
        user._role_set_cache = (grants, found)  # type: ignore[union-attr]
    return found


def roles(user: UserOrAnonymous) -> set[str]:
    return set(_role_set(user))


def has_role(user: UserOrAnonymous, *wanted: str) -> bool:
    return not _role_set(user).isdisjoint(wanted)


def require_role(user: UserOrAnonymous, *sets: RoleSet) -> User:
    """The user, signed in and holding a role of `sets`; 404 for anyone else."""
    if isinstance(user, AnonymousUser) or _role_set(user).isdisjoint(frozenset[str]().union(*sets)):
        raise Http404
    return user


def peer_group_ids(user: UserOrAnonymous, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or PEERS
    return {g.peer_group_id for g in _grants(user) if g.role in wanted_roles and g.peer_group_id}


def organisation_ids(user: UserOrAnonymous, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or ORGANISATION_STAFF
    return {
        g.organisation_id for g in _grants(user) if g.role in wanted_roles and g.organisation_id
    }


def support_model_ids(user: UserOrAnonymous, *wanted: str) -> set[int]:
    wanted_roles = set(wanted) or {Role.COORDINATOR}
    return {
        g.support_model_id for g in _grants(user) if g.role in wanted_roles and g.support_model_id
    }


def province_codes(user: UserOrAnonymous, *wanted: str) -> set[str]:
    wanted_roles = set(wanted) or {Role.PROVINCIAL_MANAGER}
    return {g.province_id for g in _grants(user) if g.role in wanted_roles and g.province_id}


def support_model_provinces(user: UserOrAnonymous, *wanted: str) -> set[str]:
    """Provinces of the support models the user's grants name (default: as coordinator),
    from the grants' own rows (read with their support model): no query of its own."""
    wanted_roles = set(wanted) or {Role.COORDINATOR}
    return {
        g.support_model.province_id
        for g in _grants(user)
        if g.role in wanted_roles and g.support_model is not None
    }


def organisation_provinces(user: UserOrAnonymous, *wanted: str) -> set[str]:
    """Provinces of the organisations the user's grants name (default: organisation staff)
    that have one, from the grants' own rows: no query of its own."""
    wanted_roles = set(wanted) or ORGANISATION_STAFF
    return {
        g.organisation.province_id
        for g in _grants(user)
        if g.role in wanted_roles
        and g.organisation is not None
        and g.organisation.province_id is not None
    }


def is_national(user: UserOrAnonymous) -> bool:
    return has_role(user, Role.NATIONAL_MANAGER)


def is_admin(user: UserOrAnonymous) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def peer_group_provinces(user: UserOrAnonymous) -> set[str]:
    """Provinces of the peer groups a peer educator or leader belongs to."""
    return {
        g.peer_group.support_model.province_id
        for g in _grants(user)
        if g.role in PEERS and g.peer_group is not None
    }


def clear_cache(user: UserOrAnonymous) -> None:
    for attr in ("_grants_cache", "_roles_cache", "_role_set_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
