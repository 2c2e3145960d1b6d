"""Home panels and menu entries of the programmes app: each role sees its own part of
the programme (a coordinator their models and groups, a peer their group, provider
staff their organisation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import roles, scope
from accounts.models import Role
from core.registry import home_panel, nav_item

from . import queries

nav_item(80, _("Programmes"), "programs:model_list", roles.PROGRAMME_ADMINS)
nav_item(81, _("Peer groups"), "programs:group_list", roles.GROUP_ADMINS)
nav_item(82, _("Organisations"), "programs:org_list", roles.PROGRAMME_ADMINS)
nav_item(45, _("Establishments"), "establishments:establishment_list", roles.CASEWORK)


@home_panel(20, "programs/_home_group.html")
def my_group_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Peer educators and group leaders: their group, its model and its members."""
    if not scope.peer_group_ids(request.user):
        return None
    led = scope.peer_group_ids(request.user, Role.GROUP_LEADER)
    return {"groups": queries.own_peer_groups(request.user), "led": led}


@home_panel(21, "programs/_home_organisation.html")
def my_organisation_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Provider staff and hotline counsellors: the organisation they work for."""
    if not scope.organisation_ids(request.user):
        return None
    return {"organisations": queries.own_organisations(request.user)}


@home_panel(30, "programs/_home_programs.html")
def coordinator_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Coordinators: their support models and each model's groups with member counts."""
    if not scope.support_model_ids(request.user):
        return None
    return {"models": queries.coordinated_models(request.user)}
