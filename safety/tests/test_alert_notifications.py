from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_q.models import Task

from accounts.models import Grant, Role
from notifications.models import Notification
from safety import alerts

from .test_alerts import SECRET, _alert, _form, _incident

pytestmark = pytest.mark.django_db


def _shown(user, as_user):
    """The notification list as the user sees it."""
    return as_user(user).get(reverse("notifications:list")).content.decode()


def test_it_notifies_the_province_through_the_queue_once_approved(
    world, as_user, django_capture_on_commit_callbacks
):
    incident = _incident(world)
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(world, incident=incident, actor=world.leader, approver=False)
    # Waiting: only the reviewer hears of it, and without any of its text.
    assert not Notification.objects.filter(kind="safety.alert").exists()
    review = Notification.objects.get(kind="safety.alert_review")
    assert review.user == world.coordinator and review.body == ""
    assert alert.headline not in review.title
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_approve(actor=world.coordinator, alert=alert)
    assert Task.objects.filter(func="safety.tasks.alert_notify", success=True).exists()
    notes = Notification.objects.filter(kind="safety.alert")
    # Peers and leaders of groups in the province, coordinators of models there; each
    # person once; the author and the approver know already.
    assert sorted(n.user.username for n in notes) == ["peer", "peer_other_group"]
    for note in notes:
        # Nothing of the alert is stored in the notification: it is rendered live.
        assert alert.headline not in note.title and note.body == ""
        assert note.ref == f"safety.alert:{alert.pk}"
        assert note.url == reverse("safety:alert_detail", args=[alert.public_id])
    page = _shown(world.peer, as_user)
    assert alert.headline in page and alert.warning in page
    assert SECRET not in page
    for user in (
        world.peer_other_province,
        world.coordinator_other,
        world.hotline,
        world.provider,
        world.prov_manager,
        world.nat_manager,
        world.nobody,
    ):
        assert not Notification.objects.filter(user=user, kind="safety.alert").exists(), user


def test_it_notifies_nobody_before_approval(world, as_user, django_capture_on_commit_callbacks):
    incident = _incident(world)
    url = reverse("safety:alert_create", args=[incident.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.peer).post(url, _form(world))
    assert response.status_code == 302
    assert not Notification.objects.filter(kind="safety.alert").exists()
    assert set(
        Notification.objects.filter(kind="safety.alert_review").values_list(
            "user__username", flat=True
        )
    ) == {"leader", "coordinator"}


def test_it_removes_the_text_from_notifications_on_withdrawal(
    world, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(world)
    headline, warning = alert.headline, alert.warning
    assert headline in _shown(world.peer_other_group, as_user)
    alerts.alert_withdraw(actor=world.coordinator, alert=alert)
    page = _shown(world.peer_other_group, as_user)
    assert headline not in page and warning not in page
    assert "thu hồi" in page  # "Cảnh báo an toàn đã bị thu hồi"
    for note in Notification.objects.all():
        assert headline not in note.title + note.body and warning not in note.title + note.body
    alert.refresh_from_db()
    assert alert.headline == "" and alert.warning == ""


def test_it_removes_the_text_everywhere_on_the_victims_erasure(
    world, as_user, client_a, django_capture_on_commit_callbacks
):
    from clients.erasure import client_erase

    incident = _incident(world, client=client_a)
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(world, incident=incident)
    headline = alert.headline
    client_erase(actor=world.coordinator, client=client_a, reason="Yêu cầu xóa")
    alert.refresh_from_db()
    assert alert.headline == "" and alert.warning == "" and not alert.is_active()
    assert headline not in _shown(world.peer_other_group, as_user)
    body = as_user(world.peer).get(reverse("safety:alert_detail", args=[alert.public_id]))
    assert headline not in body.content.decode()


def test_it_notifies_nobody_of_an_alert_withdrawn_before_the_queue_ran(world):
    from safety.tasks import alert_notify

    alert = _alert(world)  # on_commit not run: the task is still "queued"
    alerts.alert_withdraw(actor=world.peer, alert=alert)
    assert alert_notify(alert.pk) == 0
    assert not Notification.objects.filter(kind="safety.alert").exists()


def test_it_lists_notifications_with_a_fixed_number_of_queries(
    world, as_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for i in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            _alert(world, headline=f"Xe máy đen số {i} đón khách")
    client = as_user(world.peer_other_group)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count("đón khách") == 6


def test_it_refuses_an_incident_of_another_province_so_no_alert_goes_there(world):
    # A Quảng Ninh group cannot record in Huế (issue 15 item 5), so no alert goes there.
    with pytest.raises(ValidationError):
        _incident(world, province=world.hue, commune=world.thuan_hoa)
    assert not Grant.objects.filter(role=Role.COORDINATOR, user=world.peer).exists()
