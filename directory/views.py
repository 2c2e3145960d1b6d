"""Thin views over directory.queries and directory.services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles, scope
from accounts.http import AuthedRequest
from core import pages
from core.paging import paginate
from programs.models import Organisation

from . import forms, queries, services
from .taxonomy import CATEGORIES, SERVICE_TYPES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


@dataclass(frozen=True)
class _Kind:
    """A record of an organisation edited on one form page (a service, a location): how
    to find it, its form, its use case (and the use case's keyword for the record) and
    details, the page's title and message, and where it leads once saved."""

    find: Callable[[Any, Any], Any]
    form_class: type[forms.ServiceForm] | type[forms.LocationForm]
    save: Callable[..., Any]
    keyword: str
    details: Callable[..., Any]
    title: StrOrPromise
    success: StrOrPromise
    to: str | Callable[[Any], str]


_KINDS = {
    "service": _Kind(
        queries.editable_service,
        forms.ServiceForm,
        services.service_save,
        "service",
        services.ServiceDetails,
        gettext_lazy("Service"),
        gettext_lazy("Service saved."),
        lambda service: reverse("directory:service", args=[service.public_id]),
    ),
    "location": _Kind(
        queries.editable_location,
        forms.LocationForm,
        services.location_save,
        "location",
        services.LocationDetails,
        gettext_lazy("Location"),
        gettext_lazy("Location saved."),
        "directory:search",
    ),
}


def _record_edit(request: AuthedRequest, public_id: Any, kind: str) -> HttpResponse:
    """Add (`public_id` None) or edit a record of an organisation the user keeps (404 when
    they keep none), of the `kind` that says how to find and save it."""
    k = _KINDS[kind]
    organisations = queries.editable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    instance = None if public_id is None else k.find(request.user, public_id)
    form = k.form_class(request.POST or None, instance=instance, organisations=organisations)
    done = pages.handle_form(
        request,
        form,
        lambda: k.save(
            actor=request.user, details=k.details(**form.cleaned_data), **{k.keyword: instance}
        ),
        creates=instance is None,
        success=str(k.success),
        to=k.to,
    )
    return done or render(request, "directory/edit.html", {"form": form, "title": str(k.title)})


@login_required
def service_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    return _record_edit(request, public_id, "service")


@login_required
def location_edit(request: AuthedRequest, public_id: Any = None) -> HttpResponse:
    return _record_edit(request, public_id, "location")


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
