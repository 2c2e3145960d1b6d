from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts import scope

from .registry import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    user_roles = scope.roles(user)
    items = [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in NAV_ITEMS
        if not item.roles or item.roles & user_roles
    ]
    return {"nav_items": items, "user_roles": user_roles}
