"""Home panels and menu entries of the safety app. Active alerts come first (order 5)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles
from accounts.models import User
from core.registry import home_panel, nav_item, task_item

from . import queries

task_item(
    30,
    pgettext_lazy("task bar", "Report violence"),
    "safety:incident_create",
    roles.FIELD,
)

nav_item(
    30,
    _("Safety"),
    "safety:alert_list",
    roles.ALERT_READERS,
)
nav_item(
    32,
    _("Incidents"),
    "safety:incident_list",
    roles.CASEWORK_AND_HOTLINE,
)


@home_panel(5, "safety/_home_alerts.html")
def alerts_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = cast(User, request.user)
    alerts = list(queries.active_alerts_for(user)[:5])
    to_review = list(queries.pending_for_review(user)[:5])
    if not alerts and not to_review:
        return None
    return {"alerts": alerts, "to_review": to_review}
