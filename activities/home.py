"""Home panels and menu entries of the activities app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import scope
from accounts.models import Role
from core.paging import first_rows
from core.registry import home_panel, nav_item, task_item

from . import queries

task_item(12, pgettext_lazy("task bar", "Log a call"), "activities:call_create", {Role.HOTLINE})
task_item(14, pgettext_lazy("task bar", "Shift"), "activities:hotline_shift", {Role.HOTLINE})
task_item(
    40,
    pgettext_lazy("task bar", "Meeting"),
    "activities:activity_create",
    {Role.PEER_EDUCATOR, Role.GROUP_LEADER},
    query="kind=meeting",
)

nav_item(
    40,
    _("Activities"),
    "activities:activity_list",
    {Role.PEER_EDUCATOR, Role.GROUP_LEADER, Role.COORDINATOR},
)
nav_item(
    45,
    _("Establishments"),
    "activities:establishment_list",
    {Role.PEER_EDUCATOR, Role.GROUP_LEADER, Role.COORDINATOR},
)
nav_item(20, _("Hotline"), "activities:hotline_shift", {Role.HOTLINE})


@home_panel(12, "activities/_home_hotline.html")
def hotline_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, Role.HOTLINE):
        return None
    follow_ups = queries.open_follow_ups(request.user)
    return {"follow_ups": follow_ups.order_by("started_at")[:5], "count": follow_ups.count()}


@home_panel(40, "activities/_home_activities.html")
def activities_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *queries.ACTIVITY_ROLES):
        return None
    return {"activities": first_rows(queries.activities_for(request.user), 5)}
