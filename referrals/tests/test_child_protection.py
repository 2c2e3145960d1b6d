"""Minors: a child-protection referral can be made from the minor's page and is followed on
the home page of group leaders and coordinators until one is sent."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from directory.models import Service
from directory.taxonomy import CHILD_PROTECTION, category_of
from programs.models import Organisation
from tests.factories import make_client, share_consent

from .conftest import send

MINOR_YEAR = date.today().year - 16


@pytest.fixture
def cp(rworld: Any) -> SimpleNamespace:
    """A social work centre offering child protection; a minor of the home group who
    consented to share with it; an adult; a minor of another model's group."""
    w = rworld.w
    centre = Organisation.objects.create(
        name="Trung tâm Công tác xã hội Quảng Ninh",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=w.qn,
        commune=w.ha_long,
    )
    service = Service.objects.create(
        organisation=centre, service_type=CHILD_PROTECTION, name="Bảo vệ trẻ em"
    )
    minor = make_client(w, birth_year=MINOR_YEAR, short_code="MIN0R1")
    share_consent(minor, centre, w.peer)
    adult = make_client(w, short_code="ADULT1")
    # Minor at registration, 18 or older now: no longer a child.
    grown = make_client(w, birth_year=date.today().year - 19, short_code="GROWN1")
    grown.is_minor_at_registration = True
    grown.save()
    elsewhere = make_client(w, group=w.other_group, birth_year=MINOR_YEAR, short_code="MIN0R2")
    w.leader_other = make_user("leader_other", Role.GROUP_LEADER, peer_group=w.other_group)
    return SimpleNamespace(
        rw=rworld,
        w=w,
        centre=centre,
        service=service,
        minor=minor,
        adult=adult,
        grown=grown,
        elsewhere=elsewhere,
    )


def _refer_url(client: Any) -> str:
    return reverse("referrals:new", args=[client.public_id]) + f"?type={CHILD_PROTECTION}"


def _home(as_user: Any, user: Any) -> str:
    response = as_user(user).get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def _panel(body: str) -> str:
    """The minors panel of a home page ("" when it is not shown)."""
    marker = 'data-testid="minors-panel"'
    if marker not in body:
        return ""
    return body.split(marker, 1)[1].split("</section>", 1)[0]


def test_it_maps_child_protection_to_violence_protection() -> None:
    assert category_of(CHILD_PROTECTION) == "protection"


def test_it_links_a_minors_page_to_a_child_protection_referral(
    cp: SimpleNamespace, as_user: Any
) -> None:
    for user in (cp.w.peer, cp.w.coordinator):
        body = as_user(user).get(reverse("clients:detail", args=[cp.minor.public_id])).content
        text = body.decode()
        assert 'data-testid="minor"' in text
        assert f'href="{_refer_url(cp.minor)}"' in text
    adult = as_user(cp.w.peer).get(reverse("clients:detail", args=[cp.adult.public_id]))
    assert CHILD_PROTECTION not in adult.content.decode()


def test_it_offers_only_child_protection_services_from_that_link(
    cp: SimpleNamespace, as_user: Any
) -> None:
    response = as_user(cp.w.peer).get(_refer_url(cp.minor))
    assert response.status_code == 200
    choices = {s.pk for s in response.context["form"].fields["service"].queryset}
    assert choices == {cp.service.pk}
    assert response.context["form"].initial == {"service": cp.service.pk}  # the only one
    assert 'data-testid="type-filter"' in response.content.decode()
    # An unknown type is ignored rather than leaving an empty choice.
    unknown = as_user(cp.w.peer).get(
        reverse("referrals:new", args=[cp.minor.public_id]) + "?type=nonsense"
    )
    assert cp.rw.s.gyn.pk in {s.pk for s in unknown.context["form"].fields["service"].queryset}


def test_it_sends_the_referral_and_counts_the_service_as_protection(
    cp: SimpleNamespace, as_user: Any
) -> None:
    response = as_user(cp.w.peer).post(
        _refer_url(cp.minor),
        {"service": cp.service.pk, "reason": "Dưới 18 tuổi", "urgency": "urgent", "note": ""},
    )
    assert response.status_code == 302
    referral = cp.minor.referrals.get()
    assert referral.service_type == CHILD_PROTECTION and referral.provider == cp.centre
    staff = make_user("centre_staff", Role.PROVIDER, organisation=cp.centre)
    done = as_user(staff).post(
        reverse("referrals:inbox_action", args=[referral.public_id, "complete"]),
        {"delivered_on": date.today().isoformat(), "service_types": [CHILD_PROTECTION]},
    )
    assert done.status_code == 302
    delivery = referral.deliveries.get()
    assert delivery.category == "protection"
    body = as_user(cp.w.peer).get(reverse("clients:detail", args=[cp.minor.public_id]))
    assert body.context["child_protection_done"] is True
    assert "Dưới 18 tuổi: đã chuyển gửi bảo vệ trẻ em." in body.content.decode()


def test_it_lists_minors_without_a_referral_until_one_is_sent(
    cp: SimpleNamespace, as_user: Any
) -> None:
    for user in (cp.w.coordinator, cp.w.leader):
        panel = _panel(_home(as_user, user))
        assert "MIN0R1" in panel
        assert "ADULT1" not in panel and "GROWN1" not in panel
        assert "MIN0R2" not in panel  # another model's group
        assert _refer_url(cp.minor).replace("&", "&amp;") in panel
    referral = send(cp.rw, client=cp.minor, service=cp.service)
    for user in (cp.w.coordinator, cp.w.leader):
        assert "MIN0R1" not in _panel(_home(as_user, user))
    # A cancelled referral protects nobody: the minor is listed again.
    from referrals.services import referral_cancel

    referral_cancel(actor=cp.w.peer, referral=referral, reason="Nhầm dịch vụ")
    assert "MIN0R1" in _panel(_home(as_user, cp.w.coordinator))


def test_it_shows_the_panel_to_nobody_else(cp: SimpleNamespace, as_user: Any) -> None:
    w = cp.w
    for user in (
        w.peer,  # sees the banner on the client's page instead
        w.peer_other_group,
        w.peer_other_province,
        w.coordinator_other,
        w.provider,
        w.hotline,
        w.prov_manager,
        w.nat_manager,
        w.admin,
        w.nobody,
    ):
        body = _home(as_user, user)
        assert "MIN0R1" not in body, user
        assert _panel(body) == "", user
    # The other group's leader sees their own minor only.
    panel = _panel(_home(as_user, w.leader_other))
    assert "MIN0R2" in panel and "MIN0R1" not in panel


def test_it_shows_codes_only_in_the_panel(world: Any, as_user: Any) -> None:
    from clients.tests.conftest import NAME, PHONE_DIGITS, register

    client = register(world, birth_year=MINOR_YEAR)
    body = _panel(_home(as_user, world.coordinator))
    assert client.short_code in body
    assert NAME not in body and PHONE_DIGITS not in body and client.uic not in body
