"""Approving, declining or withdrawing an alert sent twice (a double tap, the browser's
resend) by the same person is answered with the same success and records nothing twice;
someone else's step still gets a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from audit.models import AuditEntry
from safety.models import SafetyAlert

from .test_alerts import _alert

pytestmark = pytest.mark.django_db


def _levels(response: Any) -> list[int]:
    return [m.level for m in response.context["messages"]]


def _twice(http: Any, url: str, data: dict[str, str] | None = None) -> tuple[Any, Any]:
    return http.post(url, data or {}, follow=True), http.post(url, data or {}, follow=True)


def _audits(alert: SafetyAlert, action: str) -> int:
    return AuditEntry.objects.filter(action=action, object_id=str(alert.pk)).count()


def test_a_resent_approval_is_answered_with_the_same_success(world: Any, as_user: Any) -> None:
    alert = _alert(world, approver=False)
    first, again = _twice(
        as_user(world.leader), reverse("safety:alert_approve", args=[alert.public_id])
    )
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.PUBLISHED and alert.approved_by == world.leader
    assert _audits(alert, "alert.publish") == 1


def test_a_resent_decline_is_answered_with_the_same_success(world: Any, as_user: Any) -> None:
    alert = _alert(world, approver=False)
    url = reverse("safety:alert_decline", args=[alert.public_id])
    first, again = _twice(as_user(world.leader), url, {"note": "Viết lại cho rõ nơi."})
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    assert _audits(alert, "alert.decline") == 1
    # The other reviewer declining it too is not a resend: a clear message, no 500.
    other = as_user(world.coordinator).post(url, {"note": ""}, follow=True)
    assert other.status_code == 404 or _levels(other) == [constants.ERROR]


def test_a_resent_withdrawal_is_answered_with_the_same_success(world: Any, as_user: Any) -> None:
    alert = _alert(world)
    url = reverse("safety:alert_withdraw", args=[alert.public_id])
    first, again = _twice(as_user(world.peer), url)
    assert first.redirect_chain == again.redirect_chain
    assert _levels(first) == _levels(again) == [constants.SUCCESS]
    assert _audits(alert, "alert.withdraw") == 1


def test_approving_an_alert_another_reviewer_declined_is_refused(world: Any, as_user: Any) -> None:
    from safety import alerts

    alert = _alert(world, approver=False)
    alerts.alert_decline(actor=world.coordinator, alert=alert, note="")
    response = as_user(world.leader).post(reverse("safety:alert_approve", args=[alert.public_id]))
    assert response.status_code == 404  # no longer theirs to decide, as before
    assert SafetyAlert.objects.get(pk=alert.pk).status == SafetyAlert.Status.DECLINED
