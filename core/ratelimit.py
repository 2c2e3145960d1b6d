"""Per-user limits that hold across processes and servers: each use is counted in the
database (core.RateCount), in the caller's transaction.

A window is a fixed period (an hour, by default) starting on its boundary. `spend` adds one
use and says whether the limit was passed; the counter row is created once (its unique
constraint settles a race) and then increased by an UPDATE, which locks the row until the
transaction ends: two workers counting at the same moment are counted one after the other,
never both under the limit.

The count is part of the caller's transaction: a use whose transaction rolls back is not
counted. Callers that refuse by raising (and so roll back) count the refusal in a
transaction of its own first (clients.duplicates.duplicate_check_recount,
safety.alerts.alert_text_screen)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCount

if TYPE_CHECKING:
    from accounts.models import User  # settings.AUTH_USER_MODEL

# Counters of windows older than this are deleted by `forget_old` (a daily task).
KEEP = timedelta(days=2)


def window_start(seconds: int, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def used(user: User, action: str, *, window: int = 3600) -> int:
    """Uses counted so far in the current window."""
    row = RateCount.objects.filter(
        user=user, action=action, window_start=window_start(window)
    ).first()
    return row.count if row else 0


def spend(user: User, action: str, *, limit: int, window: int = 3600) -> bool:
    """Count one use; True while the uses of this window (this one included) are within
    `limit`."""
    start = window_start(window)
    with transaction.atomic():
        updated = RateCount.objects.filter(user=user, action=action, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCount.objects.create(user=user, action=action, window_start=start, count=1)
            except IntegrityError:  # another worker created it first: count on its row
                RateCount.objects.filter(user=user, action=action, window_start=start).update(
                    count=F("count") + 1
                )
        count = (
            RateCount.objects.filter(user=user, action=action, window_start=start)
            .values_list("count", flat=True)
            .get()
        )
    return count <= limit


def forget_old(now: datetime | None = None) -> int:
    """Delete counters of windows long past (they limit nothing any more)."""
    deleted, _ = RateCount.objects.filter(window_start__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
