"""Links on referral pages lead somewhere the user may go."""

from __future__ import annotations

from django.urls import reverse


def test_it_offers_the_follow_up_page_only_to_those_who_may_open_it(world, as_user):
    follow_up = reverse("referrals:follow_up")
    hotline = as_user(world.hotline)
    page = hotline.get(reverse("referrals:list")).content.decode()
    assert hotline.get(follow_up).status_code == 404
    assert follow_up not in page  # the hotline's list linked to a page that 404s
    for user in (world.peer, world.coordinator):
        client = as_user(user)
        assert follow_up in client.get(reverse("referrals:list")).content.decode()
        assert client.get(follow_up).status_code == 200
