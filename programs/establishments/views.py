"""Thin views of establishments: check the role (404 when wrong), call a query or a
service. The pages keep their first addresses (/activities/establishments/...), under the
`establishments:` namespace."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles, scope
from core import pages
from core.idempotency import Once

from . import queries, services
from .forms import AgreementForm, EstablishmentForm, OwnerContactForm, RevealReasonForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    return pages.list_page(
        request,
        "programs/establishment_list.html",
        queries.establishments_for(user),
        name="establishments",
    )


@login_required
def establishment_create(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    form = EstablishmentForm(request.POST or None, user=user)
    done = pages.handle_form(
        request,
        form,
        lambda: services.establishment_register(actor=user, **form.cleaned_data),
        success=_("Establishment registered."),
        to=lambda establishment: reverse(
            "establishments:establishment_detail", args=[establishment.public_id]
        ),
    )
    return done or render(request, "programs/establishment_form.html", {"form": form})


# The forms of the detail page that write, by the `action` posted: (form, service,
# whether it creates a record, the message once done).
_WRITES: dict[str, tuple[type[forms.BaseForm], Callable[..., Any], bool, StrOrPromise]] = {
    "contact": (
        OwnerContactForm,
        services.establishment_set_owner_contact,
        False,
        gettext_lazy("Owner's contact saved."),
    ),
    "agreement": (
        AgreementForm,
        services.establishment_agreement_record,
        True,
        gettext_lazy("Agreement recorded."),
    ),
}


@login_required
def establishment_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    establishment = queries.get_establishment(user, public_id)
    reveal_form = RevealReasonForm(prefix="reveal")
    page_forms: dict[str, forms.BaseForm] = {
        "contact": OwnerContactForm(prefix="contact"),
        "agreement": AgreementForm(prefix="agreement"),
    }
    Once(request, page_forms["agreement"])
    contact = None
    may_contact = queries.can_manage_owner_contact(user, establishment)
    here = reverse("establishments:establishment_detail", args=[public_id])
    done = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("reveal", "contact") and not may_contact:
            raise Http404
        if action == "reveal":
            reveal_form = RevealReasonForm(request.POST, prefix="reveal")
            if reveal_form.is_valid():
                contact = services.establishment_owner_contact(
                    actor=user,
                    establishment=establishment,
                    reason=reveal_form.cleaned_data["reason"],
                )
        elif action in _WRITES:
            form_class, write, creates, success = _WRITES[action]
            form = page_forms[action] = form_class(request.POST, prefix=action)
            done = pages.handle_form(
                request,
                form,
                lambda: write(actor=user, establishment=establishment, **form.cleaned_data),
                creates=creates,
                success=str(success),
                to=here,
            )
        if done:
            return done
    return render(
        request,
        "programs/establishment_detail.html",
        {
            "establishment": establishment,
            "summary": queries.establishment_summary(establishment),
            "has_contact": bool(establishment.wrapped_key),
            "may_contact": may_contact,
            "contact": contact,
            "reveal_form": reveal_form,
            "contact_form": page_forms["contact"],
            "agreement_form": page_forms["agreement"],
        },
    )
