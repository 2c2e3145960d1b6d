"""Home panels and menu entries of the activities app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles, scope
from core.registry import home_panel, nav_item, task_item

from . import queries

task_item(12, pgettext_lazy("task bar", "Log a call"), "activities:call_create", roles.HOTLINE)
task_item(14, pgettext_lazy("task bar", "Shift"), "activities:hotline_shift", roles.HOTLINE)
task_item(
    40,
    pgettext_lazy("task bar", "Meeting"),
    "activities:activity_create",
    roles.PEERS,
    query="kind=meeting",
)

nav_item(
    40,
    _("Activities"),
    "activities:activity_list",
    roles.CASEWORK,
)
nav_item(
    45,
    _("Establishments"),
    "activities:establishment_list",
    roles.CASEWORK,
)
nav_item(20, _("Hotline"), "activities:hotline_shift", roles.HOTLINE)


@home_panel(12, "activities/_home_hotline.html")
def hotline_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *roles.HOTLINE):
        return None
    follow_ups = queries.open_follow_ups(request.user)
    return {"follow_ups": follow_ups.order_by("started_at")[:5], "count": follow_ups.count()}


@home_panel(40, "activities/_home_activities.html")
def activities_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *roles.CASEWORK):
        return None
    return {"activities": list(queries.activities_for(request.user)[:5])}
