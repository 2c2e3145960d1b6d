"""Home panels and menu entries of the programmes app: each role sees its own part of
the programme (a coordinator their models and groups, a peer their group, provider
staff their organisation)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import scope
from accounts.models import Role
from core.registry import home_panel, nav_item

from . import queries
from .establishments import queries as establishment_queries
from .models import Organisation, PeerGroup, SupportModel

nav_item(5, _("Home"), "core:home", set())
nav_item(80, _("Programmes"), "programs:model_list", set(queries.MODEL_ROLES))
nav_item(81, _("Peer groups"), "programs:group_list", set(queries.GROUP_ROLES))
nav_item(82, _("Organisations"), "programs:org_list", set(queries.ORGANISATION_ROLES))
nav_item(
    45,
    _("Establishments"),
    "establishments:establishment_list",
    set(establishment_queries.ESTABLISHMENT_ROLES),
)


@home_panel(20, "programs/_home_group.html")
def my_group_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Peer educators and group leaders: their group, its model and its members."""
    ids = scope.peer_group_ids(request.user)
    if not ids:
        return None
    groups = queries.with_member_counts(
        PeerGroup.objects.filter(pk__in=ids).select_related("support_model__province")
    )
    led = scope.peer_group_ids(request.user, Role.GROUP_LEADER)
    return {"groups": groups, "led": led}


@home_panel(21, "programs/_home_organisation.html")
def my_organisation_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Provider staff and hotline counsellors: the organisation they work for."""
    ids = scope.organisation_ids(request.user)
    if not ids:
        return None
    return {"organisations": Organisation.objects.filter(pk__in=ids).select_related("commune")}


@home_panel(30, "programs/_home_programs.html")
def coordinator_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Coordinators: their support models and each model's groups with member counts."""
    ids = scope.support_model_ids(request.user)
    if not ids:
        return None
    models = list(SupportModel.objects.filter(pk__in=ids).select_related("province"))
    groups = queries.with_member_counts(
        PeerGroup.objects.filter(support_model_id__in=ids)
    ).order_by("name")
    by_model: dict[int, list[PeerGroup]] = {}
    for group in groups:
        by_model.setdefault(group.support_model_id, []).append(group)
    return {"models": [(m, by_model.get(m.pk, [])) for m in models]}
