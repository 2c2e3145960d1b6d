"""Thin views: check the role (404 when wrong), call a query or a service."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles, scope
from audit.services import audit_view
from core import pages
from core.idempotency import Once

from . import queries, services
from .forms import (
    ActivityForm,
    DistributionForm,
    HealthDayDeliveryForm,
)
from .models import ActivityKind, ParticipantKind, Topic

# --- Activities ----------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    qs = queries.activities_for(user)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    return pages.list_page(
        request,
        "activities/activity_list.html",
        qs,
        name="activities",
        kinds=ActivityKind.choices,
        kind=kind,
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    initial = {}
    if request.GET.get("kind") in ActivityKind.values:
        initial["kind"] = request.GET["kind"]
    form = ActivityForm(request.POST or None, user=user, initial=initial)
    done = pages.handle_form(
        request,
        form,
        lambda: services.activity_record(actor=user, record=form.record()),
        success=_("Activity recorded."),
        to=lambda activity: reverse("activities:activity_detail", args=[activity.public_id]),
    )
    if done:
        return done
    participant_fields = [form[f"n_{k}"] for k in ParticipantKind.values]
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "participant_fields": participant_fields},
    )


@login_required
def activity_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.CASEWORK)
    activity = queries.get_activity(user, public_id)
    distribute_form = DistributionForm(user=user, activity=activity, prefix="dist")
    Once(request, distribute_form)
    deliver_form = None
    if activity.kind == ActivityKind.HEALTH_DAY:
        deliver_form = HealthDayDeliveryForm(user=user, activity=activity, prefix="deliver")
        Once(request, deliver_form)
    here = reverse("activities:activity_detail", args=[public_id])
    action = request.POST.get("action") if request.method == "POST" else None
    recorded = {
        "distribute": (distribute_form, _("Items handed out recorded; stock lowered.")),
        "deliver": (deliver_form, _("Service delivery recorded.")),
    }
    shown, success = recorded.get(action or "", (None, ""))
    done = None
    if shown is not None:
        posted = type(shown)(request.POST, user=user, activity=activity, prefix=shown.prefix)
        done = pages.handle_form(
            request, posted, lambda: posted.record(user), success=success, to=here
        )
        if isinstance(posted, DistributionForm):
            distribute_form = posted
        else:
            deliver_form = posted
    if done:
        return done
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
