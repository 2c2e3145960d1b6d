"""Notification text rendered live from the record it is about.

A notification written with `ref="<kind>:<id>"` stores only a generic title: each time
it is shown, the renderer registered for that kind gives its current title and text.
When the record is withdrawn or erased, the renderer says so and the text is gone from
every notification at once (nothing was copied). Register a renderer with
`@live_renderer("safety.alert")` in an app's ready(); it takes the ids of one page of
notifications and returns {id: (title, body)}, leaving out ids whose record is gone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .registry import registrar

if TYPE_CHECKING:
    from .models import Notification

Renderer = Callable[[list[int]], dict[int, tuple[str, str]]]
RENDERERS: dict[str, Renderer] = {}

live_renderer = registrar(RENDERERS)


def ref_for(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def _parse(ref: str) -> tuple[str, int] | None:
    kind, _sep, raw = ref.rpartition(":")
    if not kind or not raw.isdigit():
        return None
    return kind, int(raw)


def render(items: Iterable[Notification]) -> list[Notification]:
    """Set `live_title` and `live_body` on each notification: its stored text (in the
    reader's language when it has a message key, notifications.messages), or for one
    with a `ref`, what its renderer says now (one query per kind, not per row)."""
    items = list(items)
    wanted: dict[str, list[int]] = {}
    for n in items:
        parsed = _parse(n.ref) if n.ref else None
        if parsed:
            wanted.setdefault(parsed[0], []).append(parsed[1])
    found: dict[str, dict[int, tuple[str, str]]] = {
        kind: RENDERERS[kind](ids) if kind in RENDERERS else {} for kind, ids in wanted.items()
    }
    for n in items:
        parsed = _parse(n.ref) if n.ref else None
        if parsed is None:
            # Its stored text, worded again in the reader's language where it has a key.
            n.live_title, n.live_body = n.shown_title, n.shown_body
            continue
        live = found.get(parsed[0], {}).get(parsed[1])
        if live is None:
            n.live_title, n.live_body = _("This item is no longer available."), ""
        else:
            n.live_title, n.live_body = live
    return items
