"""Outreach pages. Thin: check the role (404 when wrong), call a query or a service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles, scope
from accounts.http import AuthedRequest
from clients import queries as client_queries
from clients.models import Client
from core import pages
from core.idempotency import Once
from core.offline import offline_cacheable
from programs.models import PeerGroup

from . import queries, services
from .forms import MaterialForm, StockReceiveForm, contact_form_for
from .models import PlaceType, Topic


def _contact_page(
    request: AuthedRequest, *, client: Client | None, groups: list[PeerGroup]
) -> HttpResponse:
    # Every default is valid (the prefilled form saves as it is) and records only what is
    # usual for this peer; the head count describes what happened, so it starts empty.
    initial: dict[str, Any] = {
        "contact_date": timezone.localdate(),
        "topics": [Topic.HIV_STI],
    }
    if client is None and len(groups) == 1:
        first = groups[0].communes.first()
        initial["commune"] = first.pk if first else None
    form = contact_form_for(
        request.user, request.POST or None, client=client, groups=groups, initial=initial
    )
    # The form carries a one-time key (named client_uuid, as the offline outbox and the
    # API call it): the same form sent twice (a double tap, a retry after a lost answer)
    # is one contact, as through the API.
    once = Once(request, form, field="client_uuid")
    if once.ready():
        key = once.key
        try:
            once.run(
                lambda: services.contact_log(
                    actor=request.user, details=form.details(), device_uuid=key
                )
            )
        except ValidationError as exc:
            form.show_refusal(exc)
        else:
            return _contact_saved(request, client)
    if not form.is_bound:
        _prefill_place(request.user, form, client)
    return render(
        request,
        "outreach/contact_form.html",
        {"form": form, "client": client, "holder": form.holder},
    )


def _prefill_place(user: Any, form: Any, client: Client | None) -> None:
    """The place a new form starts with: the client's establishment while the form offers
    it, else the place of the peer's last contact (queries.last_place). A form sent back
    shows what was sent instead, so this is read for a new form only."""
    establishments = form.fields["establishment"].queryset
    establishment: int | None
    if (
        client is not None
        and client.establishment_id
        and (establishments.filter(pk=client.establishment_id).exists())
    ):
        place, establishment = PlaceType.ESTABLISHMENT.value, client.establishment_id
    else:
        place, establishment = queries.last_place(user, establishments)
    form.initial["place_type"] = place
    if establishment is not None:
        form.initial["establishment"] = establishment


def _contact_saved(request: HttpRequest, client: Any) -> HttpResponse:
    messages.success(request, _("Contact saved."))
    if client is not None:
        return redirect("clients:detail", public_id=client.public_id)
    return redirect("portal:home")


@login_required
@require_http_methods(["GET", "POST"])
def contact_new_for(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Log a contact with one client: prefilled, so it is "Log contact" → Save."""
    scope.require_role(request.user, roles.PEERS)
    client = client_queries.get_client(request.user, public_id)
    groups = list(queries.logging_groups(request.user))
    if client.peer_group_id not in {g.pk for g in groups}:
        raise Http404
    return _contact_page(request, client=client, groups=groups)


@login_required
@require_http_methods(["GET", "POST"])
@offline_cacheable
def contact_new(request: AuthedRequest) -> HttpResponse:
    """Anonymous group outreach at a venue: a head count."""
    scope.require_role(request.user, roles.PEERS)
    groups = list(queries.logging_groups(request.user))
    if not groups:
        raise Http404
    return _contact_page(request, client=None, groups=groups)


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    return pages.list_page(
        request,
        "outreach/contact_list.html",
        queries.contact_list(request.user),
        name="contacts",
        can_log=scope.has_role(request.user, *roles.PEERS),
    )


@login_required
def stock_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    organisations = queries.stock_organisations(request.user)
    receiving = queries.receiving_organisations(request.user)
    since = timezone.localdate().replace(month=1, day=1)
    return render(
        request,
        "outreach/stock_list.html",
        {
            "rows": list(queries.stock_rows(organisations)),
            "receipts": list(queries.recent_receipts(organisations)),
            "can_receive": receiving.exists(),
            "handed_out": queries.distributed_totals(organisations, since),
            "since": since,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stock_receive(request: AuthedRequest) -> HttpResponse:
    organisations = list(queries.receiving_organisations(request.user))
    if not organisations:
        raise Http404
    form = StockReceiveForm(
        request.POST or None,
        organisations=queries.receiving_organisations(request.user),
        initial={"received_on": timezone.localdate()},
    )
    return pages.form_view(
        request,
        form,
        lambda: services.stock_receive(actor=request.user, **form.cleaned_data),
        refused=lambda exc: form.add_error(None, exc.messages),
        success=_("Stock received."),
        to="outreach:stock",
        title=_("Receive stock"),
    )


@login_required
def material_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS, roles.PEERS)
    return render(
        request,
        "outreach/material_list.html",
        {
            "materials": list(queries.materials_for(request.user)),
            "can_add": scope.has_role(request.user, *roles.PROGRAMME_ADMINS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.PROGRAMME_ADMINS)
    form = MaterialForm(request.POST or None)
    return pages.form_view(
        request,
        form,
        lambda: services.material_create(actor=request.user, **form.cleaned_data),
        success=_("Material added to the catalogue."),
        to="outreach:materials",
        title=_("New material"),
    )
