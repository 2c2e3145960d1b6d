from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts import scope
from core.registry import MAX_TASKS, NAV_ITEMS, TASK_ITEMS


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
    return {"nav_items": items, "user_roles": user_roles, "task_items": _tasks(user_roles)}


def _tasks(user_roles: set[str]) -> list[dict[str, Any]]:
    """The bottom bar of a field role: its main tasks (see core.registry.task_item)."""
    tasks: list[dict[str, Any]] = []
    for task in TASK_ITEMS:
        if not task.roles & user_roles:
            continue
        try:
            url = reverse(task.url_name)
        except NoReverseMatch:
            continue
        tasks.append({"label": task.label, "url": url + (f"?{task.query}" if task.query else "")})
    # A home-only bar is no bar: only users with tasks of their own get one.
    return tasks[:MAX_TASKS] if len(tasks) > 1 else []
