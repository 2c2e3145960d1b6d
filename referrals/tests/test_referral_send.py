from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from referrals.models import Referral
from referrals.services import ConsentMissing
from tests.factories import make_client

from .conftest import send

pytestmark = pytest.mark.django_db


def test_it_sends_a_referral_with_consent(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.peer)
    url = reverse("referrals:new", args=[rworld.client.public_id])
    response = c.post(
        url,
        {"service": rworld.s.gyn.pk, "reason": "Khám định kỳ", "urgency": "routine", "note": ""},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:slip", args=[referral.public_id])
    assert referral.provider == rworld.w.clinic
    assert referral.from_kind == "peer"
    assert referral.sender == rworld.w.peer
    assert referral.status == "sent"
    assert referral.events.get().status == "sent"
    assert AuditEntry.objects.filter(object_id=str(referral.pk), action="create").exists()


def test_it_refuses_a_referral_without_sharing_consent(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.peer)
    url = reverse("referrals:new", args=[rworld.client.public_id])
    response = c.post(url, {"service": rworld.s.legal.pk, "reason": "Tư vấn", "urgency": "routine"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Chưa có sự đồng ý chia sẻ với" in text
    assert response.context["form"]["consent_now"].errors  # next to the box that fixes it
    assert rworld.w.legal.name in text
    assert "Tư vấn" in text  # keeps what was typed
    assert not Referral.objects.exists()


def test_it_refuses_in_the_service_too(rworld: Any) -> None:
    with pytest.raises(ConsentMissing):
        send(rworld, service=rworld.s.legal)


def test_it_refuses_a_withdrawn_consent(rworld: Any) -> None:
    from django.utils import timezone

    rworld.client.consents.update(withdrawn_at=timezone.now())
    with pytest.raises(ConsentMissing):
        send(rworld)


def test_it_lets_a_coordinator_override_with_a_reason_audited(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.coordinator)
    url = reverse("referrals:new", args=[rworld.client.public_id])
    response = c.post(
        url,
        {
            "service": rworld.s.legal.pk,
            "reason": "Bị giữ giấy tờ",
            "urgency": "urgent",
            "override_reason": "Khách hàng đang gặp nguy hiểm, đồng ý bằng lời qua điện thoại",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.from_kind == "coordinator"
    entry = AuditEntry.objects.get(action="override", object_id=str(referral.pk))
    assert "nguy hiểm" in entry.reason


def test_it_does_not_let_a_peer_override(rworld: Any) -> None:
    with pytest.raises(ConsentMissing):
        send(rworld, service=rworld.s.legal, override_reason="tôi muốn")


def test_it_hides_the_form_from_a_peer_of_another_group(rworld: Any, as_user: Any) -> None:
    url = reverse("referrals:new", args=[rworld.client.public_id])
    for user in (rworld.w.peer_other_group, rworld.w.provider, rworld.w.nobody, rworld.w.hotline):
        assert as_user(user).get(url).status_code == 404
    assert as_user(rworld.w.peer).get(url).status_code == 200


def test_it_lets_the_hotline_refer_by_client_code(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.hotline)
    url = reverse("referrals:hotline_new")
    bad = c.post(
        url,
        {"client_code": "NOPE99", "service": rworld.s.gyn.pk, "reason": "x", "urgency": "urgent"},
    )
    assert bad.status_code == 200 and not Referral.objects.exists()
    ok = c.post(
        url,
        {
            "client_code": rworld.client.short_code.lower(),
            "service": rworld.s.gyn.pk,
            "reason": "Gọi đường dây nóng",
            "urgency": "emergency",
        },
    )
    assert ok.status_code == 302
    referral = Referral.objects.get()
    assert referral.from_kind == "hotline" and referral.priority == 0
    # The hotline follows the referrals it sent, not the peer group's others.
    other = send(rworld)
    listing = c.get(reverse("referrals:list") + "?status=all").content.decode()
    assert referral.code in listing and other.code not in listing
    assert as_user(rworld.w.peer).get(url).status_code == 404


def test_it_shows_a_slip_with_qr_and_codes_but_no_name(rworld: Any, as_user: Any) -> None:
    from clients.services import ClientDetails, client_register

    client = client_register(
        actor=rworld.w.peer,
        details=ClientDetails(
            peer_group=rworld.w.group,
            given_name="Lan",
            mother_given_name="Hoa",
            birth_year=1995,
            sex="F",
            name="Nguyễn Thị Bí Mật",
            nickname="Bông",
            phone="0912345678",
            consent_follow_up=True,
            consent_method="verbal",
            share_with=[rworld.w.clinic],
        ),
    )
    referral = send(rworld, client=client)
    c = as_user(rworld.w.peer)
    page = c.get(reverse("referrals:slip", args=[referral.public_id])).content.decode()
    assert "<svg" in page and referral.code in page and client.short_code in page
    for secret in ("Bí Mật", "Bông", "0912345678"):
        assert secret not in page
    png = c.get(reverse("referrals:slip_png", args=[referral.public_id]))
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        as_user(rworld.w.peer_other_group)
        .get(reverse("referrals:slip", args=[referral.public_id]))
        .status_code
        == 404
    )


def test_it_encodes_the_lookup_url_with_the_code_only(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    from referrals.slip import qr_svg

    url = "http://testserver" + reverse("referrals:inbox_find") + "#" + referral.code
    assert url.endswith("#" + referral.code) and str(rworld.client.short_code) not in url
    assert "<svg" in qr_svg(url)


def test_it_puts_emergencies_first(rworld: Any, as_user: Any) -> None:
    routine = send(rworld)
    emergency = send(rworld, urgency="emergency", reason="Bị đánh")
    urgent = send(rworld, urgency="urgent")
    page = as_user(rworld.w.peer).get(reverse("referrals:list")).content.decode()
    assert page.index(emergency.code) < page.index(urgent.code) < page.index(routine.code)
    inbox = as_user(rworld.w.provider).get(reverse("referrals:inbox")).content.decode()
    assert inbox.index(emergency.client.short_code) > 0
    assert list(Referral.objects.values_list("pk", flat=True)) == [
        emergency.pk,
        urgent.pk,
        routine.pk,
    ]


def test_it_lists_referrals_with_few_queries(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import share_consent

    for _ in range(5):
        client = make_client(rworld.w)
        share_consent(client, rworld.w.clinic, rworld.w.peer)
        send(rworld, client=client)
    c = as_user(rworld.w.peer)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("referrals:list")).status_code == 200


def test_it_denies_the_list_to_other_roles(rworld: Any, as_user: Any) -> None:
    for user in (rworld.w.provider, rworld.w.nobody, rworld.w.prov_manager):
        assert as_user(user).get(reverse("referrals:list")).status_code == 404


def test_it_records_the_consent_given_aloud_on_the_referral_form(rworld: Any, as_user: Any) -> None:
    """No consent on file for the legal aid office: one refusal, next to an unticked box;
    ticking it (the client agreed, asked aloud) sends it, with the reason as typed."""
    from clients.models import Consent

    c = as_user(rworld.w.peer)
    url = reverse("referrals:new", args=[rworld.client.public_id])
    form = c.get(url).context["form"]
    assert "checked" not in str(form["consent_now"])
    data = {"service": rworld.s.legal.pk, "reason": "Bị giữ giấy tờ", "urgency": "routine"}
    refused = c.post(url, data)
    assert refused.status_code == 200 and not Referral.objects.exists()
    again = refused.context["form"]
    assert again["reason"].value() == "Bị giữ giấy tờ"
    assert "checked" not in str(again["consent_now"])  # never ticked for the user
    assert not Consent.objects.filter(client=rworld.client, provider=rworld.w.legal).exists()
    response = c.post(url, {**data, "consent_now": "on"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.provider, referral.reason) == (rworld.w.legal, "Bị giữ giấy tờ")
    consent = Consent.objects.get(client=rworld.client, provider=rworld.w.legal)
    assert (consent.method, consent.taken_by, consent.purpose) == (
        "verbal",
        rworld.w.peer,
        "share_provider",
    )
    assert AuditEntry.objects.filter(action="create", object_id=str(consent.pk)).exists()


def test_a_refused_referral_records_no_consent(rworld: Any) -> None:
    from django.core.exceptions import ValidationError

    from clients.models import Consent

    with pytest.raises(ValidationError):
        send(rworld, service=rworld.s.legal, reason="  ", consent_now=True)
    assert not Consent.objects.filter(client=rworld.client, provider=rworld.w.legal).exists()


def test_the_service_list_starts_in_the_clients_area(rworld: Any, as_user: Any) -> None:
    """The client's commune first, then friendly services, then the rest of the province;
    other provinces only on request; every row names the whole provider."""
    from directory.models import Location, Service
    from programs.models import Organisation

    w = rworld.w
    client = rworld.client
    client.commune = w.ha_long
    client.save(update_fields=["commune"])
    far = Service.objects.create(
        organisation=w.hue_clinic, service_type="gyn_exam", name="Khám phụ khoa Huế"
    )
    cam_pha_org = Organisation.objects.create(
        name="Trung tâm Y tế khu vực Cẩm Phả (phòng khám thân thiện cho nhóm đích)",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=w.qn,
        commune=w.cam_pha,
    )
    friendly_elsewhere = Service.objects.create(
        organisation=cam_pha_org,
        service_type="sti_test_treatment",
        name="Xét nghiệm STI thân thiện",
        friendly_to_key_populations=True,
    )
    friendly_elsewhere.locations.add(
        Location.objects.create(organisation=cam_pha_org, name="Cơ sở 2", commune=w.cam_pha)
    )
    c = as_user(w.peer)
    url = reverse("referrals:new", args=[client.public_id])
    form = c.get(url).context["form"]
    ids = [s.pk for s in form.fields["service"].queryset]
    assert far.pk not in ids  # another province: not padding the list
    # Hạ Long (the client's commune): friendly gyn first, then sti; then Cẩm Phả.
    assert ids.index(rworld.s.gyn.pk) < ids.index(rworld.s.sti.pk)
    assert ids.index(rworld.s.sti.pk) < ids.index(friendly_elsewhere.pk)
    page = c.get(url).content.decode()
    assert 'type="radio"' in page
    assert cam_pha_org.name in page  # the whole provider name, never cut
    everywhere = c.get(url + "?all=1").context["form"].fields["service"].queryset
    assert [s.pk for s in everywhere][-1] == far.pk


def test_a_client_without_a_commune_still_gets_the_one_service_chosen(
    rworld: Any, as_user: Any
) -> None:
    assert rworld.client.commune_id is None
    url = reverse("referrals:new", args=[rworld.client.public_id]) + "?type=legal_advice"
    form = as_user(rworld.w.peer).get(url).context["form"]
    assert form["service"].value() == rworld.s.legal.pk


def test_the_slip_image_says_where_to_go(rworld: Any, as_user: Any, monkeypatch: Any) -> None:
    """The downloaded image carries the provider's address, opening hours and phone, and
    the provider's whole name; a confidential address never."""
    from directory.models import Location
    from referrals import slip

    rworld.s.clinic_loc.phone = "0203 3825 333"
    rworld.s.clinic_loc.save()
    shelter = Location.objects.create(
        organisation=rworld.w.clinic,
        name="Nhà tạm lánh",
        address="Số nhà bí mật 99",
        confidential=True,
        opening_hours="24/7",
    )
    rworld.s.gyn.locations.add(shelter)
    rworld.s.gyn.phone = "0203 3825 444"
    rworld.s.gyn.save()
    referral = send(rworld)
    drawn: list[list[tuple[str, str]]] = []
    real = slip.slip_lines

    def spy(*args: Any, **kwargs: Any) -> Any:
        drawn.append(real(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(slip, "slip_lines", spy)
    png = as_user(rworld.w.peer).get(reverse("referrals:slip_png", args=[referral.public_id]))
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    values = [value for _label, value in drawn[0]]
    for text in ("12 Lê Thánh Tông", "7:30–17:00", "0203 3825 333", "0203 3825 444", "24/7"):
        assert text in values, text
    assert rworld.w.clinic.name in values
    assert "Số nhà bí mật 99" not in values and "Địa chỉ được báo qua điện thoại" in values
