"""Reminders, expiry and provider alerts, run through django-q (sync in tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from clients.models import Consent
from notifications.models import Notification
from referrals.models import Referral

from .conftest import send

pytestmark = pytest.mark.django_db


def _age(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timedelta(days=days, minutes=5)
    )


def _run_schedule() -> None:
    """Let django-q's own scheduler pick up the hourly schedule (as qcluster would)."""
    from django_q.scheduler import scheduler

    Schedule.objects.filter(name="referrals-housekeeping").update(
        next_run=timezone.now() - timedelta(minutes=1)
    )
    scheduler()


def test_it_creates_the_hourly_schedule_once() -> None:
    schedules = Schedule.objects.filter(name="referrals-housekeeping")
    assert schedules.count() == 1
    assert schedules.get().func == "referrals.tasks.referrals_housekeeping"
    assert schedules.get().schedule_type == Schedule.HOURLY


def test_it_reminds_the_sender_after_three_days_through_the_schedule(rworld: Any) -> None:
    fresh = send(rworld)
    old = send(rworld)
    _age(fresh, 1)
    _age(old, 4)
    _run_schedule()
    reminders = Notification.objects.filter(kind="referral.reminder")
    assert reminders.count() == 1
    assert old.code in reminders.get().title and reminders.get().user == rworld.w.peer
    assert rworld.client.uic not in reminders.get().title
    assert Task.objects.filter(func="referrals.tasks.referrals_housekeeping", success=True).exists()
    # Only once.
    async_task("referrals.tasks.referrals_housekeeping")
    assert Notification.objects.filter(kind="referral.reminder").count() == 1


def test_it_respects_the_configured_reminder_delay(rworld: Any, settings: Any) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "REFERRAL_REMIND_DAYS": 7}
    referral = send(rworld)
    _age(referral, 4)
    async_task("referrals.tasks.referrals_housekeeping")
    assert not Notification.objects.filter(kind="referral.reminder").exists()


def test_it_stops_reminders_when_follow_up_consent_is_withdrawn(rworld: Any) -> None:
    Consent.objects.create(
        client=rworld.client,
        purpose=Consent.Purpose.FOLLOW_UP,
        method=Consent.Method.VERBAL,
        taken_by=rworld.w.peer,
        taken_at=timezone.now() - timedelta(days=100),
        withdrawn_at=timezone.now(),
    )
    referral = send(rworld)
    _age(referral, 5)
    async_task("referrals.tasks.referrals_housekeeping")
    assert not Notification.objects.filter(kind="referral.reminder").exists()


def test_it_expires_open_referrals_after_the_configured_time(rworld: Any, settings: Any) -> None:
    old_sent = send(rworld)
    old_accepted = send(rworld)
    Referral.objects.filter(pk=old_accepted.pk).update(status="accepted")
    recent = send(rworld)
    done = send(rworld)
    Referral.objects.filter(pk=done.pk).update(status="completed")
    for r in (old_sent, old_accepted, done):
        _age(r, 31)
    _age(recent, 10)
    _run_schedule()
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses[old_sent.pk] == "expired"
    assert statuses[old_accepted.pk] == "expired"
    assert statuses[recent.pk] == "sent"
    assert statuses[done.pk] == "completed"
    last_event = Referral.objects.get(pk=old_sent.pk).events.last()
    assert last_event and last_event.status == "expired"
    settings.CAUNOI = {**settings.CAUNOI, "REFERRAL_EXPIRE_DAYS": 5}
    async_task("referrals.tasks.referrals_housekeeping")
    assert Referral.objects.get(pk=recent.pk).status == "expired"


def test_it_alerts_the_provider_at_once_for_urgent_referrals(
    rworld: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send(rworld)
    assert not Notification.objects.filter(kind="referral.new_urgent").exists()
    with django_capture_on_commit_callbacks(execute=True):
        emergency = send(rworld, urgency="emergency")
    alert = Notification.objects.get(kind="referral.new_urgent")
    assert alert.user == rworld.w.provider and emergency.code in alert.title
    assert not Notification.objects.filter(user=rworld.w.provider_other).exists()
    assert Task.objects.filter(func="referrals.tasks.alert_provider", success=True).exists()
