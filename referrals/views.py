"""Thin views over referrals.queries (reads) and referrals.services (writes).
Wrong role or out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles, scope
from accounts.http import AuthedRequest
from accounts.models import Role
from audit.services import audit_view
from clients.models import Client
from core import pages
from core.forms import apply_errors
from core.idempotency import Once
from directory import queries as directory_queries
from directory.taxonomy import SERVICE_TYPES, category_of

from . import forms, queries, services
from .deliveries import delivery_record
from .models import Referral, ServiceDelivery
from .slip import qr_svg, slip_png


def _scan_url(request: HttpRequest, referral: Referral) -> str:
    """What the slip's QR code encodes: the provider's look-up page with the referral code
    in the fragment. Browsers never send a fragment to the server, so the code appears in
    no request line or access log; the page posts it (static/js/app.js)."""
    return request.build_absolute_uri(reverse("referrals:inbox_find")) + "#" + referral.code


# --- Sending side ------------------------------------------------------------------------


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK_AND_HOTLINE)
    return _status_list(
        request,
        "referrals/list.html",
        queries.sent_referrals_for(user),
        can_follow_up=scope.has_role(user, *roles.CASEWORK),
    )


def _status_list(
    request: HttpRequest, template: str, referrals: QuerySet[Referral], **context: Any
) -> HttpResponse:
    """A list of referrals in the status chosen (?status=; the open ones unless told)."""
    status = request.GET.get("status", "open")
    return pages.list_page(
        request,
        template,
        queries.with_status(referrals, status),
        name="referrals",
        status=status,
        statuses=Referral.Status.choices,
        **context,
    )


def _from_kind(user: Any, client: Any) -> str:
    if client.peer_group_id in scope.peer_group_ids(user):
        return Referral.FromKind.PEER
    return Referral.FromKind.COORDINATOR


@login_required
def client_referrals(request: AuthedRequest, client_id: Any) -> HttpResponse:
    """The client's referrals and services (the sending side's view of one client)."""
    client = queries.get_client(request.user, client_id)
    audit_view(actor=request.user, obj=client, page="referrals:client")
    return render(request, "referrals/client.html", {"client": client})


@login_required
def referral_new(request: AuthedRequest, client_id: Any) -> HttpResponse:
    client = queries.get_client(request.user, client_id)
    allow_override = scope.has_role(request.user, Role.COORDINATOR)
    # The client's province only, unless ?all=1; the client's commune and friendly first.
    everywhere = request.GET.get("all") == "1"
    services_qs = queries.referral_services(request.user, client, everywhere=everywhere)
    # ?type=<service type> narrows the choice (the minor's banner links to child protection).
    service_type = SERVICE_TYPES.get(request.GET.get("type", ""))
    initial: dict[str, Any] = {}
    if service_type is not None:
        services_qs = services_qs.filter(service_type=service_type.code)
        only = list(services_qs.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            initial["service"] = only[0]  # one provider offers it: one tap less on a phone
    form = forms.ReferralForm(
        request.POST or None,
        services=services_qs,
        allow_override=allow_override,
        client=client,
        consent_inline=True,
        initial=initial,
    )
    done = pages.handle_form(
        request,
        form,
        lambda: services.referral_send(
            actor=request.user,
            client=client,
            from_kind=_from_kind(request.user, client),
            **form.referral(),
            **form.share_choices(),
        ),
        refused=form.refused,
        success=_("Referral sent. Show the slip to the client."),
        to=_slip,
    )
    return done or render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "client": client,
            "allow_override": allow_override,
            "service_type": service_type,
            "everywhere": everywhere,
        },
    )


@login_required
def hotline_referral_new(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.HOTLINE)
    form = forms.HotlineReferralForm(
        request.POST or None,
        services=directory_queries.services_for(request.user),
        consent_inline=True,
    )

    def send() -> Referral:
        client = _client_of_code(request, form)
        return services.referral_send(
            actor=request.user,
            client=client,
            from_kind=Referral.FromKind.HOTLINE,
            **form.referral(),
        )

    done = pages.handle_form(
        request,
        form,
        send,
        refused=form.refused,
        success=_("Referral sent. Read the referral code to the caller."),
        to=_slip,
    )
    return done or render(request, "referrals/new.html", {"form": form, "client": None})


def _slip(referral: Referral) -> str:
    return reverse("referrals:slip", args=[referral.public_id])


def _client_of_code(request: AuthedRequest, form: Any) -> Client:
    """The client whose short code the form gives, in the user's reach; refused on the
    code's field otherwise (queries.client_by_code)."""
    client = queries.client_by_code(request.user, form.cleaned_data["client_code"])
    if client is None:
        raise ValidationError({"client_code": queries.NOT_AVAILABLE})
    return client


