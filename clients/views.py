"""Client registry pages. Thin: check the role (404 when wrong), call a query or a service.
URLs carry the client's public_id only; look-ups by code are POSTed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles, scope
from accounts.http import AuthedRequest
from audit.services import audit_view
from core import pages
from core.forms import apply_errors
from core.idempotency import Once
from directory.taxonomy import CHILD_PROTECTION

from . import consent as consents
from . import erasure, queries, services, subject_requests
from .duplicates import PossibleDuplicate, duplicate_check_recount
from .forms import (
    ClientEditForm,
    ClientRegisterForm,
    CloseRequestForm,
    ConsentForm,
    EraseForm,
    FindForm,
    RequestForm,
    StatusForm,
    UnmaskForm,
)
from .models import Client, Consent
from .records import IDENTITY_FIELDS


def _client(request: HttpRequest, public_id: UUID) -> Client:
    return queries.get_client(scope.require_role(request.user, roles.CASEWORK), public_id)


def _client_page(client: Client) -> str:
    """Where a form about one client leads back to: the client's page."""
    return reverse("clients:detail", args=[client.public_id])


@login_required
def client_list(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    return pages.list_page(
        request,
        "clients/client_list.html",
        queries.client_list(request.user),
        name="clients",
        can_register=queries.registration_groups(request.user).exists(),
        find_form=FindForm(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_register(request: AuthedRequest) -> HttpResponse:
    groups = queries.registration_groups(request.user)
    if not groups:
        raise Http404
    show_anyway = request.method == "POST" and "dup_shown" in request.POST
    form = ClientRegisterForm(request.POST or None, groups=groups, show_register_anyway=show_anyway)
    duplicates: list[Client] = []
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            client = once.run(
                lambda: services.client_register(
                    actor=request.user,
                    details=form.details(),
                    register_anyway=bool(data.get("register_anyway")),
                )
            )
        except PossibleDuplicate as dup:
            duplicate_check_recount(actor=request.user)
            # Only matches within the user's scope ever reach here (clients.duplicates).
            visible = queries.clients_for(request.user).filter(pk__in=[c.pk for c in dup.matches])
            duplicates = list(visible)
            form = ClientRegisterForm(request.POST, groups=groups, show_register_anyway=True)
            Once(request, form)  # the same key: nothing was recorded under it
            form.is_valid()
            form.add_error(
                "register_anyway",
                _(
                    "A client with the same code or phone is already registered. Open the "
                    "existing record, or tick this box if this is a different person."
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if client.is_minor_at_registration:
                messages.warning(
                    request,
                    _("This client is under 18: a child-protection referral is required."),
                )
            messages.success(
                request, _("Client registered with code %(code)s.") % {"code": client.short_code}
            )
            return redirect("clients:detail", public_id=client.public_id)
    return render(
        request,
        "clients/client_register.html",
        {
            "form": form,
            "duplicates": duplicates,
            "show_anyway": "register_anyway" in form.fields,
        },
    )


@login_required
@require_POST
def client_find(request: AuthedRequest) -> HttpResponse:
    """Look a client up by short code or UIC (POSTed, never in a URL)."""
    scope.require_role(request.user, roles.CASEWORK)
    form = FindForm(request.POST)
    results: list[Client] = []
    if form.is_valid():
        results = queries.find_by_code(request.user, form.cleaned_data["code"])
        if len(results) == 1:
            return redirect("clients:detail", public_id=results[0].public_id)
    return render(
        request,
        "clients/client_find.html",
        {"find_form": form, "results": results, "searched": form.is_valid()},
    )


@login_required
def client_detail(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    user = request.user
    see_identity = queries.can_see_identity(user, client)
    identity = services.client_view(
        actor=user, client=client, page="clients:detail", with_identity=see_identity
    )
    grant = queries.active_unmask(user, client)
    contacts: list[Any] = []
    can_log_contact = False
    consents = list(queries.consents_of(client))
    may_follow_up = queries.may_follow_up(client, consents)
    try:
        from outreach import queries as outreach_queries

        # The page shows neither who logged a contact nor who changed a status (the
        # export does): those rows are not joined.
        contacts = outreach_queries.with_handed_out(
            list(outreach_queries.contacts_of_client(client).select_related(None)[:10])
        )
        can_log_contact = outreach_queries.can_log_for(user, client, follow_up=may_follow_up)
    except ImportError:  # pragma: no cover
        pass
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "population_groups": list(client.population_groups.all()),
            "identity": identity,
            "see_identity": see_identity,
            "grant": grant,
            "can_unmask": queries.can_unmask(user, client) and not see_identity,
            "can_edit": queries.can_edit(user, client),
            "can_erase": queries.can_erase(user, client) and not client.is_erased,
            "can_close_requests": queries.can_erase(user, client),
            "consents": consents,
            "history": list(queries.status_history(client).select_related(None)),
            "requests": list(queries.requests_of(client)),
            "contacts": contacts,
            "can_log_contact": can_log_contact,
            "may_follow_up": may_follow_up,
            "child_protection_done": client.is_minor and queries.has_child_protection(client),
            "child_protection_type": CHILD_PROTECTION,
            "status_form": StatusForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    if not queries.can_edit(request.user, client):
        raise Http404
    provinces = {client.province_id}
    initial: dict[str, Any] = {
        "birth_year": client.birth_year,
        "sex": client.sex,
        "gender_identity": client.gender_identity,
        "population_groups": list(client.population_groups.all()),
        "commune": client.commune_id,
        "establishment": client.establishment_id,
    }
    if request.method == "GET" and not client.is_erased:
        initial.update(services.client_identity(actor=request.user, client=client, reason="edit"))
    form = ClientEditForm(
        request.POST or None,
        initial=initial,
        province_codes=provinces,
        erased=client.is_erased,
    )
    # A form opened before the identity was erased still carries what was typed in its
    # identity fields; the erased form has none, so that would be dropped in silence while
    # the sender is told "saved". Send it on: the service refuses it, saying why.
    typed_identity = {k: request.POST.get(form.add_prefix(k), "").strip() for k in IDENTITY_FIELDS}

    def save() -> None:
        data = form.cleaned_data
        identity = None
        if not client.is_erased:
            identity = {k: data[k] for k in IDENTITY_FIELDS}
        elif any(typed_identity.values()):
            identity = typed_identity
        services.client_update(
            actor=request.user,
            client=client,
            birth_year=data["birth_year"],
            sex=data["sex"],
            gender_identity=data["gender_identity"],
            population_groups=data["population_groups"],
            commune=data["commune"],
            establishment=data["establishment"],
            identity=identity,
            given_name=data.get("given_name", ""),
            mother_given_name=data.get("mother_given_name", ""),
            family_name=data.get("family_name", ""),
        )

    return pages.form_view(
        request,
        form,
        save,
        creates=False,
        success=_("Client record saved."),
        to=_client_page(client),
        title=_("Correct client %(code)s") % {"code": client.short_code},
    )


@login_required
@require_POST
def client_status(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and a date."))
        return redirect(_client_page(client))
    return pages.act(
        request,
        lambda: services.client_status_change(
            actor=request.user, client=client, **form.cleaned_data
        ),
        success=_("Status changed."),
        to=_client_page(client),
    )


def _identity_step(
    request: AuthedRequest,
    client: Client,
    form: Any,
    step: Callable[..., Any],
    *,
    title: str,
    submit: str,
    success: str = "",
) -> HttpResponse:
    """A step on the client's identity that is taken only with a written reason (showing
    it, erasing it): the reason form, then `step(actor, client, reason)`, then back to the
    client's page. `title` names the client by its `%(code)s`."""
    return pages.form_view(
        request,
        form,
        lambda: step(actor=request.user, client=client, reason=form.cleaned_data["reason"]),
        creates=False,
        success=success,
        to=_client_page(client),
        title=title % {"code": client.short_code},
        submit=submit,
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_unmask(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    if not queries.can_unmask(request.user, client):
        raise Http404
    return _identity_step(
        request,
        client,
        UnmaskForm(request.POST or None),
        services.client_unmask,
        title=_("Show the identity of %(code)s"),
        submit=_("Show identity"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    form = ConsentForm(request.POST or None, providers=queries.sharing_providers(client))
    return pages.form_view(
        request,
        form,
        lambda: consents.consent_record(actor=request.user, client=client, **form.cleaned_data),
        success=_("Consent recorded."),
        to=_client_page(client),
        title=_("Record consent for %(code)s") % {"code": client.short_code},
    )


def _what_stops(consent: Consent) -> list[str]:
    """What withdrawing this consent stops, said before it is withdrawn."""
    if consent.purpose == Consent.Purpose.FOLLOW_UP:
        return [
            _("The peer group may no longer contact or follow up this client."),
            _("No outreach contact can be logged with them and no reminders are sent."),
            _("No phone contact, even where it was agreed."),
        ]
    if consent.purpose == Consent.Purpose.SHARE_PROVIDER:
        name = consent.provider.name if consent.provider else ""
        return [
            _("No new referral of this client can be sent to %(provider)s.") % {"provider": name},
            _("Referrals already sent stay with the provider."),
        ]
    return [_("The client will no longer be contacted by phone.")]


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthedRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Asks first, saying what will stop: only the confirmation withdraws (a withdrawal
    cannot be undone without the client)."""
    client = _client(request, public_id)
    consent = get_object_or_404(client.consents.select_related("provider"), pk=pk)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    if consent.withdrawn_at is not None:
        if confirmed:  # a resend of the confirmation: answered as the first one was
            messages.success(request, _("Consent withdrawn."))
        return redirect("clients:detail", public_id=client.public_id)
    if confirmed:
        consents.consent_withdraw(actor=request.user, consent=consent)
        messages.success(request, _("Consent withdrawn."))
        return redirect("clients:detail", public_id=client.public_id)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"client": client, "consent": consent, "stops": _what_stops(consent)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_add(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    form = RequestForm(request.POST or None)
    return pages.form_view(
        request,
        form,
        lambda: subject_requests.request_record(
            actor=request.user, client=client, **form.cleaned_data
        ),
        success=_("Request recorded."),
        to=_client_page(client),
        title=_("Record a request from %(code)s") % {"code": client.short_code},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = scope.require_role(request.user, roles.LEADERS)
    dsr = queries.get_request(user, pk)
    if not queries.can_erase(user, dsr.client):
        raise Http404
    form = CloseRequestForm(request.POST or None)
    done = pages.handle_form(
        request,
        form,
        lambda: subject_requests.request_close(
            actor=user, request=dsr, note=form.cleaned_data["note"]
        ),
        creates=False,
        success=_("Request closed."),
        to=_client_page(dsr.client),
    )
    if done:
        return done
    audit_view(actor=user, obj=dsr, page="clients:request_close")
    return pages.form_page(
        request,
        form,
        title=_("Close request: %(kind)s") % {"kind": dsr.get_kind_display()},
        cancel_url=_client_page(dsr.client),
        submit=_("Close request"),
    )


@login_required
def client_export(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The client's own data as a UTF-8 HTML file, for a view/export request."""
    client = _client(request, public_id)
    if not queries.can_see_identity(request.user, client):
        raise Http404
    html = services.client_export(actor=request.user, client=client)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="client-data.html"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def client_erase(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id)
    if not queries.can_erase(request.user, client) or client.is_erased:
        raise Http404
    return _identity_step(
        request,
        client,
        EraseForm(request.POST or None),
        erasure.client_erase,
        title=_("Erase the identity of %(code)s"),
        submit=_("Erase identity"),
        success=_("Identity erased. The pseudonymous record and counts stay."),
    )
