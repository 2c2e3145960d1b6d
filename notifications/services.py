"""Writing notifications."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
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
    ref: str = "",
) -> Notification:
    """Notify one user in-app, then through every configured channel.

    With `ref` (notifications.live.ref_for), the text is not stored: `title` is a generic
    line and the notification shows the referenced record's text live, so withdrawing or
    erasing that record removes it from every notification.

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
        ref=ref,
    )
    _deliver(notification)
    return notification


@transaction.atomic
def notify_once(
    *,
    once_key: str,
    user: Any,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    ref: str = "",
    key: str = "",
    params: dict[str, Any] | None = None,
) -> Notification | None:
    """`notify`, at most once per `once_key` (for background tasks, which may run twice).
    None when a notification under this key was already recorded: the unique key decides,
    so two workers running the same task at once send one (the second waits on the key
    until the first commits). Channels are called inside the transaction, after the row:
    a worker killed between the two sends again through a channel on its retry, never
    twice in-app."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                ref=ref,
                message_key=key,
                message_params=params or {},
                once_key=once_key[:120],
            )
    except IntegrityError:
        return None
    _deliver(notification)
    return notification


def _deliver(notification: Notification) -> None:
    kind = notification.kind
    for send in channels.configured():
        try:
            send(notification)
        except Exception:  # a broken channel must not lose the in-app notification
            logger.exception("notification channel failed kind=%s id=%s", kind, notification.pk)


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification | None = None) -> int:
    """Mark one (or, without `notification`, all) of the user's notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
