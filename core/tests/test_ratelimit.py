"""Per-user limits counted in the database (core.ratelimit): they hold across worker
processes and servers, and under concurrent requests."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from conftest import make_user
from core import ratelimit
from core.models import RateCount


@pytest.mark.django_db
def test_it_counts_per_user_and_action_in_the_database() -> None:
    peer, other = make_user("rl_peer"), make_user("rl_other")
    assert [ratelimit.spend(peer, "x", limit=2) for _ in range(3)] == [True, True, False]
    assert ratelimit.spend(other, "x", limit=2)  # another user: their own count
    assert ratelimit.spend(peer, "y", limit=2)  # another action: its own count
    assert ratelimit.used(peer, "x") == 3
    assert RateCount.objects.get(user=peer, action="x").count == 3


@pytest.mark.django_db
def test_a_new_window_starts_again_and_old_windows_are_forgotten() -> None:
    peer = make_user("rl_peer")
    ratelimit.spend(peer, "x", limit=1)
    RateCount.objects.update(window_start=timezone.now() - timedelta(hours=1))
    assert ratelimit.spend(peer, "x", limit=1)  # this hour's window is new
    assert ratelimit.forget_old(timezone.now() + timedelta(days=3)) == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_from_several_workers_never_pass_the_limit() -> None:
    """Eight requests at the same moment, each on its own database connection (as eight
    worker processes): exactly `limit` of them are allowed."""
    from django.db import connections

    peer = make_user("rl_peer")
    barrier = threading.Barrier(8)
    answers: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            allowed = ratelimit.spend(peer, "x", limit=3)
            with lock:
                answers.append(allowed)
        finally:
            connections.close_all()

    threads: list[Any] = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [False] * 5 + [True] * 3
    assert RateCount.objects.get(user=peer).count == 8
