"""Delivery channels for notifications, chosen by settings.CAUNOI["NOTIFICATION_CHANNELS"].

A channel is a callable taking the saved Notification. "inapp" is the notification row
itself (nothing more to do); "log" is an example of a pluggable channel and logs only
the kind and the id, never the title or text (they may name a place or a service).
Register a new channel (SMS, Zalo, e-mail…) with @channel("name") in any app's ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings

from .registry import registrar

if TYPE_CHECKING:
    from .models import Notification

logger = logging.getLogger("caunoi.notifications")

Channel = Callable[["Notification"], None]
CHANNELS: dict[str, Channel] = {}

channel = registrar(CHANNELS)


@channel("inapp")
def inapp(notification: Notification) -> None:
    """The row is already saved: the user sees it on their home page and list."""


@channel("log")
def log(notification: Notification) -> None:
    logger.info("notification kind=%s id=%s", notification.kind, notification.pk)


def configured() -> list[Channel]:
    configured_names: Any = settings.CAUNOI.get("NOTIFICATION_CHANNELS") or ["inapp"]
    names: list[str] = list(configured_names)
    found = []
    for name in names:
        func = CHANNELS.get(name)
        if func is None:
            logger.warning("unknown notification channel %s", name)
            continue
        found.append(func)
    return found
