"""Thin views of establishments: check the role (404 when wrong), call a query or a
service. The pages keep their first addresses (/activities/establishments/...), under the
`establishments:` namespace."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import roles, scope
from accounts.models import User
from core.forms import apply_errors
from core.idempotency import Once
from core.paging import paginate

from . import queries, services
from .forms import AgreementForm, EstablishmentForm, OwnerContactForm, RevealReasonForm


def _establishment_user(request: HttpRequest) -> User:
    """The signed-in coordinator, group leader or peer educator; 404 for anyone else."""
    if not scope.has_role(request.user, *roles.CASEWORK):
        raise Http404
    return cast(User, request.user)


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    user = _establishment_user(request)
    page_obj = paginate(request, queries.establishments_for(user))
    return render(
        request,
        "programs/establishment_list.html",
        {"establishments": page_obj.object_list, "page_obj": page_obj},
    )


@login_required
def establishment_create(request: HttpRequest) -> HttpResponse:
    user = _establishment_user(request)
    form = EstablishmentForm(request.POST or None, user=user)
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            establishment = once.run(
                lambda: services.establishment_register(
                    actor=user,
                    name=data["name"],
                    kind=data["kind"],
                    commune=data["commune"],
                    support_model=data["support_model"],
                    owner_name=data["owner_name"],
                    owner_phone=data["owner_phone"],
                )
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Establishment registered."))
            return redirect(
                "establishments:establishment_detail", public_id=establishment.public_id
            )
    return render(request, "programs/establishment_form.html", {"form": form})


@login_required
def establishment_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _establishment_user(request)
    establishment = queries.get_establishment(user, public_id)
    reveal_form = RevealReasonForm(prefix="reveal")
    contact_form = OwnerContactForm(prefix="contact")
    agreement_form = AgreementForm(prefix="agreement")
    Once(request, agreement_form)
    contact = None
    may_contact = queries.can_manage_owner_contact(user, establishment)
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
        elif action == "contact":
            contact_form = OwnerContactForm(request.POST, prefix="contact")
            if contact_form.is_valid():
                services.establishment_set_owner_contact(
                    actor=user,
                    establishment=establishment,
                    owner_name=contact_form.cleaned_data["owner_name"],
                    owner_phone=contact_form.cleaned_data["owner_phone"],
                )
                messages.success(request, _("Owner's contact saved."))
                return redirect("establishments:establishment_detail", public_id=public_id)
        elif action == "agreement":
            agreement_form = AgreementForm(request.POST, prefix="agreement")
            once = Once(request, agreement_form)
            if once.ready():
                data = once.cleaned_data
                once.run(
                    lambda: services.establishment_agreement_record(
                        actor=user,
                        establishment=establishment,
                        signed_on=data["signed_on"],
                        summary=data["summary"],
                        signed_by=data["signed_by"],
                    )
                )
                messages.success(request, _("Agreement recorded."))
                return redirect("establishments:establishment_detail", public_id=public_id)
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
            "contact_form": contact_form,
            "agreement_form": agreement_form,
        },
    )
