"""Home panels and menu entries of the client registry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles
from core.paging import first_and_count
from core.registry import home_panel, nav_item, task_item
from directory.taxonomy import CHILD_PROTECTION

from . import queries

MINORS_SHOWN = 50

task_item(
    10,
    pgettext_lazy("task bar", "Clients"),
    "clients:list",
    roles.PEERS,
)

nav_item(20, _("Clients"), "clients:list", roles.CASEWORK)


@home_panel(30, "clients/_home_requests.html")
def requests_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Open data-subject requests, shown to coordinators (and group leaders) until closed."""
    open_requests = list(queries.open_requests_for(request.user)[:50])
    if not open_requests:
        return None
    return {"requests": open_requests}


@home_panel(25, "clients/_home_minors.html")
def minors_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Clients under 18 still without a child-protection referral, for group leaders and
    coordinators (codes only)."""
    minors = queries.minors_awaiting_child_protection(request.user)
    # Codes, birth years, groups and registration dates: the columns the panel shows.
    shown, total = first_and_count(
        minors.select_related(None)
        .select_related("peer_group")
        .only("public_id", "short_code", "birth_year", "registered_on", "peer_group__name"),
        MINORS_SHOWN,
    )
    if not shown:
        return None
    return {"minors": shown, "total": total, "child_protection_type": CHILD_PROTECTION}
