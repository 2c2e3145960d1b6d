"""Opening an incident writes one "view" entry to the audit log, which says whether the
account of what happened was shown, never what it says; a 404 writes nothing."""

from __future__ import annotations

import json

from django.urls import reverse

from audit.models import AuditEntry
from audit.verify import verify_chain

from .test_incidents import SECRET, _incident


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_it_records_one_view_of_an_incident(world, as_user):
    incident = _incident(world)
    url = reverse("safety:incident_detail", args=[incident.public_id])
    for user in (world.peer, world.leader, world.coordinator):
        since = _last_id()
        response = as_user(user).get(url)
        assert response.status_code == 200 and SECRET in response.content.decode()
        [entry] = AuditEntry.objects.filter(pk__gt=since)
        assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
            "view",
            user,
            "safety.incident",
            str(incident.pk),
        )
        assert entry.changes == {"page": "safety:incident_detail", "details": True}
        assert SECRET not in json.dumps([entry.changes, entry.reason], ensure_ascii=False)
    assert verify_chain().ok


def test_it_records_a_view_of_an_incident_without_details(world, as_user):
    incident = _incident(world, details="")
    since = _last_id()
    assert (
        as_user(world.peer)
        .get(reverse("safety:incident_detail", args=[incident.public_id]))
        .status_code
        == 200
    )
    [entry] = AuditEntry.objects.filter(pk__gt=since)
    assert entry.action == "view" and entry.changes["details"] is False


def test_it_records_nothing_for_outsiders(world, as_user):
    incident = _incident(world)
    url = reverse("safety:incident_detail", args=[incident.public_id])
    since = _last_id()
    for user in (
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
        world.hotline,
        world.provider,
        world.admin,
        world.nobody,
    ):
        assert as_user(user).get(url).status_code == 404, user
    assert not AuditEntry.objects.filter(pk__gt=since).exists()


def test_it_keeps_the_incident_page_to_a_few_queries(world, as_user, django_assert_max_num_queries):
    incident = _incident(world)
    http = as_user(world.peer)
    url = reverse("safety:incident_detail", args=[incident.public_id])
    http.get(url)
    # The page and the session, plus the one audit insert (3 statements: head row, insert,
    # head update).
    with django_assert_max_num_queries(17):
        assert http.get(url).status_code == 200
