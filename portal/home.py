"""The portal's own home panel (managers: where the reports are) and its menu entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import queries as account_queries
from accounts import roles, scope
from core.registry import home_panel, nav_item, task_item

task_item(0, pgettext_lazy("task bar", "Home"), "portal:home", roles.FIELD)
nav_item(5, _("Home"), "portal:home", set())


@home_panel(40, "portal/_home_manager.html")
def manager_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, *roles.MANAGERS):
        return None
    return {
        "national": scope.is_national(request.user),
        "provinces": account_queries.granted_provinces(request.user),
    }
