"""Writing notifications."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import channels
from .models import Notification

logger = logging.getLogger("caunoi.notifications")


@transaction.atomic
def notify(
    *,
    user: Any,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    params: dict[str, Any] | None = None,
) -> Notification:
    """Notify one user in-app, then through every configured channel.

    Notifications never carry client codes (short code, UIC) or any other client-identifying
    data: they can leave the app through channels (SMS, Zalo, e-mail) and show on lock
    screens. Use a referral code or an opaque link instead."""
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        title=str(title)[:200],
        body=str(body),
        url=url[:300],
        message_key=key,
        message_params=params or {},
    )
    for send in channels.configured():
        try:
            send(notification)
        except Exception:  # a broken channel must not lose the in-app notification
            logger.exception("notification channel failed kind=%s id=%s", kind, notification.pk)
    return notification


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification | None = None) -> int:
    """Mark one (or, without `notification`, all) of the user's notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
