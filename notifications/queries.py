"""Reading notifications: a user only ever sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_for(user: Any) -> QuerySet[Notification]:
    return notifications_for(user).filter(read_at__isnull=True)


def get_notification(user: Any, pk: int) -> Notification:
    return get_object_or_404(notifications_for(user), pk=pk)
