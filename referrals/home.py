"""Home panels and menu entries for referrals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import roles, scope
from core.paging import first_and_count, first_rows
from core.registry import home_panel, nav_item

from . import queries
from .models import Referral

nav_item(
    40,
    _("Referrals"),
    "referrals:list",
    roles.CASEWORK_AND_HOTLINE,
)
nav_item(41, _("Referral inbox"), "referrals:inbox", roles.PROVIDERS)


@home_panel(20, "referrals/_home_sent.html")
def sent_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Status changes of the referrals the user follows: open emergencies first (they come
    first in every list), then the newest change."""
    if not scope.has_role(request.user, *roles.CASEWORK_AND_HOTLINE):
        return None
    # Read with the columns the panel shows (referrals/_home_sent.html, badges).
    recent = first_rows(
        queries.latest_changes(request.user)
        .select_related(None)
        .select_related("client", "provider")
        .only(
            "public_id",
            "urgency",
            "status",
            "service_type",
            "updated_at",
            "client__short_code",
            "provider__name",
        ),
        6,
    )
    if not recent:
        return None
    return {
        "recent": recent,
        "open_count": queries.sent_referrals_for(request.user)
        .filter(status__in=Referral.OPEN_STATUSES)
        .count(),
        "follow_up": scope.has_role(request.user, *roles.CASEWORK),
    }


@home_panel(12, "referrals/_home_inbox.html")
def inbox_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not queries.provider_org_ids(request.user):
        return None
    open_qs = queries.inbox_for(request.user).filter(status__in=Referral.OPEN_STATUSES)
    recent, open_count = first_and_count(open_qs, 5)
    return {"recent": recent, "open_count": open_count}
