"""Home panel: unread notifications; menu entry for everyone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.paging import first_and_count
from core.registry import home_panel, nav_item

from . import live, queries

nav_item(95, _("Notifications"), "notifications:list", set())


@home_panel(15, "notifications/_home_unread.html")
def unread_panel(request: HttpRequest) -> dict[str, Any] | None:
    first, count = first_and_count(queries.unread_for(request.user), 5)
    if not first:
        return None
    return {"items": live.render(first), "count": count}
