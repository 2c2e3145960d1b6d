"""What `/healthz` checks: the database and the task queue (django-q2, ORM broker).

The queue lives in the database, so a worker that has died leaves two traces there:
tasks waiting longer than they should, and the heartbeat schedule (`core-heartbeat`,
every minute, created by a migration) falling behind, since only a running `qcluster`
moves a schedule's `next_run` forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

HEARTBEAT_SCHEDULE = "core-heartbeat"
HEARTBEAT_FUNC = "core.tasks.heartbeat"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _stale_after() -> timedelta:
    stale = settings.CAUNOI["HEALTH_QUEUE_STALE_SECONDS"]
    return timedelta(seconds=int(stale))  # type: ignore[call-overload]


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # The exception class names the failure without echoing a DSN or a password.
        return Check("database", False, f"down ({type(exc).__name__})")
    return Check("database", True, "ok")


def check_queue() -> Check:
    from django_q.conf import Conf
    from django_q.models import OrmQ, Schedule

    if Conf.SYNC:
        return Check("queue", True, "ok (tasks run inline)")
    now = timezone.now()
    limit = now - _stale_after()
    try:
        waiting = OrmQ.objects.filter(key=Conf.CLUSTER_NAME, lock__lt=limit).count()
        beat = Schedule.objects.filter(name=HEARTBEAT_SCHEDULE).values_list("next_run", flat=True)
        next_run = next(iter(beat), None)
    except DatabaseError as exc:
        return Check("queue", False, f"down ({type(exc).__name__})")
    seconds = int(_stale_after().total_seconds())
    if waiting:
        return Check("queue", False, f"down ({waiting} tasks waiting more than {seconds} s)")
    if next_run is not None and next_run < limit:
        return Check("queue", False, f"down (no worker has run the heartbeat for {seconds} s)")
    return Check("queue", True, "ok")


def run_checks() -> list[Check]:
    database = check_database()
    if not database.ok:
        # The broker is a table in that database: nothing more can be learnt.
        return [database, Check("queue", False, "down (its broker is the database)")]
    return [database, check_queue()]