@login_required
def referral_detail(request: AuthedRequest, public_id: Any) -> HttpResponse:
    referral = queries.get_sent_referral(request.user, public_id)
    audit_view(actor=request.user, obj=referral, page="referrals:detail")
    events, deliveries = queries.referral_history(referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": events,
            "deliveries": deliveries,
            "cancel_form": forms.CancelForm(),
        },
    )


@login_required
def referral_slip(request: AuthedRequest, public_id: Any) -> HttpResponse:
    referral = queries.get_sent_referral(request.user, public_id)
    locations = directory_queries.locations_as_seen_by(
        request.user, queries.slip_locations(referral)
    )
    audit_view(actor=request.user, obj=referral, page="referrals:slip")
    return render(
        request,
        "referrals/slip.html",
        {"referral": referral, "qr": qr_svg(_scan_url(request, referral)), "locations": locations},
    )


@login_required
def referral_slip_png(request: AuthedRequest, public_id: Any) -> HttpResponse:
    referral = queries.get_sent_referral(request.user, public_id)
    locations = directory_queries.locations_as_seen_by(
        request.user, queries.slip_locations(referral, active_only=True)
    )
    audit_view(actor=request.user, obj=referral, page="referrals:slip_png")
    response = HttpResponse(
        slip_png(referral, _scan_url(request, referral), locations), content_type="image/png"
    )
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.code}.png"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def referral_cancel(request: AuthedRequest, public_id: Any) -> HttpResponse:
    referral = queries.get_sent_referral(request.user, public_id)
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return pages.act(
        request,
        lambda: services.referral_cancel(actor=request.user, referral=referral, reason=reason),
        success=_("Referral cancelled."),
        to=reverse("referrals:detail", args=[referral.public_id]),
    )


def _duplicate_warning(form: Any, *, client: Any, provider: Any) -> bool:
    """True when the user must confirm a possible duplicate first (the form is then
    re-rendered with a warning and a confirmation box)."""
    data = form.cleaned_data
    if data.get("confirm_duplicate"):
        return False
    n = queries.possible_duplicates(
        client=client,
        category=category_of(data["service_type"]),
        provider=provider,
        delivered_on=data["delivered_on"],
    )
    if not n:
        return False
    form.duplicate_warning = _(
        "A service of this kind from this provider on this date is already recorded for "
        "this client. It counts once in reports. Record it again only if it is a "
        "different service."
    )
    form.fields["confirm_duplicate"].widget = form.fields["confirm_duplicate"].hidden_widget()
    form.data = form.data.copy()
    form.data["confirm_duplicate"] = "on"
    return True


@login_required
def peer_delivery_new(request: AuthedRequest, client_id: Any) -> HttpResponse:
    """A peer records a service the client received outside the system."""
    client = queries.get_client(request.user, client_id)
    providers = queries.delivery_providers(request.user, client)
    form = forms.PeerDeliveryForm(request.POST or None, providers=providers)
    return _delivery_page(
        request, form, client=client, to=reverse("referrals:client", args=[client.public_id])
    )


def _delivery_page(
    request: AuthedRequest, form: Any, *, client: Client | None, to: str
) -> HttpResponse:
    """Record a service received outside a referral, for `client` or (None) the client
    whose code the form gives; a possible duplicate is confirmed first."""

    def record() -> ServiceDelivery:
        who = client or _client_of_code(request, form)
        details = form.delivery()
        if _duplicate_warning(form, client=who, provider=details["provider"]):
            raise pages.ShowAgain
        return delivery_record(actor=request.user, client=who, **details)

    done = pages.handle_form(request, form, record, success=_("Service recorded."), to=to)
    return done or render(request, "referrals/delivery_new.html", {"form": form, "client": client})


# --- Provider side -----------------------------------------------------------------------


def _require_provider(request: HttpRequest) -> set[int]:
    orgs = queries.provider_org_ids(request.user)
    if not orgs:
        raise Http404
    return orgs


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    _require_provider(request)
    return _status_list(
        request,
        "referrals/inbox.html",
        queries.inbox_for(request.user),
        lookup_form=forms.CodeLookupForm(),
    )


