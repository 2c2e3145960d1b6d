"""Regression tests for the security review: organisation choices, one message for client
codes, and no names in free text (the owner's contact: programs/tests/
test_establishment_security.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import queries, services
from activities.forms import ActivityForm, DistributionForm, HealthDayDeliveryForm
from directory.models import Service
from hotline.forms import CallReferralForm, HotlineCallForm
from programs.establishments.forms import AgreementForm, RevealReasonForm
from programs.models import Organisation
from referrals.queries import NOT_AVAILABLE
from tests.factories import make_client

pytestmark = pytest.mark.django_db

NO_NAMES = "Do not write names or phone numbers here."


def _activity(world, **kw):
    defaults = dict(
        actor=world.peer,
        kind="meeting",
        held_on=date(2024, 3, 5),
        support_model=world.model,
        peer_group=world.group,
        commune=world.ha_long,
        venue_type="group_place",
        participants={"member": 3},
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.activity_record(actor=actor, record=services.ActivityRecord(**defaults))


@pytest.fixture
def karaoke(world):
    """A business establishment registered as an organisation in the model's province."""
    return Organisation.objects.create(
        name="Karaoke Sao Biển", kind=Organisation.Kind.ESTABLISHMENT, province=world.qn
    )


def _receive(world, organisation, quantity=50):
    from outreach.services import material_create, stock_receive

    material = material_create(actor=world.coordinator, name="Sổ tay quyền", theme="legal_aid")
    stock_receive(
        actor=world.coordinator,
        organisation=organisation,
        item_kind="material",
        material=material,
        quantity=quantity,
        received_on=date(2024, 1, 1),
    )
    return material


# --- 2. Organisation choices -----------------------------------------------------------


def test_it_never_offers_an_establishment_as_organiser(world, karaoke):
    offered = set(ActivityForm(user=world.coordinator).fields["organiser"].queryset)
    assert karaoke not in offered
    assert {world.agency, world.clinic, world.legal, world.hotline_org} <= offered
    assert world.hue_clinic not in offered


def test_it_refuses_an_establishment_or_an_outside_organiser_in_the_service(world, karaoke):
    for organiser in (karaoke, world.hue_clinic):
        with pytest.raises(ValidationError) as exc:
            _activity(world, organiser=organiser)
        assert "organiser" in exc.value.message_dict
    Organisation.objects.filter(pk=world.legal.pk).update(active=False)
    world.legal.refresh_from_db()
    with pytest.raises(ValidationError):
        _activity(world, organiser=world.legal)
    assert _activity(world, organiser=world.clinic).organiser == world.clinic


def test_it_refuses_an_establishment_organiser_posted_to_the_form(world, as_user, karaoke):
    response = as_user(world.coordinator).post(
        reverse("activities:activity_create"),
        {
            "kind": "communication",
            "held_on": "2024-04-10",
            "support_model": world.model.pk,
            "commune": world.ha_long.pk,
            "venue_type": "community",
            "organiser": karaoke.pk,
            "n_resident": "30",
        },
    )
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors


def test_it_offers_only_active_providers_of_the_province_at_a_health_day(world, karaoke):
    day = _activity(world, kind="health_day", participants={"worker": 12})
    form = HealthDayDeliveryForm(user=world.peer, activity=day)
    assert set(form.fields["provider"].queryset) == {world.clinic, world.legal}


def test_it_refuses_a_health_day_provider_that_is_not_a_provider_there(world, client_a, karaoke):
    day = _activity(world, kind="health_day", participants={"worker": 12})
    for provider in (world.agency, karaoke, world.hue_clinic):
        with pytest.raises(ValidationError) as exc:
            services.health_day_delivery_record(
                actor=world.peer,
                activity=day,
                client=client_a,
                service_type="reproductive_health_check",
                provider=provider,
            )
        assert "provider" in exc.value.message_dict
    assert not day.health_day_deliveries.exists()


def test_it_offers_the_lead_or_real_stock_holders_never_an_establishment(world, karaoke):
    _receive(world, karaoke)
    _receive(world, world.clinic)
    activity = _activity(world)
    offered = set(
        DistributionForm(user=world.peer, activity=activity).fields["organisation"].queryset
    )
    # The lead organisation (even without stock) and the clinic holding stock; not the
    # establishment holding stock, nor an organisation without stock.
    assert offered == {world.agency, world.clinic}


def test_it_refuses_handing_out_from_an_establishment_or_a_non_holder(world, karaoke):
    from outreach.models import MaterialStock

    material = _receive(world, karaoke)
    activity = _activity(world)
    for organisation in (karaoke, world.legal):
        with pytest.raises(ValidationError) as exc:
            services.activity_distribute(
                actor=world.peer,
                activity=activity,
                item_kind="material",
                material=material,
                quantity=5,
                organisation=organisation,
            )
        assert "organisation" in exc.value.message_dict
    assert MaterialStock.objects.get(organisation=karaoke).quantity == 50
    assert not activity.distributions.exists()


# --- 4. One message for client codes ---------------------------------------------------


def test_it_says_the_same_for_unknown_and_out_of_scope_codes(world, client_other_group):
    day = _activity(world, kind="health_day", participants={"worker": 12})
    for code in ("ZZZZZZ", client_other_group.short_code):
        form = HealthDayDeliveryForm(
            {
                "client_code": code,
                "service_type": "reproductive_health_check",
                "provider": world.clinic.pk,
            },
            user=world.peer,
            activity=day,
        )
        assert form.errors["client_code"] == [str(NOT_AVAILABLE)], code
    make_client(world, "HUE777", group=world.hue_group)
    for code in ("ZZZZZZ", "HUE777"):
        form = HotlineCallForm(
            {
                "started_at": "2024-03-05T10:00",
                "duration_minutes": "5",
                "client_code": code,
                "topic": HotlineCallForm.base_fields["topic"].choices[0][0],
                "urgency": "routine",
                "action": HotlineCallForm.base_fields["action"].choices[0][0],
            },
            user=world.peer,
        )
        assert form.errors["client_code"] == [str(NOT_AVAILABLE)], code


# --- 5. No names in free text -----------------------------------------------------------


def test_it_warns_against_names_in_free_text(world):
    from django.utils import translation

    with translation.override("en"):
        assert NO_NAMES in str(RevealReasonForm().fields["reason"].help_text)
        assert NO_NAMES in str(AgreementForm().fields["summary"].help_text)
        assert NO_NAMES in str(
            CallReferralForm(services=Service.objects.none()).fields["reason"].help_text
        )
        assert NO_NAMES in str(ActivityForm(user=world.coordinator).fields["title"].help_text)


def test_it_translates_the_warning(world):
    from django.utils import translation

    with translation.override("vi"):
        assert "Không ghi tên hay số điện thoại ở đây." in str(
            RevealReasonForm().fields["reason"].help_text
        )
    assert queries.ORGANISER_KINDS  # the organiser rule is public for other apps
