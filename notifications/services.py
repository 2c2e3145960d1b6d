"""Writing notifications."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import channels
from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("caunoi.notifications")


class Message(TypedDict, total=False):
    """What a notification says: `kind` and `title` always, the rest when needed."""

    kind: Required[str]
    title: Required[str]
    body: str
    url: str
    key: str
    params: dict[str, Any] | None  # JSON-safe values for the message_key's text
    ref: str


@transaction.atomic
def notify(*, user: User, **message: Unpack[Message]) -> Notification:
    """Notify one user in-app, then through every configured channel.

    With `ref` (notifications.live.ref_for), the text is not stored: `title` is a generic
    line and the notification shows the referenced record's text live, so withdrawing or
    erasing that record removes it from every notification.

    Notifications never carry client codes (short code, UIC) or any other client-identifying
    data: they can leave the app through channels (SMS, Zalo, e-mail) and show on lock
    screens. Use a referral code or an opaque link instead."""
    notification = _record(user, message)
    _deliver(notification)
    return notification


@transaction.atomic
def notify_once(*, once_key: str, user: User, **message: Unpack[Message]) -> Notification | None:
    """`notify`, at most once per `once_key` (for background tasks, which may run twice).
    None when a notification under this key was already recorded: the unique key decides,
    so two workers running the same task at once send one (the second waits on the key
    until the first commits). Channels are called inside the transaction, after the row:
    a worker killed between the two sends again through a channel on its retry, never
    twice in-app."""
    try:
        with transaction.atomic():
            notification = _record(user, message, once_key=once_key[:120])
    except IntegrityError:
        return None
    _deliver(notification)
    return notification


def _record(user: User, message: Message, once_key: str | None = None) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=message["kind"],
        title=str(message["title"])[:200],
        body=str(message.get("body", "")),
        url=message.get("url", "")[:300],
        message_key=message.get("key", ""),
        message_params=message.get("params") or {},
        ref=message.get("ref", ""),
        once_key=once_key,
    )


def _deliver(notification: Notification) -> None:
    kind = notification.kind
    for send in channels.configured():
        try:
            send(notification)
        except Exception:  # a broken channel must not lose the in-app notification
            logger.exception("notification channel failed kind=%s id=%s", kind, notification.pk)


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one (or, without `notification`, all) of the user's notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
