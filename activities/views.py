"""Thin views: check the role (404 when wrong), call a query or a service."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import roles, scope
from accounts.models import User
from audit.services import audit_view
from core.forms import apply_errors
from core.idempotency import Once
from core.paging import paginate

from . import queries, services
from .forms import (
    ActivityForm,
    DistributionForm,
    HealthDayDeliveryForm,
)
from .models import ActivityKind, ParticipantKind, Topic


def _require(request: HttpRequest, *sets: roles.RoleSet) -> User:
    """The signed-in user when they hold a role of `sets`; 404 for anyone else."""
    scope.require_role(request.user, *sets)
    return cast(User, request.user)


# --- Activities ----------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = _require(request, roles.CASEWORK)
    qs = queries.activities_for(user)
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
    user = _require(request, roles.CASEWORK)
    initial = {}
    if request.GET.get("kind") in ActivityKind.values:
        initial["kind"] = request.GET["kind"]
    form = ActivityForm(request.POST or None, user=user, initial=initial)
    once = Once(request, form)
    if once.ready():
        try:
            activity = once.run(lambda: services.activity_record(actor=user, record=form.record()))
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
def activity_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _require(request, roles.CASEWORK)
    activity = queries.get_activity(user, public_id)
    distribute_form = DistributionForm(user=user, activity=activity, prefix="dist")
    Once(request, distribute_form)
    deliver_form = None
    if activity.kind == ActivityKind.HEALTH_DAY:
        deliver_form = HealthDayDeliveryForm(user=user, activity=activity, prefix="deliver")
        Once(request, deliver_form)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "distribute":
            distribute_form = DistributionForm(
                request.POST, user=user, activity=activity, prefix="dist"
            )
            once = Once(request, distribute_form)
            if once.ready():
                items = once.cleaned_data
                try:
                    once.run(
                        lambda: services.activity_distribute(
                            actor=user,
                            activity=activity,
                            item_kind=items["item_kind"],
                            quantity=items["quantity"],
                            organisation=items["organisation"],
                            material=items.get("material"),
                        )
                    )
                except ValidationError as exc:
                    apply_errors(distribute_form, exc)
                else:
                    messages.success(request, _("Items handed out recorded; stock lowered."))
                    return redirect("activities:activity_detail", public_id=public_id)
        elif action == "deliver" and deliver_form is not None:
            deliver_form = HealthDayDeliveryForm(
                request.POST, user=user, activity=activity, prefix="deliver"
            )
            once = Once(request, deliver_form)
            if once.ready():
                data = once.cleaned_data
                try:
                    once.run(
                        lambda: services.health_day_delivery_record(
                            actor=user,
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
        audit_view(actor=user, obj=activity, page="activities:activity_detail")
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
