"""Home panel, task bar and menu entries of the hotline."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles, scope
from accounts.models import User
from core.registry import home_panel, nav_item, task_item

from . import queries

task_item(12, pgettext_lazy("task bar", "Log a call"), "hotline:call_create", roles.HOTLINE)
task_item(14, pgettext_lazy("task bar", "Shift"), "hotline:hotline_shift", roles.HOTLINE)
nav_item(20, _("Hotline"), "hotline:hotline_shift", roles.HOTLINE)


@home_panel(12, "hotline/_home_hotline.html")
def hotline_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *roles.HOTLINE):
        return None
    follow_ups = queries.open_follow_ups(cast(User, request.user))
    return {"follow_ups": follow_ups.order_by("started_at")[:5], "count": follow_ups.count()}
