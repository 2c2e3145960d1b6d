"""Notification texts that follow the reader's language.

A notification is written once, but read later, maybe after the reader switched language.
So an app stores a message *key* and its language-neutral parameters (codes, numbers,
choice values), and registers here how to word it; the page words it again, in the
language of whoever reads it. The stored title and body stay as written (channels such as
SMS send them at once, and a key no longer registered still shows something)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .registry import registrar

# key → renderer(params) → (title, body), in the active language.
Renderer = Callable[[dict[str, Any]], tuple[str, str]]
MESSAGES: dict[str, Renderer] = {}

message = registrar(MESSAGES)


def render(key: str, params: dict[str, Any]) -> tuple[str, str] | None:
    renderer = MESSAGES.get(key)
    if renderer is None:
        return None
    try:
        return renderer(params)
    except (KeyError, ValueError, TypeError):  # an old row with other parameters
        return None
