"""Background work of the core app, run by django-q2 (synchronous in tests).

`idempotency_keys_purge` is scheduled daily (migrations/0002_h3_purge_schedule.py);
`heartbeat` every minute (migrations/0003_h6_heartbeat_schedule.py);
`rotate_master_key_if_due` daily (migrations/0004_h2_key_check.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import IdempotencyKey

logger = logging.getLogger("caunoi.core")


def idempotency_keys_purge() -> int:
    """Forget one-time keys older than CAUNOI["ONCE_KEY_DAYS"] (30 by default): nobody
    resends a form a month later, and a phone's outbox is sent within days. A contact
    keeps its phone's key as `device_uuid`, which the API still answers from. Safe to run
    twice (it only deletes). Rate counters of windows long past go too (core.ratelimit)."""
    from .ratelimit import forget_old

    forget_old()
    configured: Any = settings.CAUNOI.get("ONCE_KEY_DAYS")
    days = int(configured or 30)
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    logger.info("one-time keys purged=%s", deleted)
    return deleted


def heartbeat() -> None:
    """Run every minute by the `core-heartbeat` schedule; running it is the signal.

    It writes nothing: running it twice is harmless. `/healthz` reads the schedule's
    `next_run`, which only a live `qcluster` moves forward (core/health.py)."""


def rotate_master_key_if_due() -> dict[str, Any]:
    """Daily: after any erasure since the last rotation, rotate the master key so that
    every copy of an erased data key becomes unreadable (docs/erasure.md). Safe to run
    twice: a second run finds nothing pending (and rotations never overlap: file lock)."""
    from .keys import erasure_pending, rotate_master_key

    if not erasure_pending():
        return {"rotated": False}
    report = rotate_master_key()
    return {"rotated": True, "version": report.new_version, "destroyed": report.destroyed}
