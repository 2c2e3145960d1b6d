"""Regression tests for the security review's findings on the directory (h7): coordinators
edit only their own models' agreements and only service providers' services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from directory import queries
from directory.models import Agreement, AgreementLine, Location, Service

pytestmark = pytest.mark.django_db


def _agreement(world: Any, model: Any, title: str = "Other model's deal") -> Agreement:
    agreement = Agreement.objects.create(
        provider=world.clinic,
        support_model=model,
        title=title,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
    )
    AgreementLine.objects.create(agreement=agreement, service_type="gyn_exam", quantity=10)
    return agreement


def _agreement_post(world: Any, agreement: Agreement | None, model: Any) -> dict[str, Any]:
    line = agreement.lines.first() if agreement else None
    return {
        "provider": world.clinic.pk,
        "support_model": model.pk if model else "",
        "title": "hijacked",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1" if line else "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": line.pk if line else "",
        "lines-0-service_type": "gyn_exam",
        "lines-0-quantity": "1",
    }


def test_it_limits_coordinators_to_their_own_models_agreements(world: Any) -> None:
    own = _agreement(world, world.model, "Own")
    other = _agreement(world, world.other_model)
    unattached = _agreement(world, None, "No model")
    assert set(queries.editable_agreements(world.coordinator)) == {own}
    assert set(queries.editable_agreements(world.admin)) == {own, other, unattached}
    assert not queries.editable_agreements(world.provider).exists()
    assert set(queries.agreement_support_models(world.coordinator)) == {world.model}


def test_it_refuses_editing_another_models_agreement(world: Any, as_user: Any) -> None:
    other = _agreement(world, world.other_model)
    c = as_user(world.coordinator)
    url = reverse("directory:agreement_edit", args=[other.public_id])
    assert c.get(url).status_code == 404
    assert c.post(url, _agreement_post(world, other, world.model)).status_code == 404
    other.refresh_from_db()
    assert other.support_model == world.other_model and other.title == "Other model's deal"


def test_it_offers_only_the_coordinators_models_in_the_agreement_form(
    world: Any, as_user: Any
) -> None:
    c = as_user(world.coordinator)
    url = reverse("directory:agreement_new")
    form = c.get(url).context["form"]
    assert set(form.fields["support_model"].queryset) == {world.model}
    assert form.fields["support_model"].required
    for model in (world.other_model, None):
        response = c.post(url, _agreement_post(world, None, model))
        assert response.status_code == 200
        assert response.context["form"].errors["support_model"]
    assert not Agreement.objects.exists()
    assert c.post(url, _agreement_post(world, None, world.model)).status_code == 302
    assert Agreement.objects.get().support_model == world.model


def test_it_rechecks_the_support_model_in_the_service(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from directory.forms import AgreementForm, AgreementLineFormSet, agreement_details
    from directory.services import agreement_save
    from programs.models import Organisation, SupportModel

    data = _agreement_post(world, None, world.other_model)
    form = AgreementForm(
        data,
        providers=Organisation.objects.all(),
        support_models=SupportModel.objects.all(),  # a form that forgot to limit choices
    )
    lines = AgreementLineFormSet(data, prefix="lines")
    assert form.is_valid() and lines.is_valid()
    with pytest.raises(ValidationError):
        agreement_save(
            actor=world.coordinator, agreement=None, details=agreement_details(form, lines)
        )
    assert not Agreement.objects.exists()


def test_it_lets_coordinators_edit_only_service_providers(world: Any, as_user: Any) -> None:
    editable = set(queries.editable_organisations(world.coordinator))
    assert editable == {world.clinic, world.legal}
    assert world.agency not in editable and world.hotline_org not in editable
    assert world.hue_clinic not in editable
    assert set(queries.editable_organisations(world.provider)) == {world.clinic}
    assert not queries.editable_organisations(world.peer).exists()
    c = as_user(world.coordinator)
    data = {
        "organisation": world.agency.pk,
        "service_type": "gyn_exam",
        "name": "Fake",
        "cost": "free",
        "active": "on",
    }
    response = c.post(reverse("directory:service_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Service.objects.filter(organisation=world.agency).exists()
    response = c.post(
        reverse("directory:location_new"),
        {"organisation": world.agency.pk, "name": "X", "address": "Y", "active": "on"},
    )
    assert response.status_code == 200
    assert not Location.objects.filter(organisation=world.agency).exists()
    data["organisation"] = world.clinic.pk
    assert c.post(reverse("directory:service_new"), data).status_code == 302


def test_it_refuses_a_non_provider_organisation_in_the_service_layer(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from directory.forms import ServiceForm
    from directory.services import ServiceDetails, service_save
    from programs.models import Organisation

    data = {"organisation": world.agency.pk, "service_type": "gyn_exam", "name": "Fake"}
    data.update(cost="free", active="on")
    form = ServiceForm(data, organisations=Organisation.objects.all())
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError):
        service_save(
            actor=world.coordinator, service=None, details=ServiceDetails(**form.cleaned_data)
        )
    assert not Service.objects.exists()
