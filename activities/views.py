"""Thin views: check the role (404 when wrong), call a query or a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles, scope
from audit.services import audit_view
from clients.models import Client
from core import idempotency
from core.forms import apply_errors
from core.idempotency import Once
from core.paging import paginate

from . import queries, services
from .forms import (
    ActivityForm,
    AgreementForm,
    CallEndForm,
    CallerRegisterForm,
    CallLinkForm,
    CallReferralForm,
    DistributionForm,
    EstablishmentForm,
    HealthDayDeliveryForm,
    HotlineCallForm,
    OwnerContactForm,
    RevealReasonForm,
)
from .models import ActivityKind, HotlineCall, ParticipantKind, Topic

# --- Activities ----------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    qs = queries.activities_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    page_obj = paginate(request, qs)
    return render(
        request,
        "activities/activity_list.html",
        {
            "activities": page_obj.object_list,
            "page_obj": page_obj,
            "kinds": ActivityKind.choices,
            "kind": kind,
        },
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    initial = {}
    if request.GET.get("kind") in ActivityKind.values:
        initial["kind"] = request.GET["kind"]
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            activity = once.run(
                lambda: services.activity_record(
                    actor=request.user,
                    kind=data["kind"],
                    audience=data["audience"],
                    title=data["title"],
                    held_on=data["held_on"],
                    support_model=data["support_model"],
                    peer_group=data["peer_group"],
                    commune=data["commune"],
                    venue_type=data["venue_type"],
                    organiser=data["organiser"],
                    topics=data["topics"],
                    participants=form.participant_counts(),
                    members=data["members"],
                    clients=data["clients"],
                    establishments=data.get("establishments") or [],
                )
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("activities:activity_detail", public_id=activity.public_id)
    participant_fields = [form[f"n_{k}"] for k in ParticipantKind.values]
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "participant_fields": participant_fields},
    )


@login_required
def activity_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    activity = queries.get_activity(request.user, public_id)
    distribute_form = DistributionForm(user=request.user, activity=activity, prefix="dist")
    Once(request, distribute_form)
    deliver_form = None
    if activity.kind == ActivityKind.HEALTH_DAY:
        deliver_form = HealthDayDeliveryForm(user=request.user, activity=activity, prefix="deliver")
        Once(request, deliver_form)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "distribute":
            distribute_form = DistributionForm(
                request.POST, user=request.user, activity=activity, prefix="dist"
            )
            once = Once(request, distribute_form)
            if once.ready():
                form = distribute_form
                try:
                    once.run(
                        lambda: services.activity_distribute(
                            actor=request.user, activity=activity, **form.cleaned_data
                        )
                    )
                except ValidationError as exc:
                    apply_errors(distribute_form, exc)
                else:
                    messages.success(request, _("Items handed out recorded; stock lowered."))
                    return redirect("activities:activity_detail", public_id=public_id)
        elif action == "deliver" and deliver_form is not None:
            deliver_form = HealthDayDeliveryForm(
                request.POST, user=request.user, activity=activity, prefix="deliver"
            )
            once = Once(request, deliver_form)
            if once.ready():
                data = once.cleaned_data
                try:
                    once.run(
                        lambda: services.health_day_delivery_record(
                            actor=request.user,
                            activity=activity,
                            client=data["client_code"],
                            service_type=data["service_type"],
                            provider=data["provider"],
                        )
                    )
                except ValidationError as exc:
                    apply_errors(deliver_form, exc)
                else:
                    messages.success(request, _("Service delivery recorded."))
                    return redirect("activities:activity_detail", public_id=public_id)
    attendance = list(activity.attendance.all())
    if any(a.client_id for a in attendance):
        # The attendance list names clients by code: a client-level record.
        audit_view(actor=request.user, obj=activity, page="activities:activity_detail")
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "participants": list(activity.participants.all()),
            "members": [a.member for a in attendance if a.member_id],
            "clients": [a.client for a in attendance if a.client_id],
            "establishments": list(activity.establishments.all()),
            "topic_labels": [Topic(t).label for t in activity.topics if t in Topic.values],
            "distributions": [d.distribution for d in activity.distributions.all()],
            "deliveries": [d.delivery for d in activity.health_day_deliveries.all()],
            "distribute_form": distribute_form,
            "deliver_form": deliver_form,
        },
    )


# --- Establishments ------------------------------------------------------------------


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    page_obj = paginate(request, queries.establishments_for(request.user))
    return render(
        request,
        "activities/establishment_list.html",
        {"establishments": page_obj.object_list, "page_obj": page_obj},
    )


@login_required
def establishment_create(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    form = EstablishmentForm(request.POST or None, user=request.user)
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            establishment = once.run(
                lambda: services.establishment_register(
                    actor=request.user,
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
            return redirect("activities:establishment_detail", public_id=establishment.public_id)
    return render(request, "activities/establishment_form.html", {"form": form})


@login_required
def establishment_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope.require_role(request.user, roles.CASEWORK)
    establishment = queries.get_establishment(request.user, public_id)
    reveal_form = RevealReasonForm(prefix="reveal")
    contact_form = OwnerContactForm(prefix="contact")
    agreement_form = AgreementForm(prefix="agreement")
    Once(request, agreement_form)
    contact = None
    may_contact = queries.can_manage_owner_contact(request.user, establishment)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("reveal", "contact") and not may_contact:
            raise Http404
        if action == "reveal":
            reveal_form = RevealReasonForm(request.POST, prefix="reveal")
            if reveal_form.is_valid():
                contact = services.establishment_owner_contact(
                    actor=request.user,
                    establishment=establishment,
                    reason=reveal_form.cleaned_data["reason"],
                )
        elif action == "contact":
            contact_form = OwnerContactForm(request.POST, prefix="contact")
            if contact_form.is_valid():
                services.establishment_set_owner_contact(
                    actor=request.user,
                    establishment=establishment,
                    owner_name=contact_form.cleaned_data["owner_name"],
                    owner_phone=contact_form.cleaned_data["owner_phone"],
                )
                messages.success(request, _("Owner's contact saved."))
                return redirect("activities:establishment_detail", public_id=public_id)
        elif action == "agreement":
            agreement_form = AgreementForm(request.POST, prefix="agreement")
            once = Once(request, agreement_form)
            if once.ready():
                form = agreement_form
                once.run(
                    lambda: services.establishment_agreement_record(
                        actor=request.user, establishment=establishment, **form.cleaned_data
                    )
                )
                messages.success(request, _("Agreement recorded."))
                return redirect("activities:establishment_detail", public_id=public_id)
    return render(
        request,
        "activities/establishment_detail.html",
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


# --- Hotline -------------------------------------------------------------------------


@login_required
def hotline_shift(request: HttpRequest) -> HttpResponse:
    """The shift view: open follow-ups first, then the latest calls."""
    scope.require_role(request.user, roles.HOTLINE)
    return render(
        request,
        "activities/hotline_shift.html",
        {
            "follow_ups": queries.open_follow_ups(request.user).order_by("started_at")[:100],
            "calls": queries.calls_for(request.user)[:30],
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    scope.require_role(request.user, roles.HOTLINE)
    orgs = list(queries.hotline_orgs(request.user))
    form = HotlineCallForm(request.POST or None, user=request.user)
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            call = once.run(
                lambda: services.hotline_call_log(
                    actor=request.user,
                    organisation=orgs[0],
                    started_at=data["started_at"],
                    duration_minutes=data["duration_minutes"],
                    ended_at=data["ended_at"],
                    client=data["client_code"],
                    topic=data["topic"],
                    urgency=data["urgency"],
                    action=data["action"],
                    follow_up_needed=data["follow_up_needed"],
                )
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Call saved: end it here when it is over.")
                if call.in_progress
                else _("Call logged."),
            )
            return redirect("activities:call_detail", public_id=call.public_id)
    return render(request, "activities/call_form.html", {"form": form})


def _referral_services(user: Any, call: HotlineCall) -> Any:
    """The services of the hotline's province; the caller's commune and friendly first."""
    from referrals.queries import referral_services

    qs = referral_services(user, call.client, everywhere=True)
    if call.organisation.province_id:
        qs = qs.filter(organisation__province_id=call.organisation.province_id)
    return qs


@login_required
def call_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope.require_role(request.user, roles.HOTLINE)
    call = queries.get_call(request.user, public_id)
    action = request.POST.get("action", "refer") if request.method == "POST" else ""
    context: dict[str, Any] = {
        "call": call,
        "refer_form": None,
        "end_form": CallEndForm(prefix="end") if call.in_progress else None,
    }
    if action == "register" and call.client_id:
        # A resend of the registration that gave this call its client: answer as the
        # first send did (the page no longer shows that form).
        registered = idempotency.earlier(request, Client, prefix="caller")
        if registered is not None and registered.pk == call.client_id:
            return _caller_registered(request, call, registered)
    if action == "end":
        response = _call_end(request, call, context)
    elif call.client_id:
        response = _call_refer(request, call, action, context)
    else:
        response = _call_register_or_link(request, call, action, context)
    if response is not None:
        return response
    audit_view(actor=request.user, obj=call, page="activities:call_detail")
    context["referrals"] = _referrals_to_read(request.user, call)
    return render(request, "activities/call_detail.html", context)


def _referrals_to_read(user: Any, call: HotlineCall) -> list[dict[str, Any]]:
    """The call's referrals with what the counsellor reads to the caller: the slip's codes
    and where to go (address, hours, phone), a confidential address only to those who may
    see it."""
    from directory.queries import locations_as_seen_by

    links = call.referral_links.select_related(
        "referral__service__organisation", "referral__provider"
    ).prefetch_related("referral__service__locations__commune")
    out = []
    for link in links:
        referral = link.referral
        locations = [
            lv
            for lv in locations_as_seen_by(user, referral.service.locations.all())
            if lv.location.active
        ]
        out.append({"referral": referral, "service": referral.service, "locations": locations})
    return out


def _call_end(request: HttpRequest, call: HotlineCall, context: dict[str, Any]) -> Any:
    """End a call saved while in progress (the minutes typed, or now). The other forms of
    the page are shown as they are."""
    if not call.in_progress:
        messages.error(request, _("This call has already ended."))
        return redirect("activities:call_detail", public_id=call.public_id)
    form = CallEndForm(request.POST, prefix="end")
    context["end_form"] = form
    if form.is_valid():
        try:
            services.hotline_call_end(
                actor=request.user,
                call=call,
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Call ended."))
            return redirect("activities:call_detail", public_id=call.public_id)
    if call.client_id:
        return _call_refer(request, call, "", context)
    return _call_register_or_link(request, call, "", context)


def _call_refer(
    request: HttpRequest, call: HotlineCall, action: str, context: dict[str, Any]
) -> HttpResponse | None:
    """The refer form of a call whose caller is a client: sends the referral in one step."""
    posted = action == "refer"
    services_qs = _referral_services(request.user, call)
    initial: dict[str, Any] = {
        "reason": _("Hotline call: %(topic)s") % {"topic": call.get_topic_display()}
    }
    if call.client is not None and call.client.is_minor:
        # A minor needs a child-protection referral: offer the only one ready to send.
        from directory.taxonomy import CHILD_PROTECTION

        child = list(services_qs.filter(service_type=CHILD_PROTECTION)[:2])
        if len(child) == 1:
            initial["service"] = child[0].pk
    refer_form = CallReferralForm(
        request.POST if posted else None, services=services_qs, initial=initial
    )
    context["refer_form"] = refer_form
    once = Once(request, refer_form)
    if posted and once.ready():
        data = once.cleaned_data
        try:
            referral = once.run(
                lambda: services.hotline_call_refer(
                    actor=request.user,
                    call=call,
                    service=data["service"],
                    reason=data["reason"],
                    consent_on_call=data["consent_on_call"],
                )
            )
        except ValidationError as exc:
            apply_errors(refer_form, exc)
        else:
            messages.success(request, _("Referral %(code)s sent.") % {"code": referral.code})
            return redirect("activities:call_detail", public_id=call.public_id)
    return None


def _call_register_or_link(
    request: HttpRequest, call: HotlineCall, action: str, context: dict[str, Any]
) -> HttpResponse | None:
    """An anonymous call: register the caller as a client on the call, or link the call to
    the client whose short code the caller gives. A possible duplicate is announced without
    showing any other client (not even a code): the hotline has no client pages."""
    from clients.services import PossibleDuplicate, duplicate_check_recount

    groups = queries.caller_registration_groups(request.user, call)
    show_anyway = action == "register" and "dup_shown" in request.POST
    register_form = None
    if groups:
        register_form = CallerRegisterForm(
            request.POST if action == "register" else None,
            groups=groups,
            show_register_anyway=show_anyway,
            prefix="caller",
        )
        register_once = Once(request, register_form)
    link_form = CallLinkForm(
        request.POST if action == "link" else None, user=request.user, call=call, prefix="link"
    )
    context.update(register_form=register_form, link_form=link_form, duplicate=False)
    if action == "register" and register_form is not None and register_once.ready():
        data = register_once.cleaned_data
        try:
            client = register_once.run(
                lambda: services.hotline_caller_register(
                    actor=request.user,
                    call=call,
                    peer_group=data["peer_group"],
                    given_name=data.get("given_name", ""),
                    mother_given_name=data.get("mother_given_name", ""),
                    family_name=data.get("family_name", ""),
                    birth_year=data["birth_year"],
                    sex=data["sex"],
                    gender_identity=data["gender_identity"],
                    population_groups=data["population_groups"],
                    consent_follow_up=data["consent_follow_up"],
                    register_anyway=bool(data.get("register_anyway")),
                    duplicate_reason=data.get("duplicate_reason", ""),
                )
            )
        except PossibleDuplicate:
            duplicate_check_recount(actor=request.user)
            register_form = CallerRegisterForm(
                request.POST, groups=groups, show_register_anyway=True, prefix="caller"
            )
            Once(request, register_form)  # the same key: nothing was recorded under it
            register_form.is_valid()
            register_form.add_error(
                "register_anyway",
                _(
                    "A client with these details may already be registered. Ask the caller "
                    "for their short code, or tick this box if this is a different person."
                ),
            )
            context.update(register_form=register_form, duplicate=True)
        except ValidationError as exc:
            apply_errors(register_form, exc)
        else:
            return _caller_registered(request, call, client)
    elif action == "link" and link_form.is_valid():
        try:
            services.hotline_call_link_client(
                actor=request.user, call=call, client=link_form.cleaned_data["client_code"]
            )
        except ValidationError as exc:
            apply_errors(link_form, exc)
        else:
            messages.success(request, _("Call linked to the caller's record."))
            return redirect("activities:call_detail", public_id=call.public_id)
    context["show_anyway"] = register_form is not None and "register_anyway" in register_form.fields
    return None


def _caller_registered(request: HttpRequest, call: HotlineCall, client: Any) -> HttpResponse:
    if client.is_minor_at_registration:
        messages.warning(
            request, _("This client is under 18: a child-protection referral is required.")
        )
    messages.success(
        request,
        _("Caller registered with code %(code)s. Read the code to the caller.")
        % {"code": client.short_code},
    )
    return redirect("activities:call_detail", public_id=call.public_id)


@login_required
@require_POST
def call_follow_up_done(request: HttpRequest, public_id: Any) -> HttpResponse:
    scope.require_role(request.user, roles.HOTLINE)
    call = queries.get_call(request.user, public_id)
    try:
        services.hotline_follow_up_done(actor=request.user, call=call)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Follow-up marked done."))
    return redirect("activities:hotline_shift")
