"""The safety alert task is safe to run twice (issue 10 item 6)."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from safety.tasks import alert_notify

from .test_alerts import _alert, _incident

pytestmark = pytest.mark.django_db


def test_the_alert_run_twice_notifies_each_person_once(world):
    alert = _alert(world, incident=_incident(world))
    Notification.objects.all().delete()
    first = alert_notify(alert.pk)
    assert first >= 2
    assert alert_notify(alert.pk) == 0
    notes = Notification.objects.filter(kind="safety.alert")
    assert notes.count() == first
    assert len({n.user_id for n in notes}) == first
