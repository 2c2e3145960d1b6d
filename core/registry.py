"""Where apps plug into shared pages without core knowing them.

- Home panels: each app registers functions that return a panel for the user's home
  page (or None when the user has nothing to see there).
- Navigation: each app registers menu entries with the roles that see them.
- Demo data: each app registers a loader, run in order by `manage.py demo_data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from core.demo import DemoContext

DemoLoad = Callable[["DemoContext"], None]


@dataclass(frozen=True)
class HomePanel:
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class NavItem:
    order: int
    label: Any
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    load: Callable[[DemoContext], None]


@dataclass(frozen=True)
class TaskItem:
    """One of the few main tasks of a field role, on the bar at the bottom of every page
    (peer educators, group leaders, hotline counsellors): reachable with one thumb."""

    order: int
    label: Any
    url_name: str
    roles: frozenset[str]
    query: str = ""


HOME_PANELS: list[HomePanel] = []
NAV_ITEMS: list[NavItem] = []
TASK_ITEMS: list[TaskItem] = []
# At most this many tasks on the bar: more would not fit 360 px at 44 px a target.
MAX_TASKS = 5
DEMO_LOADERS: list[DemoLoader] = []


def home_panel(order: int, template: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[[HttpRequest], dict[str, Any] | None]) -> Callable[..., Any]:
        if not any(p.template == template for p in HOME_PANELS):
            HOME_PANELS.append(HomePanel(order, template, func))
            HOME_PANELS.sort(key=lambda p: p.order)
        return func

    return decorator


def nav_item(order: int, label: Any, url_name: str, roles: set[str] | frozenset[str]) -> None:
    if not any(n.url_name == url_name for n in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(order, label, url_name, frozenset(roles)))
        NAV_ITEMS.sort(key=lambda n: n.order)


def task_item(
    order: int, label: Any, url_name: str, roles: set[str] | frozenset[str], query: str = ""
) -> None:
    if not any(t.url_name == url_name and t.query == query for t in TASK_ITEMS):
        TASK_ITEMS.append(TaskItem(order, label, url_name, frozenset(roles), query))
        TASK_ITEMS.sort(key=lambda t: t.order)


def demo_loader(order: int, name: str) -> Callable[[DemoLoad], DemoLoad]:
    def decorator(func: DemoLoad) -> DemoLoad:
        if not any(d.name == name for d in DEMO_LOADERS):
            DEMO_LOADERS.append(DemoLoader(order, name, func))
            DEMO_LOADERS.sort(key=lambda d: d.order)
        return func

    return decorator


# --- Erasure hooks --------------------------------------------------------------------
# Erasing a client must leave no identifying copy anywhere. Apps that keep free text or
# encrypted blobs about a client register a hook; clients.erasure.client_erase runs
# them all inside its transaction.

ERASURE_HOOKS: list[Callable[[Any], None]] = []


def erasure_hook(func: Callable[[Any], None]) -> Callable[[Any], None]:
    if func not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(func)
    return func


def run_erasure_hooks(client: Any) -> None:
    for hook in ERASURE_HOOKS:
        hook(client)
