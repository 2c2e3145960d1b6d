from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hotline import queries, services
from hotline.models import HotlineCall
from tests.factories import share_consent

pytestmark = pytest.mark.django_db


def _call(world, **kw):
    defaults = dict(
        actor=world.hotline,
        organisation=world.hotline_org,
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=12,
        topic="violence",
        urgency="routine",
        action="counselled",
    )
    defaults.update(kw)
    return services.hotline_call_log(**defaults)


def _service(world):
    from directory.models import Service

    return Service.objects.create(
        organisation=world.legal, service_type="legal_aid", name="Trợ giúp pháp lý khẩn cấp"
    )


def test_it_hides_hotline_pages_from_outsiders_and_wrong_roles(world, as_user):
    call = _call(world)
    urls = [
        reverse("hotline:hotline_shift"),
        reverse("hotline:call_create"),
        reverse("hotline:call_detail", args=[call.public_id]),
    ]
    for url in urls:
        for user in (world.nobody, world.peer, world.provider, world.coordinator, world.admin):
            assert as_user(user).get(url).status_code == 404, (url, user)
        assert as_user(world.hotline).get(url).status_code == 200
    done = reverse("hotline:call_follow_up_done", args=[call.public_id])
    assert as_user(world.peer).post(done).status_code == 404


def test_it_shows_calls_of_the_users_hotline_only(world, as_user):
    from conftest import make_user
    from programs.models import Organisation

    other = Organisation.objects.create(name="Hotline Huế", kind="community", province=world.hue)
    other_counsellor = make_user("hotline_hue", "hotline", organisation=other)
    call = _call(world)
    url = reverse("hotline:call_detail", args=[call.public_id])
    assert as_user(other_counsellor).get(url).status_code == 404


def test_it_logs_an_anonymous_call_and_a_client_call(world, as_user, client_a):
    http = as_user(world.hotline)
    started = timezone.localtime() - timedelta(minutes=30)
    response = http.post(
        reverse("hotline:call_create"),
        {
            "started_at": started.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "15",
            "client_code": "",
            "topic": "hiv_sti",
            "urgency": "routine",
            "action": "counselled",
        },
    )
    assert response.status_code == 302
    response = http.post(
        reverse("hotline:call_create"),
        {
            "started_at": started.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "5",
            "client_code": client_a.short_code.lower(),
            "topic": "violence",
            "urgency": "urgent",
            "action": "follow_up",
        },
    )
    assert response.status_code == 302
    anon, known = HotlineCall.objects.order_by("id")
    assert anon.caller_kind == "anonymous" and anon.client is None
    assert known.client == client_a and known.follow_up_open
    assert known.counsellor == world.hotline and known.organisation == world.hotline_org


