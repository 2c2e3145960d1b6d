from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Task

from accounts.models import Grant, Role
from notifications.models import Notification
from safety import services

from .test_alerts import SECRET, _alert, _form, _incident

pytestmark = pytest.mark.django_db


def test_it_notifies_the_province_through_the_queue(world, django_capture_on_commit_callbacks):
    Grant.objects.create(user=world.coordinator, role=Role.GROUP_LEADER, peer_group=world.group)
    incident = _incident(world)
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(world, incident=incident, actor=world.leader)
    assert Task.objects.filter(func="safety.tasks.alert_notify", success=True).exists()
    notes = Notification.objects.filter(kind="safety.alert")
    # Peers and leaders of groups in the province, coordinators of models there; each
    # person once; the publisher knows already.
    assert sorted(n.user.username for n in notes) == ["coordinator", "peer", "peer_other_group"]
    for note in notes:
        assert alert.headline in note.title and note.body == alert.warning
        assert SECRET not in note.title + note.body
        assert incident.get_place_type_display() not in note.title + note.body
        assert note.url == reverse("safety:alert_detail", args=[alert.public_id])
    for user in (
        world.peer_other_province,
        world.coordinator_other,
        world.hotline,
        world.provider,
        world.prov_manager,
        world.nat_manager,
        world.nobody,
    ):
        assert not Notification.objects.filter(user=user).exists(), user


def test_it_notifies_from_the_publish_page(world, as_user, django_capture_on_commit_callbacks):
    incident = _incident(world)
    url = reverse("safety:alert_create", args=[incident.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(url, _form(world))
    assert response.status_code == 302
    note = Notification.objects.get(user=world.peer, kind="safety.alert")
    assert note.body == "Hay gọi điện hẹn rồi đe dọa. Không đi một mình."
    assert not Notification.objects.filter(user=world.peer_other_province).exists()
    assert not Notification.objects.filter(user=world.coordinator).exists()  # publisher


def test_it_notifies_nobody_of_an_alert_withdrawn_before_the_queue_ran(world):
    from safety.tasks import alert_notify

    alert = _alert(world)  # on_commit not run: the task is still "queued"
    services.alert_withdraw(actor=world.peer, alert=alert)
    assert alert_notify(alert.pk) == 0
    assert not Notification.objects.filter(kind="safety.alert").exists()


def test_it_notifies_another_province_only_of_its_own_alerts(
    world, django_capture_on_commit_callbacks
):
    # Happened in Huế (the group works in Quảng Ninh): the alert goes to Huế only.
    incident = _incident(world, province=world.hue, commune=world.thuan_hoa)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        _alert(
            world,
            incident=incident,
            province=world.hue,
            commune=world.thuan_hoa,
            expires_on=today + timedelta(days=3),
        )
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {"peer_other_province", "coordinator_other"}
