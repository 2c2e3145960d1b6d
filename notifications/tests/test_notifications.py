from __future__ import annotations

import logging
from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_it_notifies_in_app(world: Any) -> None:
    n = notify(user=world.peer, kind="test.kind", title="Xin chào", url="/referrals/")
    assert Notification.objects.get() == n and n.read_at is None


def test_it_logs_only_kind_and_id_on_the_log_channel(
    world: Any, settings: Any, caplog: Any
) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "NOTIFICATION_CHANNELS": ["inapp", "log", "nonexistent"]}
    with caplog.at_level(logging.INFO, logger="caunoi.notifications"):
        n = notify(user=world.peer, kind="referral.status", title="Mã KH ABC123 bí mật", body="x")
    text = caplog.text
    assert f"id={n.pk}" in text and "referral.status" in text
    assert "ABC123" not in text and "bí mật" not in text


def test_it_shows_users_only_their_own(world: Any, as_user: Any) -> None:
    mine = notify(user=world.peer, kind="k", title="Của tôi", url="/referrals/")
    notify(user=world.leader, kind="k", title="Của người khác")
    page = as_user(world.peer).get(reverse("notifications:list")).content.decode()
    assert "Của tôi" in page and "Của người khác" not in page
    assert (
        as_user(world.leader).post(reverse("notifications:open", args=[mine.pk])).status_code == 404
    )
    response = as_user(world.peer).post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_it_does_not_redirect_off_site(world: Any, as_user: Any) -> None:
    n = notify(user=world.peer, kind="k", title="t", url="https://evil.example/")
    response = as_user(world.peer).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_it_shows_unread_on_the_home_page_and_marks_all_read(world: Any, as_user: Any) -> None:
    notify(user=world.peer, kind="k", title="Thông báo mới")
    c = as_user(world.peer)
    assert "Thông báo mới" in c.get(reverse("portal:home")).content.decode()
    c.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'data-testid="notifications-panel"' not in c.get(reverse("portal:home")).content.decode()


def test_it_requires_login(client: Any) -> None:
    assert client.get(reverse("notifications:list")).status_code == 302


def test_it_renders_referenced_text_live_and_says_when_it_is_gone(db: Any) -> None:
    from accounts.models import User
    from notifications import live

    texts = {1: ("Tiêu đề hiện tại", "Nội dung hiện tại")}
    live.RENDERERS["test.thing"] = lambda ids: {i: texts[i] for i in ids if i in texts}
    try:
        user = User.objects.create_user(username="reader", password="x")
        kept = notify(user=user, kind="test", title="Stored", body="Stored body")
        ref = notify(
            user=user, kind="test.thing", title="Generic", ref=live.ref_for("test.thing", 1)
        )
        gone = notify(
            user=user, kind="test.thing", title="Generic", ref=live.ref_for("test.thing", 2)
        )
        shown = {n.pk: (n.live_title, n.live_body) for n in live.render([kept, ref, gone])}
        assert shown[kept.pk] == ("Stored", "Stored body")
        assert shown[ref.pk] == ("Tiêu đề hiện tại", "Nội dung hiện tại")
        assert shown[gone.pk] == ("Nội dung này không còn nữa.", "")
        assert ref.body == "" and gone.body == ""
    finally:
        del live.RENDERERS["test.thing"]


def test_it_records_a_once_notification_as_any_other_and_only_once(
    world: Any, settings: Any, caplog: Any
) -> None:
    from notifications.services import notify_once

    settings.CAUNOI = {**settings.CAUNOI, "NOTIFICATION_CHANNELS": ["inapp", "log"]}
    message: dict[str, Any] = {
        "kind": "referral.expired",
        "title": "T" * 250,
        "body": "Nội dung",
        "url": "/referrals/" + "x" * 400,
        "key": "referral.expired",
        "params": {"code": "R-1"},
    }
    always = notify(user=world.peer, **message)
    with caplog.at_level(logging.INFO, logger="caunoi.notifications"):
        once = notify_once(once_key="k" * 130, user=world.peer, **message)
        again = notify_once(once_key="k" * 130, user=world.peer, **message)
    assert once is not None and again is None
    fields = ["user", "kind", "title", "body", "url", "message_key", "message_params", "ref"]
    assert [getattr(once, f) for f in fields] == [getattr(always, f) for f in fields]
    assert len(once.title) == 200 and len(once.url) == 300
    assert once.once_key == "k" * 120 and always.once_key is None
    assert caplog.text.count(f"id={once.pk}") == 1  # the second call delivered nothing
