"""The peer educator's home panel and outreach menu entries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles, scope
from core.offline import offline_page
from core.paging import first_and_count, first_rows
from core.registry import home_panel, nav_item, task_item

from . import queries

task_item(20, pgettext_lazy("task bar", "Outreach"), "outreach:contact_new", roles.PEERS)

nav_item(
    25,
    _("Outreach"),
    "outreach:contact_list",
    roles.CASEWORK,
)
nav_item(26, _("Stock"), "outreach:stock", roles.CASEWORK)

# Today's contacts listed on the peer's home (the newest first).
TODAY_SHOWN = 30

# The head-count form works without a connection (saved on the phone, sent later).
offline_page("outreach:contact_new")


@home_panel(15, "outreach/_home_peer.html")
def peer_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not scope.has_role(user, *roles.PEERS):
        return None
    days = int(str(settings.CAUNOI.get("NOT_CONTACTED_DAYS", 30)))
    # The panel shows each client's code and last contact, and of today's contacts the
    # client's code, the place and what was handed out: only those columns are read.
    not_contacted, not_contacted_count = first_and_count(
        queries.not_contacted(user, days).only("public_id", "short_code"), 15
    )
    todays = queries.todays_contacts(user)
    today = queries.with_handed_out(
        first_rows(
            todays.select_related(None)
            .select_related("client")
            .only("head_count", "place_type", "client__public_id", "client__short_code"),
            TODAY_SHOWN,
        )
    )
    # The people reached are those of every contact of the day, not of the ones shown.
    people = sum(c.head_count for c in today)
    if len(today) == TODAY_SHOWN:
        people = todays.order_by().aggregate(n=Sum("head_count"))["n"] or 0
    return {
        "days": days,
        "client_count": queries.group_clients(user).count(),
        "not_contacted_count": not_contacted_count,
        "not_contacted": not_contacted,
        "today": today,
        "today_people": people,
    }
