"""Thin views: check the role (404 when wrong), call a query or a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles, scope
from accounts.models import Role, User
from core import idempotency, pages
from core.forms import apply_errors
from core.idempotency import Once
from referrals.models import Referral

from . import alerts, queries, services
from .forms import (
    AlertDeclineForm,
    AlertForm,
    AlertWithdrawForm,
    IncidentForm,
    protection_referral_form,
)
from .models import IncidentProtection, SafetyAlert

# --- Incidents -----------------------------------------------------------------------


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK_AND_HOTLINE)
    return pages.list_page(
        request,
        "safety/incident_list.html",
        queries.incidents_for(user),
        name="incidents",
        can_record=scope.has_role(user, *roles.FIELD),
    )


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.FIELD)
    group, hotline, via = queries.incident_recorder(user)
    province_id = group.support_model.province_id if group else hotline.province_id  # type: ignore[union-attr]
    form = IncidentForm(
        request.POST or None,
        user=user,
        reported_via_choices=via,
        provinces=None if province_id is None else [province_id],
        initial={"province": province_id},
    )
    done = pages.handle_form(
        request,
        form,
        lambda: services.incident_record(
            actor=user, report=form.report(peer_group=group, hotline=hotline)
        ),
        success=_("Incident recorded."),
        to=lambda incident: reverse("safety:incident_detail", args=[incident.public_id]),
    )
    return done or render(request, "safety/incident_form.html", {"form": form})


@login_required
def incident_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK_AND_HOTLINE)
    incident = queries.get_incident(user, public_id)
    details = services.incident_view(actor=user, incident=incident, page="safety:incident_detail")
    can_alert = incident.consent_alert and scope.has_role(user, *roles.CASEWORK)
    if can_alert:
        try:
            queries.alertable_incident(user, incident.public_id)
        except Http404:
            can_alert = False
    return render(
        request,
        "safety/incident_detail.html",
        {
            "incident": incident,
            "details": details,
            "can_alert": can_alert,
            "can_refer": queries.can_refer(user, incident),
            "alerts": list(incident.alerts.all()),
        },
    )


@login_required
def incident_refer(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    """Send the protection referral ticked on the incident (one kind) to a service."""
    user = scope.require_role(request.user, roles.CASEWORK_AND_HOTLINE)
    sent = idempotency.earlier(request, Referral) if request.method == "POST" else None
    if sent is not None:
        # A resend of the referral just sent: this protection is no longer open to refer,
        # so answer as the first send did.
        return _protection_referred(request, public_id, sent)
    incident, protection = queries.referable_protection(user, public_id, kind)
    allow_override = scope.has_role(user, Role.COORDINATOR)
    form = protection_referral_form(
        request.POST or None,
        services=queries.protection_services(user, incident, kind),
        kind=kind,
        allow_override=allow_override,
    )

    done = pages.handle_form(
        request,
        form,
        lambda: services.incident_protection_refer(
            actor=user,
            incident=incident,
            kind=kind,
            from_kind=queries.referral_from_kind(user, incident),
            **form.referral(),
        ),
        refused=form.refused,
        to=lambda referral: _protection_referred(request, incident.public_id, referral),
    )
    return done or render(
        request,
        "safety/incident_refer.html",
        {
            "form": form,
            "incident": incident,
            "protection": protection,
            "allow_override": allow_override,
            "kind_label": IncidentProtection.Kind(kind).label,
        },
    )


def _protection_referred(request: HttpRequest, public_id: UUID, referral: Referral) -> HttpResponse:
    messages.success(request, _("Referral %(code)s sent.") % {"code": referral.code})
    return redirect("safety:incident_detail", public_id=public_id)


# --- Alerts --------------------------------------------------------------------------


@login_required
def alert_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = cast(User, request.user)
    incident = queries.alertable_incident(user, public_id)
    form = AlertForm(
        request.POST or None,
        user=user,
        incident=incident,
        initial={"province": incident.province_id, "commune": incident.commune_id},
    )
    once = Once(request, form)
    if once.ready():
        data = once.cleaned_data
        try:
            if once.earlier is None:
                # Outside the submission's transaction: a refusal is counted and kept.
                alerts.alert_text_screen(
                    actor=user,
                    incident=incident,
                    headline=data["headline"],
                    warning=data["warning"],
                )
            # The form's fields are alert_submit's own (AlertForm.Meta.fields).
            alert = once.run(lambda: alerts.alert_submit(actor=user, incident=incident, **data))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Alert sent for approval: it goes out once a group leader or "
                    "coordinator approves it."
                ),
            )
            return redirect("safety:alert_detail", public_id=alert.public_id)
    return render(request, "safety/alert_form.html", {"form": form, "incident": incident})


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.ALERT_READERS)
    lists = queries.alert_lists(user)
    return render(
        request,
        "safety/alert_list.html",
        lists,
    )


@login_required
def alert_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.ALERT_READERS)
    alert = queries.get_alert(user, public_id)
    return _alert_page(request, alert)


def _alert_page(
    request: HttpRequest,
    alert: Any,
    decline_form: AlertDeclineForm | None = None,
    withdraw_form: AlertWithdrawForm | None = None,
) -> HttpResponse:
    user = cast(User, request.user)
    return render(
        request,
        "safety/alert_detail.html",
        {
            "alert": alert,
            "is_active": alert.is_active(),
            "can_withdraw": queries.can_withdraw(user, alert),
            "can_approve": queries.can_approve(user, alert),
            "withdraw_form": withdraw_form or AlertWithdrawForm(),
            "decline_form": decline_form or AlertDeclineForm(),
        },
    )


def _alert_to_act_on(
    request: HttpRequest,
    public_id: UUID,
    who: roles.RoleSet,
    *,
    may: Callable[[User, SafetyAlert], bool],
    did: Callable[[User, SafetyAlert], bool],
) -> tuple[User, SafetyAlert]:
    """The user and the alert they may act on now (`may`), or did act on (`did`: a resend
    is answered as the first send was); 404 for anyone else."""
    user = scope.require_role(request.user, who)
    alert = queries.get_alert(user, public_id)
    if not (may(user, alert) or did(user, alert)):
        raise Http404
    return user, alert


@login_required
@require_POST
def alert_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user, alert = _alert_to_act_on(
        request, public_id, roles.LEADERS, may=queries.can_approve, did=queries.approved_by
    )
    try:
        alerts.alert_approve(actor=user, alert=alert)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Alert approved and published."))
    return redirect("safety:alert_detail", public_id=public_id)


@login_required
@require_POST
def alert_decline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user, alert = _alert_to_act_on(
        request, public_id, roles.LEADERS, may=queries.can_approve, did=queries.declined_by
    )
    form = AlertDeclineForm(request.POST)
    done = pages.handle_form(
        request,
        form,
        lambda: alerts.alert_decline(actor=user, alert=alert, note=form.cleaned_data["note"]),
        creates=False,
        success=_("Alert declined. The author was told."),
        to=_alert_url(alert),
    )
    return done or _alert_page(request, alert, decline_form=form)


@login_required
@require_POST
def alert_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user, alert = _alert_to_act_on(
        request, public_id, roles.CASEWORK, may=queries.can_withdraw, did=queries.withdrawn_by
    )
    form = AlertWithdrawForm(request.POST)
    refusals: list[str] = []

    def refused(exc: ValidationError) -> None:
        """A refusal of the alert (not of what was typed) is said on the alert's page."""
        if hasattr(exc, "error_dict"):
            apply_errors(form, exc)
        else:
            refusals.extend(exc.messages)

    done = pages.handle_form(
        request,
        form,
        lambda: alerts.alert_withdraw(actor=user, alert=alert, reason=form.cleaned_data["reason"]),
        creates=False,
        refused=refused,
        success=_("Alert withdrawn."),
        to=_alert_url(alert),
    )
    for message in refusals:
        messages.error(request, message)
    if refusals:
        return redirect(_alert_url(alert))
    return done or _alert_page(request, alert, withdraw_form=form)


def _alert_url(alert: SafetyAlert) -> str:
    return reverse("safety:alert_detail", args=[alert.public_id])
