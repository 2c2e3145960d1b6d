"""A status step sent twice (a double tap, the browser's resend) by the same user is
answered with the same success as the first send, and records nothing twice; a step
that conflicts with the referral's status still gets a clear message."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Notification
from referrals.models import Referral, ServiceDelivery

from .conftest import send

pytestmark = pytest.mark.django_db


def _levels(response: Any) -> list[int]:
    return [m.level for m in response.context["messages"]]


def _twice(c: Any, url: str, data: dict[str, Any] | None = None) -> tuple[Any, Any]:
    first = c.post(url, data or {}, follow=True)
    again = c.post(url, data or {}, follow=True)
    return first, again


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("accept", {}, "accepted"),
        ("decline", {"reason": "Hết chỉ tiêu"}, "declined"),
        ("no-show", {}, "no_show"),
        (
            "complete",
            {"delivered_on": date.today().isoformat(), "service_types": ["gyn_exam"]},
            "completed",
        ),
    ],
)
def test_a_resent_provider_step_is_answered_with_the_same_success(
    rworld: Any, as_user: Any, action: str, data: dict[str, Any], status: str
) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    url = reverse("referrals:inbox_action", args=[referral.public_id, action])
    first, again = _twice(c, url, data)
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    referral.refresh_from_db()
    assert referral.status == status
    assert [e.status for e in referral.events.all()] == ["sent", status]
    assert AuditEntry.objects.filter(object_id=str(referral.pk), action="update").count() == 1
    assert Notification.objects.filter(kind="referral.status").count() == 1
    assert ServiceDelivery.objects.count() == (1 if status == "completed" else 0)


def test_a_resent_complete_without_its_key_records_one_delivery(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    url = reverse("referrals:inbox_action", args=[referral.public_id, "complete"])
    data = {"delivered_on": date.today().isoformat(), "service_types": ["gyn_exam", "hiv_test"]}
    first, again = _twice(c, url, data)
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    assert ServiceDelivery.objects.count() == 2


def test_a_resent_cancel_is_answered_with_the_same_success(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.peer)
    first, again = _twice(c, reverse("referrals:cancel", args=[referral.public_id]))
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    assert [e.status for e in referral.events.all()] == ["sent", "cancelled"]


def test_a_conflicting_step_still_gets_a_clear_message(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    action = lambda a: reverse("referrals:inbox_action", args=[referral.public_id, a])  # noqa: E731
    assert _levels(c.post(action("no-show"), follow=True)) == [constants.SUCCESS]
    refused = c.post(action("accept"), follow=True)
    assert _levels(refused) == [constants.ERROR]
    text = [str(m) for m in refused.context["messages"]][0]
    assert "không thể" in text  # Vietnamese: "... and cannot be accepted"
    assert Referral.objects.get().status == "no_show"
    # The sender cancelling what the provider closed: refused too.
    cancelled = as_user(rworld.w.peer).post(
        reverse("referrals:cancel", args=[referral.public_id]), follow=True
    )
    assert _levels(cancelled) == [constants.ERROR]


def test_another_persons_step_is_not_taken_as_a_resend(rworld: Any, as_user: Any) -> None:
    """The peer cancelled; the leader's cancel of the same referral is not their own
    resend, and is told it is already cancelled."""
    referral = send(rworld)
    url = reverse("referrals:cancel", args=[referral.public_id])
    assert _levels(as_user(rworld.w.peer).post(url, follow=True)) == [constants.SUCCESS]
    other = as_user(rworld.w.leader).post(url, follow=True)
    assert _levels(other) == [constants.ERROR]


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="SQLite serialises every write: no race to test",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["accept", "no-show"])
def test_two_taps_at_the_same_moment_both_succeed_once(action: str) -> None:
    """Two sends of the same step at once: the second waits on the referral's row lock,
    then finds the step done by the same user: both answered with success, one event."""
    import threading

    from django.db import connection
    from django.test import Client as HttpClient

    from conftest import build_world, login
    from tests.factories import make_client, share_consent

    from .conftest import build_services

    w = build_world()
    s = build_services(w)
    client = make_client(w)
    share_consent(client, w.clinic, w.peer)
    referral = send(SimpleNamespace(w=w, s=s, client=client))
    url = reverse("referrals:inbox_action", args=[referral.public_id, action])
    https = [login(HttpClient(), w.provider) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=10)
    results: list[Any] = [None, None]

    def tap(i: int) -> None:
        try:
            barrier.wait()
            results[i] = https[i].post(url, follow=True)
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for response in results:
        assert not isinstance(response, Exception), response
        # Not response.context: template signals cross threads. The page itself.
        assert response.status_code == 200
        assert "không thể" not in response.content.decode()  # no refusal shown
    referral.refresh_from_db()
    assert referral.events.count() == 2  # sent, then the one step
