"""Thin views over directory.queries and directory.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles, scope
from accounts.http import AuthedRequest
from core import pages
from core.paging import paginate
from programs.models import Organisation

from . import forms, queries, services
from .taxonomy import CATEGORIES, SERVICE_TYPES


@login_required
def search(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.ANY_ROLE)
    form = forms.ServiceSearchForm(request.GET or None)
    results: Any = []
    if form.is_valid():
        data = form.cleaned_data
        results = queries.service_search(
            request.user,
            service_type=data["service_type"],
            category=data["category"],
            commune=data["commune"],
            province=data["province"],
            friendly_only=data["friendly_only"],
            text=data["text"],
        )
    elif not form.is_bound:
        results = queries.service_search(request.user)
    page_obj = paginate(request, results)
    rows = [
        {"service": s, "locations": queries.locations_as_seen_by(request.user, s.locations.all())}
        for s in page_obj.object_list
    ]
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "can_edit": queries.editable_organisations(request.user).exists(),
        },
    )


@login_required
def service_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope.require_role(request.user, roles.ANY_ROLE)
    service = queries.get_service(request.user, public_id)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "type": SERVICE_TYPES[service.service_type],
            "category": CATEGORIES[service.category],
            "locations": queries.locations_as_seen_by(request.user, service.locations.all()),
            "can_edit": queries.editable_organisations(request.user)
            .filter(pk=service.organisation_id)
            .exists(),
        },
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.AGREEMENT_READERS)
    page_obj = paginate(request, queries.agreements_for(request.user))
    rows = [{"agreement": a, "usage": queries.agreement_usage(a)} for a in page_obj.object_list]
    return render(
        request,
        "directory/agreement_list.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "can_edit": queries.can_edit_agreements(request.user),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    agreement = queries.get_agreement(request.user, public_id)
    return render(
        request,
        "directory/agreement_detail.html",
        {
            "agreement": agreement,
            "usage": queries.agreement_usage(agreement),
            "can_edit": queries.editable_agreements(request.user).filter(pk=agreement.pk).exists(),
        },
    )


def _record_edit(
    request: AuthedRequest,
    public_id: Any,
    *,
    find: Callable[[Any, Any], Any],
    form_class: type[forms.ServiceForm] | type[forms.LocationForm],
    save: Callable[[Any, dict[str, Any]], Any],
    title: str,
    success: str,
    to: str | Callable[[Any], str],
) -> HttpResponse:
    """Add (`public_id` None) or edit a record of an organisation the user keeps (404 when
    they keep none): `find` gives the record, `save` the use case, from the form."""
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    instance = None if public_id is None else find(request.user, public_id)
    form = form_class(request.POST or None, instance=instance, organisations=organisations)
    done = pages.handle_form(
        request,
        form,
        lambda: save(instance, form.cleaned_data),
        creates=instance is None,
        success=success,
        to=to,
    )
    return done or render(request, "directory/edit.html", {"form": form, "title": title})


@login_required
def service_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    return _record_edit(
        request,
        public_id,
        find=queries.editable_service,
        form_class=forms.ServiceForm,
        save=lambda service, data: services.service_save(
            actor=request.user, service=service, details=services.ServiceDetails(**data)
        ),
        title=_("Service"),
        success=_("Service saved."),
        to=lambda service: reverse("directory:service", args=[service.public_id]),
    )


@login_required
def location_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    return _record_edit(
        request,
        public_id,
        find=queries.editable_location,
        form_class=forms.LocationForm,
        save=lambda location, data: services.location_save(
            actor=request.user, location=location, details=services.LocationDetails(**data)
        ),
        title=_("Location"),
        success=_("Location saved."),
        to="directory:search",
    )


@login_required
def agreement_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    if not queries.can_edit_agreements(request.user):
        raise Http404
    instance = None
    if public_id is not None:
        instance = get_object_or_404(queries.editable_agreements(request.user), public_id=public_id)
    providers = queries.editable_organisations(request.user).filter(
        kind=Organisation.Kind.SERVICE_PROVIDER
    )
    support_models = queries.agreement_support_models(request.user)
    form = forms.AgreementForm(
        request.POST or None,
        instance=instance,
        providers=providers,
        support_models=support_models,
        support_model_required=not scope.is_admin(request.user),
    )
    lines = forms.AgreementLineFormSet(request.POST or None, instance=instance, prefix="lines")
    done = pages.handle_form(
        request,
        form,
        lambda: services.agreement_save(
            actor=request.user, agreement=instance, details=forms.agreement_details(form, lines)
        ),
        creates=instance is None,
        also_valid=[lines],
        success=_("Agreement saved."),
        to=lambda agreement: reverse("directory:agreement", args=[agreement.public_id]),
    )
    return done or render(request, "directory/agreement_edit.html", {"form": form, "lines": lines})