@login_required
def inbox_find(request: AuthedRequest) -> HttpResponse:
    """Look a referral up by the code on the slip (typed or scanned). POST only: codes never
    travel in query strings."""
    _require_provider(request)
    form = forms.CodeLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = queries.find_inbox_referral(request.user, form.cleaned_data["code"])
        if referral is not None:
            return redirect("referrals:inbox_detail", referral.public_id)
        form.add_error(
            "code",
            _("No referral to your organisation has this code. Check the code on the slip."),
        )
    return render(request, "referrals/find.html", {"form": form})


@login_required
def inbox_detail(request: AuthedRequest, public_id: Any) -> HttpResponse:
    _require_provider(request)
    referral = queries.get_inbox_referral(request.user, public_id)
    audit_view(actor=request.user, obj=referral, page="referrals:inbox_detail")
    complete_form = forms.CompleteForm(initial={"service_types": [referral.service_type]})
    Once(request, complete_form)  # completing records services: one-time key
    return render(
        request,
        "referrals/inbox_detail.html",
        {"referral": referral, "decline_form": forms.DeclineForm(), "complete_form": complete_form},
    )


@login_required
@require_POST
def inbox_action(request: AuthedRequest, public_id: Any, action: str) -> HttpResponse:
    _require_provider(request)
    referral = queries.get_inbox_referral(request.user, public_id)
    decline_form = forms.DeclineForm(request.POST if action == "decline" else None)
    complete_form = forms.CompleteForm(
        request.POST if action == "complete" else None,
        initial={"service_types": [referral.service_type]},
    )
    form: Any = {"decline": decline_form, "complete": complete_form}.get(action)
    if action not in {"accept", "no-show", "decline", "complete"}:
        raise Http404
    once = Once(request, complete_form)
    if action == "complete" and once.earlier is not None:
        messages.success(request, _("Referral completed. The service is recorded."))
        return redirect("referrals:inbox_detail", referral.public_id)
    if form is None or form.is_valid():
        try:
            if action == "accept":
                services.referral_accept(actor=request.user, referral=referral)
                messages.success(request, _("Referral accepted."))
            elif action == "no-show":
                services.referral_no_show(actor=request.user, referral=referral)
                messages.success(request, _("Marked as did not come."))
            elif action == "decline":
                services.referral_decline(
                    actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Referral declined."))
            else:
                data = form.cleaned_data
                once.run(
                    lambda: services.referral_complete(
                        actor=request.user,
                        referral=referral,
                        delivered_on=data["delivered_on"],
                        service_types=data["service_types"],
                        amount_vnd=data["amount_vnd"],
                    )
                )
                messages.success(request, _("Referral completed. The service is recorded."))
            return redirect("referrals:inbox_detail", referral.public_id)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("referrals:inbox_detail", referral.public_id)
            apply_errors(form, error)
    # The action was refused: the referral is shown again, with the form's errors.
    audit_view(actor=request.user, obj=referral, page="referrals:inbox_detail")
    return render(
        request,
        "referrals/inbox_detail.html",
        {
            "referral": referral,
            "decline_form": decline_form,
            "complete_form": complete_form,
            "open_action": action,
        },
    )


@login_required
def provider_delivery_new(request: AuthedRequest) -> HttpResponse:
    """Walk-ins and mobile health-check days: the provider enters the client's short code."""
    _require_provider(request)
    organisations = queries.provider_organisations(request.user)
    form = forms.ProviderDeliveryForm(request.POST or None, organisations=organisations)
    return _delivery_page(request, form, client=None, to=reverse("referrals:provider_deliveries"))


@login_required
def provider_deliveries(request: AuthedRequest) -> HttpResponse:
    _require_provider(request)
    return pages.list_page(
        request,
        "referrals/provider_deliveries.html",
        queries.deliveries_by_provider(request.user),
        name="deliveries",
    )


# --- Follow-up ---------------------------------------------------------------------------


@login_required
def follow_up(request: AuthedRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    from reports.periods import PeriodError, parse_period

    text = request.GET.get("period", "").strip()
    period, period_error = None, ""
    if text:
        try:
            period = parse_period(text)
        except PeriodError as error:
            period_error = str(error)
    context = queries.follow_up_for(request.user, period)
    context.update({"period": period, "period_text": text, "period_error": period_error})
    return render(request, "referrals/follow_up.html", context)
