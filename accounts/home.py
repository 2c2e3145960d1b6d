"""The administrator's home panel and the Users menu entry."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.registry import home_panel, nav_item
from programs.models import Organisation, PeerGroup, SupportModel

from . import scope
from .models import Role, User

nav_item(90, _("Users"), "accounts:user_list", {Role.ADMINISTRATOR})


@home_panel(15, "accounts/_home_admin.html")
def admin_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope.is_admin(request.user):
        return None
    users = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    without_role = (
        User.objects.filter(is_active=True).exclude(grants__active=True).distinct().count()
    )
    return {
        "active_users": users["active"],
        "inactive_users": users["inactive"],
        "without_role": without_role,
        "organisations": Organisation.objects.filter(active=True).count(),
        "models": SupportModel.objects.count(),
        "groups": PeerGroup.objects.filter(active=True).count(),
    }
