"""Home panels and menu entries of the programmes app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.registry import home_panel, nav_item

from . import queries

nav_item(5, _("Home"), "core:home", set())
nav_item(80, _("Programmes"), "programs:model_list", {Role.COORDINATOR, Role.ADMINISTRATOR})


@home_panel(90, "programs/_home_programs.html")
def programmes_panel(request: HttpRequest) -> dict[str, Any] | None:
    models = queries.support_models_for(request.user)
    groups = queries.peer_groups_for(request.user)
    if not models.exists() and not groups.exists():
        return None
    return {"models": models[:10], "groups": groups[:10]}