def test_it_rejects_an_unknown_code_and_a_future_start(world, as_user):
    response = as_user(world.hotline).post(
        reverse("hotline:call_create"),
        {
            "started_at": (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "5",
            "client_code": "ZZZZZZ",
            "topic": "violence",
            "urgency": "urgent",
            "action": "counselled",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "client_code" in errors and "started_at" in errors
    assert not HotlineCall.objects.exists()


def test_it_lists_open_follow_ups_on_the_shift_and_marks_them_done(
    world, as_user, django_assert_max_num_queries
):
    for _ in range(3):
        _call(world, action="follow_up")
    _call(world)
    http = as_user(world.hotline)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("hotline:hotline_shift"))
    assert len(response.context["follow_ups"]) == 3
    first = response.context["follow_ups"][0]
    response = http.post(reverse("hotline:call_follow_up_done", args=[first.public_id]))
    assert response.status_code == 302
    assert queries.open_follow_ups(world.hotline).count() == 2
    first.refresh_from_db()
    assert first.follow_up_done_by == world.hotline


def test_it_turns_an_emergency_call_into_a_referral_in_one_step(world, as_user, client_a):
    from referrals.models import Referral

    service = _service(world)
    share_consent(client_a, world.legal, world.peer)
    call = _call(world, client=client_a, urgency="emergency", topic="violence")
    http = as_user(world.hotline)
    url = reverse("hotline:call_detail", args=[call.public_id])
    page = http.get(url)
    assert page.context["refer_form"]["reason"].value()  # prefilled
    response = http.post(url, {"service": service.pk, "reason": "Bị đánh, cần trợ giúp ngay"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.client == client_a and referral.urgency == "emergency"
    assert referral.from_kind == "hotline"
    call.refresh_from_db()
    assert call.action == "emergency_protection"
    assert referral.code in http.get(url).content.decode()


def test_it_shows_a_clear_error_when_the_client_has_not_consented(world, as_user, client_a):
    service = _service(world)
    call = _call(world, client=client_a, urgency="emergency")
    response = as_user(world.hotline).post(
        reverse("hotline:call_detail", args=[call.public_id]),
        {"service": service.pk, "reason": "Cần trợ giúp"},
    )
    assert response.status_code == 200
    form = response.context["refer_form"]
    assert form["consent_on_call"].errors  # the error sits next to the box that fixes it
    assert form["reason"].value() == "Cần trợ giúp"  # what was typed is kept


def test_it_takes_the_sharing_consent_on_the_call_and_sends_the_referral(world, as_user, client_a):
    from clients.models import Consent
    from referrals.models import Referral

    service = _service(world)
    call = _call(world, client=client_a, urgency="emergency")
    http = as_user(world.hotline)
    url = reverse("hotline:call_detail", args=[call.public_id])
    assert 'name="consent_on_call"' in http.get(url).content.decode()
    assert "checked" not in str(http.get(url).context["refer_form"]["consent_on_call"])
    response = http.post(
        url, {"service": service.pk, "reason": "Cần trợ giúp", "consent_on_call": "on"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=client_a, purpose="share_provider")
    assert (consent.provider, consent.method, consent.taken_by) == (
        world.legal,
        "verbal",
        world.hotline,
    )
    assert Referral.objects.get().provider == world.legal


def test_a_refused_referral_does_not_keep_the_consent_ticked_on_the_call(world, client_a):
    from clients.models import Consent

    service = _service(world)
    call = _call(world, client=client_a, urgency="emergency")
    with pytest.raises(ValidationError):
        services.hotline_call_refer(
            actor=world.hotline, call=call, service=service, reason="  ", consent_on_call=True
        )
    assert not Consent.objects.filter(client=client_a, purpose="share_provider").exists()


def test_the_topic_and_the_action_of_a_call_start_empty(world, as_user):
    """What the call was about is the counsellor's to choose: no default records it."""
    http = as_user(world.hotline)
    form = http.get(reverse("hotline:call_create")).context["form"]
    assert form["topic"].value() in (None, "") and form["action"].value() in (None, "")
    started = timezone.localtime() - timedelta(minutes=3)
    response = http.post(
        reverse("hotline:call_create"),
        {"started_at": started.strftime("%Y-%m-%dT%H:%M"), "urgency": "routine"},
    )
    assert response.status_code == 200 and not HotlineCall.objects.exists()
    assert {"topic", "action"} <= set(response.context["form"].errors)


def _post_call(http, started, **extra):
    data = {
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "topic": "violence",
        "urgency": "emergency",
        "action": "counselled",
    }
    data.update(extra)
    return http.post(reverse("hotline:call_create"), data)


def test_a_call_in_progress_is_saved_at_once_and_ended_later(world, as_user):
    from audit.models import AuditEntry

    http = as_user(world.hotline)
    started = timezone.localtime() - timedelta(minutes=7)
    response = _post_call(http, started)
    assert response.status_code == 302
    call = HotlineCall.objects.get()
    assert call.in_progress and call.duration_minutes is None and call.ended_at is None
    url = reverse("hotline:call_detail", args=[call.public_id])
    page = http.get(url).content.decode()
    assert "Đang diễn ra" in page and 'name="end-duration_minutes"' in page
    assert "Đang diễn ra" in http.get(reverse("hotline:hotline_shift")).content.decode()
    # Ended with nothing typed: the minutes since the start.
    assert http.post(url, {"action": "end"}).status_code == 302
    call.refresh_from_db()
    assert not call.in_progress and call.duration_minutes in (7, 8)
    assert AuditEntry.objects.filter(action="hotline.call_end").count() == 1
    # Ending it twice changes nothing.
    http.post(url, {"action": "end", "end-duration_minutes": "90"})
    call.refresh_from_db()
    assert call.duration_minutes in (7, 8)
    assert 'name="end-duration_minutes"' not in http.get(url).content.decode()


def test_a_call_ends_with_the_minutes_typed_or_its_end_time(world, as_user):
    http = as_user(world.hotline)
    started = timezone.localtime() - timedelta(hours=1)
    _post_call(http, started)
    call = HotlineCall.objects.get()
    url = reverse("hotline:call_detail", args=[call.public_id])
    response = http.post(url, {"action": "end", "end-duration_minutes": "abc"})
    assert response.status_code == 200 and response.context["end_form"].errors
    assert http.post(url, {"action": "end", "end-duration_minutes": "25"}).status_code == 302
    call.refresh_from_db()
    assert call.duration_minutes == 25 and call.ended_at == call.started_at + timedelta(minutes=25)
    # Logged afterwards with its start and end: the duration is counted.
    _post_call(
        http,
        started,
        ended_at=(started + timedelta(minutes=18)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert HotlineCall.objects.latest("id").duration_minutes == 18
    response = _post_call(
        http, started, ended_at=(started - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == 200 and "ended_at" in response.context["form"].errors
    assert HotlineCall.objects.count() == 2


def test_after_an_emergency_referral_the_call_shows_where_to_go(world, as_user, client_a):
    """Read to the caller: the codes, the provider's address, hours and phone, the slip."""
    from directory.models import Location

    service = _service(world)
    service.phone = "0203 3825 111"
    service.save()
    place = Location.objects.create(
        organisation=world.legal,
        name="Văn phòng trợ giúp pháp lý",
        address="12 Lê Thánh Tông, Hạ Long",
        opening_hours="7:30–17:00, thứ Hai–thứ Sáu",
        phone="0203 3825 222",
    )
    service.locations.add(place)
    share_consent(client_a, world.legal, world.peer)
    call = _call(world, client=client_a, urgency="emergency", topic="violence")
    http = as_user(world.hotline)
    url = reverse("hotline:call_detail", args=[call.public_id])
    response = http.post(url, {"service": service.pk, "reason": "Bị đánh, cần trợ giúp ngay"})
    assert response.status_code == 302
    page = http.get(url).content.decode()
    from referrals.models import Referral

    referral = Referral.objects.get()
    for text in (
        referral.code,
        client_a.short_code,
        "12 Lê Thánh Tông, Hạ Long",
        "7:30–17:00, thứ Hai–thứ Sáu",
        "0203 3825 222",
        "0203 3825 111",
        reverse("referrals:slip", args=[referral.public_id]),
    ):
        assert text in page, text


def test_a_resent_follow_up_done_is_answered_with_the_same_success(world, as_user):
    from audit.models import AuditEntry

    call = _call(world, action="follow_up")
    http = as_user(world.hotline)
    url = reverse("hotline:call_follow_up_done", args=[call.public_id])
    first, again = http.post(url, follow=True), http.post(url, follow=True)
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert [m.level_tag for m in again.context["messages"]] == ["success"]
    assert AuditEntry.objects.filter(action="hotline.follow_up_done").count() == 1
