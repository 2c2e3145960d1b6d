"""Thin views of the hotline: check the role (404 when wrong), call a query or a service.

The pages keep their first addresses (/activities/hotline/...), under the `hotline:`
namespace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles, scope
from accounts.models import User
from audit.services import audit_view
from clients.models import Client
from core import idempotency, pages
from core.forms import apply_errors
from core.idempotency import Once

from . import queries, services
from .forms import CallEndForm, CallerRegisterForm, CallLinkForm, CallReferralForm, HotlineCallForm
from .models import HotlineCall


@login_required
def hotline_shift(request: HttpRequest) -> HttpResponse:
    """The shift view: open follow-ups first, then the latest calls."""
    user = scope.require_role(request.user, roles.HOTLINE)
    return render(
        request,
        "hotline/hotline_shift.html",
        {
            "follow_ups": queries.open_follow_ups(user).order_by("started_at")[:100],
            "calls": queries.calls_for(user)[:30],
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.HOTLINE)
    orgs = list(queries.hotline_orgs(user))
    form = HotlineCallForm(request.POST or None, user=user)

    def log() -> HotlineCall:
        data = form.cleaned_data
        return services.hotline_call_log(
            actor=user,
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

    done = pages.handle_form(
        request,
        form,
        log,
        success=lambda call: (
            _("Call saved: end it here when it is over.") if call.in_progress else _("Call logged.")
        ),
        to=_call_page,
    )
    return done or render(request, "hotline/call_form.html", {"form": form})


def _call_page(call: HotlineCall) -> str:
    return reverse("hotline:call_detail", args=[call.public_id])


@login_required
def call_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.HOTLINE)
    call = queries.get_call(user, public_id)
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
    audit_view(actor=user, obj=call, page="hotline:call_detail")
    context["referrals"] = queries.referrals_to_read(user, call)
    return render(request, "hotline/call_detail.html", context)


def _call_changed(
    request: HttpRequest,
    call: HotlineCall,
    form: Any,
    step: Callable[..., Any],
    success: str,
    **from_form: str,
) -> HttpResponse | None:
    """A form of the call's page that changes the call itself (nothing new is created):
    `step(actor, call, argument=cleaned field…)` for each `argument="field"` of
    `from_form`; on success, back to the call's page with the message."""
    user = cast(User, request.user)
    return pages.handle_form(
        request,
        form,
        lambda: step(
            actor=user,
            call=call,
            **{argument: form.cleaned_data[name] for argument, name in from_form.items()},
        ),
        creates=False,
        success=success,
        to=_call_page(call),
    )


def _call_end(request: HttpRequest, call: HotlineCall, context: dict[str, Any]) -> Any:
    """End a call saved while in progress (the minutes typed, or now). The other forms of
    the page are shown as they are."""
    if not call.in_progress:
        messages.error(request, _("This call has already ended."))
        return redirect("hotline:call_detail", public_id=call.public_id)
    form = CallEndForm(request.POST, prefix="end")
    context["end_form"] = form
    done = _call_changed(
        request,
        call,
        form,
        services.hotline_call_end,
        _("Call ended."),
        duration_minutes="duration_minutes",
    )
    if done:
        return done
    if call.client_id:
        return _call_refer(request, call, "", context)
    return _call_register_or_link(request, call, "", context)


def _call_refer(
    request: HttpRequest, call: HotlineCall, action: str, context: dict[str, Any]
) -> HttpResponse | None:
    """The refer form of a call whose caller is a client: sends the referral in one step."""
    user = cast(User, request.user)
    posted = action == "refer"
    services_qs = queries.call_referral_services(user, call)
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
    return pages.handle_form(
        request,
        refer_form,
        lambda: services.hotline_call_refer(
            actor=user,
            call=call,
            service=refer_form.cleaned_data["service"],
            reason=refer_form.cleaned_data["reason"],
            consent_on_call=refer_form.cleaned_data["consent_on_call"],
        ),
        success=lambda referral: _("Referral %(code)s sent.") % {"code": referral.code},
        to=_call_page(call),
    )


def _call_register_or_link(
    request: HttpRequest, call: HotlineCall, action: str, context: dict[str, Any]
) -> HttpResponse | None:
    """An anonymous call: register the caller as a client on the call, or link the call to
    the client whose short code the caller gives. A possible duplicate is announced without
    showing any other client (not even a code): the hotline has no client pages."""
    user = cast(User, request.user)
    from clients.duplicates import PossibleDuplicate, duplicate_check_recount

    groups = queries.caller_registration_groups(user, call)
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
        request.POST if action == "link" else None, user=user, call=call, prefix="link"
    )
    context.update(register_form=register_form, link_form=link_form, duplicate=False)
    if action == "register" and register_form is not None and register_once.ready():
        posted = register_form
        try:
            client = register_once.run(
                lambda: services.hotline_caller_register(
                    actor=user, call=call, caller=posted.registration()
                )
            )
        except PossibleDuplicate:
            duplicate_check_recount(actor=user)
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
    elif action == "link":
        done = _call_changed(
            request,
            call,
            link_form,
            services.hotline_call_link_client,
            _("Call linked to the caller's record."),
            client="client_code",
        )
        if done:
            return done
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
    return redirect("hotline:call_detail", public_id=call.public_id)


@login_required
@require_POST
def call_follow_up_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.HOTLINE)
    call = queries.get_call(user, public_id)
    return pages.act(
        request,
        lambda: services.hotline_follow_up_done(actor=user, call=call),
        success=_("Follow-up marked done."),
        to="hotline:hotline_shift",
    )
