"""Opening an activity whose attendance list names clients writes one "view" entry to the
audit log; head counts alone write nothing."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_it_records_a_view_of_an_activity_whose_attendance_names_clients(world, as_user, client_a):

    from .test_activities import _activity

    with_clients, without = _activity(world, clients=[client_a]), _activity(world)
    http = as_user(world.peer)
    since = _last_id()
    assert (
        http.get(reverse("activities:activity_detail", args=[with_clients.public_id])).status_code
        == 200
    )
    [entry] = AuditEntry.objects.filter(pk__gt=since)
    assert (entry.action, entry.object_id) == ("view", str(with_clients.pk))
    since = _last_id()
    assert (
        http.get(reverse("activities:activity_detail", args=[without.public_id])).status_code == 200
    )
    assert not AuditEntry.objects.filter(pk__gt=since).exists()  # head counts only
