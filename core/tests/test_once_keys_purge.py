"""Old one-time keys are forgotten by a daily task (safe to run twice)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def test_it_schedules_the_purge_daily_once() -> None:
    schedule = Schedule.objects.get(name="core-once-keys-purge")
    assert (schedule.func, schedule.schedule_type) == ("core.tasks.idempotency_keys_purge", "D")


def test_it_forgets_keys_older_than_the_setting(world: Any, settings: Any) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "ONCE_KEY_DAYS": 10}
    old = IdempotencyKey.objects.create(user=world.peer, key=uuid4())
    young = IdempotencyKey.objects.create(user=world.peer, key=uuid4())
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(11))
    IdempotencyKey.objects.filter(pk=young.pk).update(created_at=timezone.now() - timedelta(9))
    async_task("core.tasks.idempotency_keys_purge")
    async_task("core.tasks.idempotency_keys_purge")  # twice: the same result
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [young.pk]
