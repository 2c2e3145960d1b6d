"""Opening a hotline call writes one "view" entry to the audit log; a 404 writes
nothing."""

from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEntry
from audit.verify import verify_chain

from .test_hotline import _call


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_it_records_one_view_of_a_hotline_call(world, as_user, client_a):
    call = _call(world, client=client_a)
    since = _last_id()
    url = reverse("hotline:call_detail", args=[call.public_id])
    assert as_user(world.hotline).get(url).status_code == 200
    [entry] = AuditEntry.objects.filter(pk__gt=since)
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "view",
        world.hotline,
        "hotline.hotlinecall",
        str(call.pk),
    )
    assert entry.changes == {"page": "hotline:call_detail"}
    assert client_a.short_code not in str(entry.changes) and client_a.uic not in str(entry.changes)
    assert verify_chain().ok


def test_it_records_a_view_when_a_refused_referral_shows_the_call_again(world, as_user, client_a):
    call = _call(world, client=client_a)
    since = _last_id()
    response = as_user(world.hotline).post(
        reverse("hotline:call_detail", args=[call.public_id]), {"reason": ""}
    )
    assert response.status_code == 200
    assert list(AuditEntry.objects.filter(pk__gt=since).values_list("action", "object_id")) == [
        ("view", str(call.pk))
    ]


def test_it_records_nothing_for_outsiders(world, as_user, client_a):
    from conftest import make_user
    from programs.models import Organisation

    other = Organisation.objects.create(name="Hotline Huế", kind="community", province=world.hue)
    other_counsellor = make_user("hotline_hue", "hotline", organisation=other)
    call = _call(world, client=client_a)
    url = reverse("hotline:call_detail", args=[call.public_id])
    since = _last_id()
    for user in (other_counsellor, world.peer, world.coordinator, world.provider, world.nobody):
        assert as_user(user).get(url).status_code == 404, user
    assert not AuditEntry.objects.filter(pk__gt=since).exists()


def test_it_keeps_the_call_page_to_a_few_queries(
    world, as_user, client_a, django_assert_max_num_queries
):
    call = _call(world, client=client_a)
    http = as_user(world.hotline)
    url = reverse("hotline:call_detail", args=[call.public_id])
    http.get(url)
    # The page and the session, plus the one audit insert (3 statements: head row, insert,
    # head update).
    with django_assert_max_num_queries(13):
        assert http.get(url).status_code == 200
