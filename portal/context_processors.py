"""The menu and the task bar of every page, from what the apps registered in core.registry.

An entry names a page by its URL name; one that does not resolve is a defect and fails
every page (and portal/tests/test_menu.py), rather than vanishing from the menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from accounts import scope
from core.registry import MAX_TASKS, NAV_ITEMS, TASK_ITEMS

# The menu's addresses, reversed once per URL configuration and script prefix (every page
# reversed each entry again).
_REVERSED: dict[tuple[str, str, Any, str], str] = {}


def _url(url_name: str) -> str:
    key = (url_name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    url = _REVERSED.get(key)
    if url is None:
        url = _REVERSED[key] = reverse(url_name)
    return url


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    user_roles = scope.roles(user)
    items = [
        {"label": item.label, "url": _url(item.url_name)}
        for item in NAV_ITEMS
        if not item.roles or item.roles & user_roles
    ]
    return {"nav_items": items, "user_roles": user_roles, "task_items": _tasks(user_roles)}


def _tasks(user_roles: set[str]) -> list[dict[str, Any]]:
    """The bottom bar of a field role: its main tasks (see core.registry.task_item)."""
    tasks = [
        {
            "label": task.label,
            "url": _url(task.url_name) + (f"?{task.query}" if task.query else ""),
        }
        for task in TASK_ITEMS
        if task.roles & user_roles
    ]
    # A home-only bar is no bar: only users with tasks of their own get one.
    return tasks[:MAX_TASKS] if len(tasks) > 1 else []
