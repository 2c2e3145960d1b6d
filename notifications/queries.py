"""Reading notifications: a user only ever sees their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def notifications_for(user: User | AnonymousUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_for(user: User | AnonymousUser) -> QuerySet[Notification]:
    return notifications_for(user).filter(read_at__isnull=True)


def get_notification(user: User | AnonymousUser, pk: int) -> Notification:
    return get_object_or_404(notifications_for(user), pk=pk)
