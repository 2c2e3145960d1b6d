"""Home panels and menu entries of the activities app."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles, scope
from accounts.models import User
from core.paging import first_rows
from core.registry import home_panel, nav_item, task_item

from . import queries

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


@home_panel(40, "activities/_home_activities.html")
def activities_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *roles.CASEWORK):
        return None
    # The panel shows each activity's name, date and number of participants: those only
    # (no joins to its place, organiser or group, no participant rows).
    recent = (
        queries.activities_for(cast(User, request.user))
        .select_related(None)
        .prefetch_related(None)
        .only("public_id", "title", "kind", "held_on")
        .annotate(participant_total=queries.participant_total())
    )
    return {"activities": first_rows(recent, 5)}
