"""Thin views over directory.queries and directory.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import roles, scope
from accounts.http import AuthedRequest
from core.forms import apply_errors
from core.idempotency import Once
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


@login_required
def service_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    instance = None
    if public_id is not None:
        instance = queries.editable_service(request.user, public_id)
    form = forms.ServiceForm(request.POST or None, instance=instance, organisations=organisations)
    once = Once(request, form, active=instance is None)
    if once.ready():
        try:
            service = once.run(
                lambda: services.service_save(
                    actor=request.user,
                    service=instance,
                    details=services.ServiceDetails(**form.cleaned_data),
                )
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect("directory:service", service.public_id)
    return render(request, "directory/edit.html", {"form": form, "title": _("Service")})


@login_required
def location_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    instance = None
    if public_id is not None:
        instance = queries.editable_location(request.user, public_id)
    form = forms.LocationForm(request.POST or None, instance=instance, organisations=organisations)
    once = Once(request, form, active=instance is None)
    if once.ready():
        try:
            once.run(
                lambda: services.location_save(
                    actor=request.user,
                    location=instance,
                    details=services.LocationDetails(**form.cleaned_data),
                )
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Location saved."))
            return redirect("directory:search")
    return render(request, "directory/edit.html", {"form": form, "title": _("Location")})


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
    once = Once(request, form, active=instance is None)
    if once.earlier is not None or (
        request.method == "POST" and form.is_valid() and lines.is_valid()
    ):
        try:
            agreement = once.run(
                lambda: services.agreement_save(
                    actor=request.user,
                    agreement=instance,
                    details=forms.agreement_details(form, lines),
                )
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("directory:agreement", agreement.public_id)
    return render(request, "directory/agreement_edit.html", {"form": form, "lines": lines})
