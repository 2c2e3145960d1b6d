"""The administrator's home panel and the Users menu entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item
from programs import queries as programme_queries

from . import queries, roles, scope

nav_item(90, _("Users"), "accounts:user_list", roles.ADMINISTRATORS)


@home_panel(15, "accounts/_home_admin.html")
def admin_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.is_admin(request.user):
        return None
    return queries.user_counts(request.user) | programme_queries.programme_counts(request.user)
