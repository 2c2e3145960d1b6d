from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from directory.models import Service
from programs.models import Organisation
from referrals.models import Referral
from safety import services
from safety.models import IncidentProtection
from tests.factories import make_client, share_consent

pytestmark = pytest.mark.django_db

SECRET = "Chị ấy bị chủ quán giữ giấy tờ và đánh ở Bãi Cháy"


@pytest.fixture
def shelter(world):
    org = Organisation.objects.create(
        name="Nhà tạm lánh Hạ Long",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=world.qn,
    )
    return Service.objects.create(
        organisation=org, service_type="emergency_shelter", name="Tạm lánh khẩn cấp"
    )


@pytest.fixture
def legal_aid(world):
    return Service.objects.create(
        organisation=world.legal, service_type="legal_aid", name="Trợ giúp pháp lý"
    )


@pytest.fixture
def incident(world):
    client = make_client(world, "HH2K7Q")
    return services.incident_record(
        actor=world.peer,
        report=services.IncidentReport(
            occurred_on=date(2024, 5, 1),
            place_type="establishment",
            province=world.qn,
            commune=world.ha_long,
            violence_types=["physical", "papers"],
            perpetrator_kind="owner",
            reported_via="peer",
            action_taken="referred",
            peer_group=world.group,
            client=client,
            consent_share=True,
            protections=["shelter", "legal_aid"],
            details=SECRET,
        ),
    )


def _url(incident, kind):
    return reverse("safety:incident_refer", args=[incident.public_id, kind])


def _post(world, service, **kw):
    data = {"service": service.pk, "reason": "Cần chỗ ở an toàn", "urgency": "emergency"}
    data.update(kw)
    return data


def test_it_hides_the_refer_form_from_outsiders_and_wrong_roles(world, as_user, incident):
    url = _url(incident, "shelter")
    for user in (
        world.nobody,
        world.provider,
        world.prov_manager,
        world.nat_manager,
        world.admin,
        world.hotline,  # did not record it
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
    ):
        assert as_user(user).get(url).status_code == 404, user
        assert as_user(user).post(url, {}).status_code == 404, user
    for user in (world.peer, world.leader, world.coordinator):
        assert as_user(user).get(url).status_code == 200, user
    # A kind that was not ticked has no form.
    assert as_user(world.peer).get(_url(incident, "health")).status_code == 404
    assert as_user(world.peer).get(_url(incident, "bogus")).status_code == 404


def test_it_offers_matching_services_with_urgent_defaults(
    world, as_user, incident, shelter, legal_aid
):
    gyn = Service.objects.create(organisation=world.clinic, service_type="gyn_exam", name="Khám")
    page = as_user(world.peer).get(_url(incident, "shelter"))
    form = page.context["form"]
    assert list(form.fields["service"].queryset) == [shelter]
    assert form["urgency"].value() == "emergency"
    assert str(IncidentProtection.Kind.SHELTER.label).lower() in form["reason"].value()
    assert SECRET not in page.content.decode()
    legal_form = as_user(world.peer).get(_url(incident, "legal_aid")).context["form"]
    assert list(legal_form.fields["service"].queryset) == [legal_aid]
    assert legal_form["urgency"].value() == "urgent"
    assert gyn not in legal_form.fields["service"].queryset
    # The detail page shows a Refer action for each ticked kind without a referral.
    detail = as_user(world.peer).get(reverse("safety:incident_detail", args=[incident.public_id]))
    html = detail.content.decode()
    assert _url(incident, "shelter") in html and _url(incident, "legal_aid") in html
    assert _url(incident, "health") not in html


