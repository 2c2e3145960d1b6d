"""Regressions for holes found in review."""

from __future__ import annotations

from django.urls import reverse

from programs.models import SupportModel


def test_it_refuses_a_coordinator_moving_their_model_to_another_province(as_user, world):
    client = as_user(world.coordinator)
    url = reverse("programs:model_edit", args=[world.model.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": world.model.name,
        "kind": world.model.kind,
        "province": world.hue.code,
        "communes": [world.ha_long.code],
        "start_date": "2019-01-01",
        "funding_source": "x",
    }
    client.post(url, data)
    assert SupportModel.objects.get(pk=world.model.pk).province_id == world.qn.code
    assert client.get(reverse("programs:org_edit", args=[world.hue_clinic.pk])).status_code == 404


def test_it_does_not_redirect_off_site_after_changing_language(as_user, world):
    client = as_user(world.peer)
    response = client.post(
        reverse("accounts:language"), {"language": "en", "next": "https://evil.example/x"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_it_does_not_change_language_on_get(as_user, world):
    client = as_user(world.peer)
    assert client.get(reverse("accounts:language")).status_code == 405


def test_it_audits_a_change_of_language_and_only_a_change(as_user, world):
    from accounts.models import User
    from audit.models import AuditEntry

    User.objects.filter(pk=world.peer.pk).update(language="vi")
    client = as_user(world.peer)
    before = AuditEntry.objects.count()
    assert client.post(reverse("accounts:language"), {"language": "en"}).status_code == 302
    assert User.objects.get(pk=world.peer.pk).language == "en"
    entry = AuditEntry.objects.order_by("pk").last()
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor == world.peer and entry.changes == {"fields": ["language"]}
    client.post(reverse("accounts:language"), {"language": "en"})  # no change, no entry
    assert AuditEntry.objects.count() == before + 1
