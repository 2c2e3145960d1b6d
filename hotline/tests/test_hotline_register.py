"""Registering an anonymous hotline caller on the call, or linking the call by the caller's
short code, so that the referral can be sent at once; the hotline never sees other clients."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Client, Consent
from clients.uic import build_uic, uic_index
from conftest import identifying
from hotline import queries, services
from hotline.models import HotlineCall
from tests.factories import make_client

from .test_hotline import _call as hotline_call

pytestmark = pytest.mark.django_db

GIVEN, MOTHER = "Thương", "Mẫn"  # UIC THMA90F with 1990, F: sentinels for the log scan


def _call(world: Any, **kw: Any) -> HotlineCall:
    """An emergency call 10 minutes ago (test_hotline's call with these defaults)."""
    kw = {
        "started_at": timezone.now() - timedelta(minutes=10),
        "duration_minutes": 8,
        "urgency": "emergency",
        **kw,
    }
    return hotline_call(world, **kw)


def _url(call: HotlineCall) -> str:
    return reverse("hotline:call_detail", args=[call.public_id])


def _post(world: Any, **overrides: Any) -> dict[str, Any]:
    identifying(
        GIVEN,
        MOTHER,
        build_uic(given_name=GIVEN, mother_given_name=MOTHER, birth_year=1990, sex="F"),
    )
    data = {
        "action": "register",
        "caller-peer_group": world.group.pk,
        "caller-given_name": GIVEN,
        "caller-mother_given_name": MOTHER,
        "caller-birth_year": "1990",
        "caller-sex": "F",
        "caller-gender_identity": "woman",
        "caller-consent_follow_up": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _register(world: Any, call: HotlineCall, **kw: Any) -> Client:
    actor = kw.pop("actor", world.hotline)
    data: dict[str, Any] = dict(
        peer_group=world.group,
        given_name=GIVEN,
        mother_given_name=MOTHER,
        birth_year=1990,
        sex="F",
        consent_follow_up=True,
    )
    data.update(kw)
    return services.hotline_caller_register(
        actor=actor, call=call, caller=services.CallerRegistration(**data)
    )


def _service(world: Any) -> Any:
    from directory.models import Service

    return Service.objects.create(
        organisation=world.legal, service_type="legal_aid", name="Trợ giúp pháp lý khẩn cấp"
    )


# --- The form: anonymous calls only, hotline only ------------------------------------


def test_it_offers_the_register_form_on_an_anonymous_call_only(world, as_user):
    http = as_user(world.hotline)
    anonymous = http.get(_url(_call(world)))
    assert anonymous.context["register_form"] is not None
    assert anonymous.context["refer_form"] is None
    html = anonymous.content.decode()
    assert 'name="caller-given_name"' in html and 'name="link-client_code"' in html
    assert 'data-testid="sensitive-notice"' in html
    form = anonymous.context["register_form"]
    assert "checked" not in str(form["consent_follow_up"])  # never pre-ticked
    for asked_at_the_first_meeting in ("name", "phone", "notes", "commune", "share_with"):
        assert asked_at_the_first_meeting not in form.fields
    known = http.get(_url(_call(world, client=make_client(world, "HH2K7Q"))))
    assert known.context.get("register_form") is None
    assert 'name="caller-given_name"' not in known.content.decode()


def test_it_offers_only_active_groups_of_the_hotlines_province(world):
    from programs.models import PeerGroup

    closed = PeerGroup.objects.create(name="Nhóm đã dừng", support_model=world.model, active=False)
    groups = set(queries.caller_registration_groups(world.hotline, _call(world)))
    assert groups == {world.group, world.other_group}
    assert closed not in groups and world.hue_group not in groups
    assert not queries.caller_registration_groups(world.peer, _call(world)).exists()


def test_it_hides_the_registration_from_other_roles_and_other_hotlines(world, as_user):
    from conftest import make_user
    from programs.models import Organisation

    hue_hotline = Organisation.objects.create(
        name="Đường dây nóng Huế", kind="community", province=world.hue
    )
    other_counsellor = make_user("hotline_hue", "hotline", organisation=hue_hotline)
    call = _call(world)
    for user in (
        world.nobody,
        world.peer,
        world.leader,
        world.coordinator,
        world.provider,
        world.prov_manager,
        world.admin,
        other_counsellor,
    ):
        http = as_user(user)
        assert http.post(_url(call), _post(world)).status_code == 404, user
        link = {"action": "link", "link-client_code": "HH2K7Q"}
        assert http.post(_url(call), link).status_code == 404, user
    assert not Client.objects.exists()
    call.refresh_from_db()
    assert call.client is None


# --- Registering ---------------------------------------------------------------------


def test_it_registers_the_caller_links_the_call_and_offers_the_referral(world, as_user):
    from referrals.models import Referral

    service = _service(world)
    call = _call(world)
    http = as_user(world.hotline)
    response = http.post(_url(call), _post(world))
    assert response.status_code == 302
    assert response["Location"] == _url(call)  # no name, no UIC in the URL
    client = Client.objects.get()
    call.refresh_from_db()
    assert (call.client, call.caller_kind) == (client, "client")
    assert client.peer_group == world.group and client.province == world.qn
    assert client.uic == uic_index(
        build_uic(given_name=GIVEN, mother_given_name=MOTHER, birth_year=1990, sex="F")
    )
    assert not client.has_identity  # the names built the code and were not kept
    consent = Consent.objects.get(client=client)
    assert (consent.purpose, consent.method, consent.taken_by) == (
        "follow_up",
        "verbal",
        world.hotline,
    )
    assert AuditEntry.objects.filter(action="hotline.caller_register", actor=world.hotline).exists()
    page = http.get(_url(call))
    assert page.context["refer_form"] is not None
    assert client.short_code in page.content.decode()
    sent = http.post(
        _url(call),
        {"action": "refer", "service": service.pk, "reason": "Bị đánh", "consent_on_call": "on"},
    )
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert (referral.client, referral.urgency, referral.from_kind) == (
        client,
        "emergency",
        "hotline",
    )


def test_the_hotline_still_cannot_open_the_client_it_registered(world, as_user):
    client = _register(world, _call(world))
    http = as_user(world.hotline)
    assert http.get(reverse("clients:detail", args=[client.public_id])).status_code == 404
    assert http.get(reverse("clients:list")).status_code == 404


def test_it_refuses_a_group_outside_the_hotlines_province(world, as_user):
    call = _call(world)
    response = as_user(world.hotline).post(
        _url(call), _post(world, **{"caller-peer_group": world.hue_group.pk})
    )
    assert response.status_code == 200
    assert response.context["register_form"]["peer_group"].errors
    assert not Client.objects.exists()
    with pytest.raises(ValidationError) as exc:
        _register(world, call, peer_group=world.hue_group)
    assert "peer_group" in exc.value.message_dict
    assert not Client.objects.exists()


def test_it_requires_the_registration_consent_and_keeps_what_was_typed(world, as_user):
    call = _call(world)
    response = as_user(world.hotline).post(
        _url(call), _post(world, **{"caller-consent_follow_up": None})
    )
    assert response.status_code == 200
    form = response.context["register_form"]
    assert form["consent_follow_up"].errors
    assert "Người gọi phải đồng ý" in str(form["consent_follow_up"].errors)  # in Vietnamese
    assert form["birth_year"].value() == "1990"
    assert form["given_name"].value() == GIVEN
    assert str(form["peer_group"].value()) == str(world.group.pk)
    assert not Client.objects.exists() and not Consent.objects.exists()
    with pytest.raises(ValidationError):
        _register(world, call, consent_follow_up=False)
    assert not Client.objects.exists()
    call.refresh_from_db()
    assert call.client is None


def test_it_flags_a_minor_and_shows_the_child_protection_notice(world, as_user):
    call = _call(world)
    http = as_user(world.hotline)
    young = str(timezone.localdate().year - 16)
    response = http.post(_url(call), _post(world, **{"caller-birth_year": young}), follow=True)
    client = Client.objects.get()
    assert client.is_minor_at_registration
    assert 'data-testid="minor"' in response.content.decode()


def test_the_refer_form_of_a_minor_starts_on_the_child_protection_service(world, as_user):
    from directory.models import Service
    from directory.taxonomy import CHILD_PROTECTION

    child = Service.objects.create(
        organisation=world.legal, service_type=CHILD_PROTECTION, name="Bảo vệ trẻ em"
    )
    Service.objects.create(organisation=world.legal, service_type="legal_aid", name="Trợ giúp")
    minor = make_client(world, "MN16AB")
    Client.objects.filter(pk=minor.pk).update(birth_year=timezone.localdate().year - 16)
    call = _call(world, client=Client.objects.get(pk=minor.pk))
    form = as_user(world.hotline).get(_url(call)).context["refer_form"]
    assert form["service"].value() == child.pk
    adult = _call(world, client=make_client(world, "AD30CD"))
    assert as_user(world.hotline).get(_url(adult)).context["refer_form"]["service"].value() is None


def test_it_refuses_to_register_on_a_call_already_linked(world):
    call = _call(world, client=make_client(world, "HH2K7Q"))
    with pytest.raises(ValidationError):
        _register(world, call)
    assert Client.objects.count() == 1


# --- Duplicates: no other client is ever shown to the hotline ------------------------
# A match outside the user's scope is not an oracle: the registration goes through with
# no word to the hotline, and the coordinators of both records are told (issue 15).


def _existing_same_uic(world: Any) -> Client:
    uic = build_uic(given_name=GIVEN, mother_given_name=MOTHER, birth_year=1990, sex="F")
    client = make_client(world, "CP9X3M", group=world.other_group)
    Client.objects.filter(pk=client.pk).update(uic=uic_index(uic))
    return client


def test_a_duplicate_outside_the_hotlines_scope_says_nothing_to_the_hotline(world, as_user):
    from notifications.models import Notification

    existing = _existing_same_uic(world)
    call = _call(world)
    http = as_user(world.hotline)
    response = http.post(_url(call), _post(world))
    assert response.status_code == 302  # registered, exactly as without a match
    call.refresh_from_db()
    assert call.client is not None and call.client != existing
    page = http.get(_url(call)).content.decode()
    assert existing.short_code not in page and 'data-testid="caller-duplicate"' not in page
    assert not Notification.objects.filter(user=world.hotline).exists()
    told = Notification.objects.filter(kind="clients.possible_duplicate")
    assert told.filter(user=world.coordinator).exists()
    for note in told:
        text = note.title + note.body + note.url
        assert existing.short_code not in text and call.client.short_code not in text
        assert GIVEN not in text


def test_the_service_needs_a_reason_to_register_anyway(world):
    call = _call(world)
    with pytest.raises(ValidationError) as exc:
        _register(world, call, register_anyway=True)  # without a reason
    assert "duplicate_reason" in exc.value.message_dict
    assert Client.objects.count() == 0
    call.refresh_from_db()
    assert call.client is None


def test_it_links_the_call_by_the_callers_code(world, as_user):
    existing = _existing_same_uic(world)
    call = _call(world)
    http = as_user(world.hotline)
    response = http.post(_url(call), {"action": "link", "link-client_code": "cp9x3m"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.client, call.caller_kind) == (existing, "client")
    assert AuditEntry.objects.filter(action="hotline.call_link").exists()
    assert http.get(_url(call)).context["refer_form"] is not None


def test_it_refuses_codes_of_other_provinces_and_unknown_codes_alike(world, as_user):
    hue_client = make_client(world, "HU3E7K", group=world.hue_group)
    call = _call(world)
    http = as_user(world.hotline)
    errors = []
    for code in ("HU3E7K", "ZZZZZZ"):
        response = http.post(_url(call), {"action": "link", "link-client_code": code})
        assert response.status_code == 200
        errors.append(response.context["link_form"]["client_code"].errors)
        assert response.context["link_form"]["client_code"].value() == code
    assert errors[0] == errors[1]  # one message: never tells whether a code exists
    call.refresh_from_db()
    assert call.client is None
    with pytest.raises(ValidationError):
        services.hotline_call_link_client(actor=world.hotline, call=call, client=hue_client)
