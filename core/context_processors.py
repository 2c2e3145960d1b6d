from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts import scope

from .registry import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    user_roles = scope.roles(user)
    items = []
    for item in NAV_ITEMS:
        if item.roles and not item.roles & user_roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # An app may register its menu entry before its page exists: skip it
            # rather than break every page.
            continue
        items.append({"label": item.label, "url": url})
    return {"nav_items": items, "user_roles": user_roles}
