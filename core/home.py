"""Core's own home panel (managers: where the reports are) and the area look-up menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import scope
from accounts.models import Role

from .registry import home_panel, nav_item, task_item

# The roles that work in the field, on a phone: they get the bar of main tasks.
FIELD_ROLES: set[str] = {Role.PEER_EDUCATOR, Role.GROUP_LEADER, Role.HOTLINE}
task_item(0, pgettext_lazy("task bar", "Home"), "core:home", FIELD_ROLES)

LOOKUP_ROLES: set[str] = {
    Role.COORDINATOR,
    Role.PROVINCIAL_MANAGER,
    Role.NATIONAL_MANAGER,
    Role.ADMINISTRATOR,
}
nav_item(95, _("Old commune codes"), "core:legacy_commune", LOOKUP_ROLES)


def reports_url() -> str:
    """The reports app may not have its index yet: fall back to its path."""
    try:
        return reverse("reports:index")
    except NoReverseMatch:
        return "/reports/"


@home_panel(40, "core/_home_manager.html")
def manager_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.has_role(request.user, Role.PROVINCIAL_MANAGER, Role.NATIONAL_MANAGER):
        return None
    provinces = [g.province for g in scope._grants(request.user) if g.province_id is not None]
    return {
        "reports_url": reports_url(),
        "national": scope.is_national(request.user),
        "provinces": provinces,
    }