def test_it_refuses_without_sharing_consent_with_a_clear_message(world, as_user, incident, shelter):
    response = as_user(world.peer).post(_url(incident, "shelter"), _post(world, shelter))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Chưa có sự đồng ý chia sẻ với" in text
    assert response.context["form"]["consent_now"].errors  # next to the box that fixes it
    assert incident.client.short_code in text and shelter.organisation.name in text
    assert not Referral.objects.exists()
    assert IncidentProtection.objects.get(incident=incident, kind="shelter").referral is None
    # A peer cannot override; a coordinator can, with a written reason.
    assert "override_reason" not in response.context["form"].fields
    response = as_user(world.coordinator).post(
        _url(incident, "shelter"),
        _post(world, shelter, override_reason="Đang gặp nguy hiểm, không liên lạc được"),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.override_reason and referral.from_kind == "coordinator"
    assert AuditEntry.objects.filter(action="override").exists()


def test_it_sends_and_links_the_referral_and_counts_it(
    world, as_user, incident, shelter, legal_aid, django_capture_on_commit_callbacks
):
    share_consent(incident.client, shelter.organisation, world.peer)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.peer).post(_url(incident, "shelter"), _post(world, shelter))
    assert response.status_code == 302
    assert response.url == reverse("safety:incident_detail", args=[incident.public_id])
    referral = Referral.objects.get()
    assert referral.client == incident.client and referral.service == shelter
    assert referral.urgency == "emergency" and referral.from_kind == "peer"
    assert SECRET not in referral.reason
    protection = IncidentProtection.objects.get(incident=incident, kind="shelter")
    assert protection.referral == referral
    entry = AuditEntry.objects.get(action="incident.protection_refer")
    assert "emergency_shelter" in str(entry.changes) and SECRET not in str(entry.changes)
    # The incident page shows the referral's status; no more Refer action for it.
    page = as_user(world.peer).get(reverse("safety:incident_detail", args=[incident.public_id]))
    html = page.content.decode()
    assert referral.code in html and str(referral.get_status_display()) in html
    assert _url(incident, "shelter") not in html and _url(incident, "legal_aid") in html
    assert as_user(world.peer).get(_url(incident, "shelter")).status_code == 404
    assert IncidentProtection.objects.filter(incident=incident, referral__isnull=False).count() == 1
    share_consent(incident.client, world.legal, world.peer)
    response = as_user(world.peer).post(
        _url(incident, "legal_aid"), _post(world, legal_aid, urgency="urgent")
    )
    assert response.status_code == 302
    assert IncidentProtection.objects.filter(incident=incident, referral__isnull=False).count() == 2


def test_it_refuses_a_service_of_another_kind(world, incident, shelter, legal_aid):
    from django.core.exceptions import ValidationError

    share_consent(incident.client, world.legal, world.peer)
    with pytest.raises(ValidationError):
        services.incident_protection_refer(
            actor=world.peer,
            incident=incident,
            kind="shelter",
            service=legal_aid,
            reason="x",
            from_kind="peer",
        )
    assert not Referral.objects.exists()


def test_it_offers_no_refer_action_without_a_registered_client(world, as_user):
    incident = services.incident_record(
        actor=world.peer,
        report=services.IncidentReport(
            occurred_on=date(2024, 5, 1),
            place_type="street",
            province=world.qn,
            violence_types=["threats"],
            perpetrator_kind="other",
            reported_via="peer",
            action_taken="referred",
            peer_group=world.group,
            protections=["counselling"],
        ),
    )
    html = (
        as_user(world.peer)
        .get(reverse("safety:incident_detail", args=[incident.public_id]))
        .content.decode()
    )
    assert _url(incident, "counselling") not in html
    assert as_user(world.peer).get(_url(incident, "counselling")).status_code == 404


def test_it_records_the_consent_given_aloud_on_the_protection_referral(
    world, as_user, incident, shelter
):
    from clients.models import Consent

    http = as_user(world.peer)
    assert "checked" not in str(http.get(_url(incident, "shelter")).context["form"]["consent_now"])
    response = http.post(_url(incident, "shelter"), _post(world, shelter, consent_now="on"))
    assert response.status_code == 302
    assert Referral.objects.get().provider == shelter.organisation
    consent = Consent.objects.get(client=incident.client, provider=shelter.organisation)
    assert (consent.method, consent.taken_by) == ("verbal", world.peer)
