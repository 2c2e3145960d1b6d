"""Every background task is safe to run twice (issue 10 item 6): a worker killed after
doing the work but before acknowledging it runs the task again; what was sent is
recorded under a unique key and not sent again, also when two workers run it at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import Role
from notifications import channels
from notifications.models import Notification
from referrals import tasks
from referrals.models import Referral

from .conftest import send


@pytest.fixture
def channel_calls(settings: Any) -> Iterator[list[int]]:
    """Count what leaves through a channel (SMS, Zalo, e-mail would go this way)."""
    calls: list[int] = []

    @channels.channel("test-counter")
    def counter(notification: Any) -> None:
        calls.append(notification.pk)

    settings.CAUNOI = {**settings.CAUNOI, "NOTIFICATION_CHANNELS": ["inapp", "test-counter"]}
    yield calls
    channels.CHANNELS.pop("test-counter", None)


@pytest.mark.django_db
def test_the_urgent_referral_alert_run_twice_alerts_once(
    rworld: Any, channel_calls: list[int]
) -> None:
    from conftest import make_user

    second = make_user("provider_2", Role.PROVIDER, organisation=rworld.w.clinic)
    referral = send(rworld, urgency="emergency")
    Notification.objects.all().delete()
    assert tasks.alert_provider(referral.pk) == 2
    assert tasks.alert_provider(referral.pk) == 0  # the retry after a killed worker
    async_task("referrals.tasks.alert_provider", referral.pk)  # and through the queue
    alerts = Notification.objects.filter(kind="referral.new_urgent")
    assert sorted(a.user_id for a in alerts) == sorted([rworld.w.provider.pk, second.pk])
    assert len(channel_calls) == 2


@pytest.mark.django_db
def test_a_retry_after_a_kill_midway_sends_only_what_is_left(rworld: Any) -> None:
    from conftest import make_user

    second = make_user("provider_2", Role.PROVIDER, organisation=rworld.w.clinic)
    referral = send(rworld, urgency="emergency")
    Notification.objects.all().delete()
    tasks.alert_provider(referral.pk)
    Notification.objects.filter(user=second).delete()  # as if killed before this one
    assert tasks.alert_provider(referral.pk) == 1
    assert Notification.objects.filter(kind="referral.new_urgent").count() == 2


@pytest.mark.django_db
def test_the_reminder_run_twice_reminds_once(rworld: Any) -> None:
    referral = send(rworld)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timedelta(days=4, minutes=5)
    )
    assert tasks.referrals_housekeeping()["reminded"] == 1
    # A second run, even one that did not see the first run's mark on the referral.
    Referral.objects.filter(pk=referral.pk).update(reminded_at=None)
    assert tasks.referrals_housekeeping()["reminded"] == 1  # it looked again …
    assert Notification.objects.filter(kind="referral.reminder").count() == 1  # … sent once


@pytest.mark.django_db
def test_the_expiry_run_twice_expires_and_tells_once(rworld: Any) -> None:
    referral = send(rworld)
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=60))
    Notification.objects.all().delete()
    first = tasks.referrals_housekeeping()
    again = tasks.referrals_housekeeping()
    assert (first["expired"], again["expired"]) == (1, 0)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.EXPIRED
    assert referral.events.filter(status="expired").count() == 1
    assert Notification.objects.filter(user=rworld.w.peer).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_alert_at_once_send_one(channel_calls: list[int]) -> None:
    from conftest import build_world
    from tests.factories import make_client, share_consent

    from .conftest import build_services

    world = build_world()

    s = build_services(world)
    client = make_client(world)
    share_consent(client, world.clinic, world.peer)
    rw = SimpleNamespace(w=world, s=s, client=client)
    referral = send(rw, urgency="emergency")  # committed: its own alert ran already
    Notification.objects.all().delete()
    channel_calls.clear()
    barrier = threading.Barrier(2, timeout=10)
    results: list[Any] = [None, None]

    def work(i: int) -> None:
        try:
            barrier.wait()
            results[i] = tasks.alert_provider(referral.pk)
        except Exception as exc:  # reported below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [0, 1], results
    assert Notification.objects.filter(kind="referral.new_urgent").count() == 1
    assert len(channel_calls) == 1
