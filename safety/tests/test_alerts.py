from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safety import alerts, queries, services
from safety.models import SafetyAlert

pytestmark = pytest.mark.django_db

SECRET = "Chị Hằng hai mươi tuổi bị khách đánh gãy tay ở nhà nghỉ Hoa Biển"


def _incident(world, consent_alert=True, **kw):
    defaults = dict(
        actor=world.peer,
        occurred_on=timezone.localdate() - timedelta(days=2),
        place_type="hotel",
        province=world.qn,
        commune=world.ha_long,
        violence_types=["physical"],
        perpetrator_kind="client",
        reported_via="peer",
        action_taken="counselled",
        peer_group=world.group,
        consent_alert=consent_alert,
        details=SECRET,
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.incident_record(actor=actor, report=services.IncidentReport(**defaults))


def _alert(world, incident=None, **kw):
    today = timezone.localdate()
    defaults = dict(
        actor=world.peer,
        incident=incident or _incident(world),
        subject="vehicle",
        headline="Xe máy đen biển 14B1 đón khách rồi đánh",
        warning="Không lên xe máy Wave đen biển 14B1-xxx ở khu Bãi Cháy. Đi theo nhóm.",
        province=world.qn,
        commune=world.ha_long,
        issued_on=today,
        expires_on=today + timedelta(days=30),
    )
    approver = kw.pop("approver", None)
    defaults.update(kw)
    alert = alerts.alert_submit(**defaults)
    if approver is None:
        approver = world.coordinator if defaults["actor"] != world.coordinator else world.leader
    if approver is False:
        return alert
    if alert.expires_on < timezone.localdate():  # approved back then
        SafetyAlert.objects.filter(pk=alert.pk).update(
            status=SafetyAlert.Status.PUBLISHED, approved_by=approver, approved_at=timezone.now()
        )
        alert.refresh_from_db()
        return alert
    return alerts.alert_approve(actor=approver, alert=alert)


def _form(world, **kw):
    today = timezone.localdate()
    data = {
        "subject": "person",
        "headline": "Người đàn ông xăm rồng trên cổ",
        "warning": "Hay gọi điện hẹn rồi đe dọa. Không đi một mình.",
        "province": world.qn.pk,
        "commune": world.ha_long.pk,
        "issued_on": today.isoformat(),
        "expires_on": (today + timedelta(days=14)).isoformat(),
    }
    data.update(kw)
    return data


def test_it_publishes_an_alert_from_a_consented_incident(world, as_user):
    incident = _incident(world)
    response = as_user(world.peer).post(
        reverse("safety:alert_create", args=[incident.public_id]), _form(world)
    )
    assert response.status_code == 302
    alert = SafetyAlert.objects.get()
    assert alert.incident == incident and alert.published_by == world.peer
    assert alert.status == SafetyAlert.Status.PENDING and not alert.is_active()
    response = as_user(world.leader).post(reverse("safety:alert_approve", args=[alert.public_id]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.is_active() and alert.approved_by == world.leader


def test_it_refuses_an_alert_without_consent(world, as_user):
    incident = _incident(world, consent_alert=False)
    url = reverse("safety:alert_create", args=[incident.public_id])
    assert as_user(world.peer).get(url).status_code == 404
    assert as_user(world.peer).post(url, _form(world)).status_code == 404
    with pytest.raises(ValidationError):
        _alert(world, incident=incident)
    assert not SafetyAlert.objects.exists()


def test_it_hides_the_alert_form_from_outsiders_and_wrong_roles(world, as_user):
    incident = _incident(world)
    url = reverse("safety:alert_create", args=[incident.public_id])
    for user in (
        world.nobody,
        world.provider,
        world.hotline,
        world.prov_manager,
        world.admin,
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
    ):
        assert as_user(user).get(url).status_code == 404, user
    assert as_user(world.peer).get(url).status_code == 200
    assert as_user(world.coordinator).get(url).status_code == 200


def test_it_refuses_a_warning_that_copies_the_private_report(world, as_user):
    incident = _incident(world)
    response = as_user(world.peer).post(
        reverse("safety:alert_create", args=[incident.public_id]),
        _form(world, warning="Cảnh báo: chi hang hai muoi tuoi bi khach danh gay tay."),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["warning"]
    assert form["warning"].value() == "Cảnh báo: chi hang hai muoi tuoi bi khach danh gay tay."
    assert not SafetyAlert.objects.exists()


def test_it_refuses_a_warning_with_the_clients_code(world, as_user, client_a):
    incident = _incident(world, client=client_a)
    response = as_user(world.peer).post(
        reverse("safety:alert_create", args=[incident.public_id]),
        _form(world, warning=f"Liên quan {client_a.short_code}"),
    )
    assert response.status_code == 200
    assert not SafetyAlert.objects.exists()


def test_it_refuses_an_expiry_before_the_alert_date(world, as_user):
    incident = _incident(world)
    today = timezone.localdate()
    response = as_user(world.peer).post(
        reverse("safety:alert_create", args=[incident.public_id]),
        _form(world, expires_on=(today - timedelta(days=1)).isoformat()),
    )
    assert "expires_on" in response.context["form"].errors


def test_it_shows_alerts_to_the_province_only_and_never_the_victim(world, as_user):
    alert = _alert(world)
    detail = reverse("safety:alert_detail", args=[alert.public_id])
    for user in (
        world.peer,
        world.peer_other_group,
        world.hotline,
        world.coordinator,
        world.prov_manager,
    ):
        home = as_user(user).get(reverse("portal:home")).content.decode()
        assert alert.headline in home, user
        page = as_user(user).get(detail).content.decode()
        assert alert.warning in page
        for fragment in ("Hằng", "gãy tay", "Hoa Biển"):
            assert fragment not in page and fragment not in home
    for user in (world.peer_other_province, world.coordinator_other, world.prov_manager_other):
        assert alert.headline not in as_user(user).get(reverse("portal:home")).content.decode()
        assert as_user(user).get(detail).status_code == 404
    for user in (world.nobody, world.provider, world.admin):
        assert as_user(user).get(detail).status_code == 404
        assert as_user(user).get(reverse("safety:alert_list")).status_code == 404


def test_it_puts_alerts_first_on_the_home_page(world, as_user):
    alert = _alert(world)
    home = as_user(world.peer).get(reverse("portal:home"))
    panels = [p["template"] for p in home.context["panels"]]
    assert panels[0] == "safety/_home_alerts.html"
    assert alert.headline in home.content.decode()


def test_it_expires_and_withdraws_alerts(world, as_user):
    today = timezone.localdate()
    expired = _alert(
        world,
        headline="Cảnh báo cũ",
        issued_on=today - timedelta(days=40),
        expires_on=today - timedelta(days=10),
    )
    current = _alert(world, headline="Cảnh báo mới")
    assert list(queries.active_alerts_for(world.peer)) == [current]
    assert not expired.is_active()
    http = as_user(world.peer_other_group)  # same province, not the publisher
    url = reverse("safety:alert_withdraw", args=[current.public_id])
    assert http.post(url).status_code == 404
    assert as_user(world.peer).post(url).status_code == 302
    current.refresh_from_db()
    assert current.withdrawn_by == world.peer
    assert not queries.active_alerts_for(world.peer).exists()
    listing = as_user(world.peer).get(reverse("safety:alert_list"))
    assert list(listing.context["active"]) == []
    assert len(listing.context["past"]) == 2


def test_it_lists_alerts_with_few_queries(world, as_user, django_assert_max_num_queries):
    incident = _incident(world)
    for i in range(5):
        _alert(world, incident=incident, headline=f"Cảnh báo {i}")
    http = as_user(world.peer)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("safety:alert_list"))
    assert len(response.context["active"]) == 5
