"""Issue 15 item 3: the provider sees the client code, the referral's reason and only what
the sender chose to share for that referral, with the client's consent on file."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Consent, PopulationGroup
from referrals.models import Referral
from tests.factories import make_client

from .conftest import send

pytestmark = pytest.mark.django_db

FSW = "Phụ nữ bán dâm"
PWUD = "Người sử dụng ma túy"


@pytest.fixture
def pwud(rworld: Any) -> PopulationGroup:
    group, _ = PopulationGroup.objects.get_or_create(
        code="pwud", defaults={"name_vi": PWUD, "name_en": "People who use drugs"}
    )
    rworld.client.population_groups.add(group)
    return group


def _provider_pages(rworld: Any, as_user: Any, referral: Referral) -> list[str]:
    c = as_user(rworld.w.provider)
    return [
        c.get(reverse("referrals:inbox")).content.decode(),
        c.get(reverse("referrals:inbox_detail", args=[referral.public_id])).content.decode(),
        c.get(reverse("portal:home")).content.decode(),
    ]


def test_it_shows_the_provider_no_population_group_unless_shared(
    rworld: Any, as_user: Any, pwud: PopulationGroup
) -> None:
    referral = send(rworld)
    for page in _provider_pages(rworld, as_user, referral):
        assert rworld.client.short_code in page
        assert FSW not in page and PWUD not in page
        assert "1996" not in page


def test_it_shows_only_what_the_sender_shared(
    rworld: Any, as_user: Any, pwud: PopulationGroup
) -> None:
    c = as_user(rworld.w.peer)
    url = reverse("referrals:new", args=[rworld.client.public_id])
    form = c.get(url).context["form"]
    choices = form.fields["share_population_groups"]
    assert set(choices.queryset) == {pwud, PopulationGroup.objects.get(code="fsw")}
    assert not form["share_population_groups"].value() and not form["share_birth_year"].value()
    response = c.post(
        url,
        {
            "service": rworld.s.gyn.pk,
            "reason": "Khám định kỳ",
            "urgency": "routine",
            "share_population_groups": ["fsw"],
            "share_birth_year": "on",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    inbox, detail, _home = _provider_pages(rworld, as_user, referral)
    for page in (inbox, detail):
        assert FSW in page and "1996" in page
        assert PWUD not in page  # not shared for this referral
    entry = AuditEntry.objects.get(object_id=str(referral.pk), action="create")
    assert entry.changes["shared_with_provider"] == ["population_groups", "birth_year"]
    # The sender sees what was shared.
    sender_page = c.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert FSW in sender_page


def test_it_stops_showing_shared_items_once_consent_is_withdrawn(rworld: Any, as_user: Any) -> None:
    referral = send(rworld, share_population_groups=list(rworld.client.population_groups.all()))
    assert FSW in _provider_pages(rworld, as_user, referral)[1]
    Consent.objects.filter(client=rworld.client).update(withdrawn_at=timezone.now())
    assert FSW not in _provider_pages(rworld, as_user, referral)[1]


def test_it_refuses_to_share_without_consent_and_keeps_what_was_typed(
    rworld: Any, as_user: Any
) -> None:
    client = make_client(rworld.w)  # no consent to share with anyone
    c = as_user(rworld.w.coordinator)
    url = reverse("referrals:new", args=[client.public_id])
    data = {
        "service": rworld.s.gyn.pk,
        "reason": "Cần khám gấp",
        "urgency": "urgent",
        "override_reason": "Khách đang cấp cứu, chưa thể hỏi ý kiến",
        "share_population_groups": ["fsw"],
        "share_gender": "on",
    }
    response = c.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "sự đồng ý" in " ".join(form.errors["share_population_groups"])
    assert form["reason"].value() == "Cần khám gấp"
    assert not Referral.objects.exists()
    # Sharing nothing, the coordinator's override still sends it.
    del data["share_population_groups"], data["share_gender"]
    assert c.post(url, data).status_code == 302
    referral = Referral.objects.get()
    assert not referral.shared_population_groups.exists() and not referral.share_gender


def test_it_refuses_a_group_the_client_does_not_belong_to(rworld: Any) -> None:
    from django.core.exceptions import ValidationError

    other, _ = PopulationGroup.objects.get_or_create(
        code="plhiv", defaults={"name_vi": "Người sống với HIV", "name_en": "PLHIV"}
    )
    with pytest.raises(ValidationError):
        send(rworld, share_population_groups=[other])
    assert not Referral.objects.exists()


def test_it_lists_the_inbox_with_a_fixed_number_of_queries(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    for _i in range(6):
        send(rworld, share_population_groups=list(rworld.client.population_groups.all()))
    c = as_user(rworld.w.provider)
    c.get(reverse("referrals:inbox"))
    with django_assert_max_num_queries(14):
        page = c.get(reverse("referrals:inbox")).content.decode()
    assert page.count(FSW) == 6
