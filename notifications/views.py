from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User
from core.paging import paginate

from . import live, queries, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page_obj = paginate(request, queries.notifications_for(request.user))
    items = live.render(page_obj.object_list)
    return render(request, "notifications/list.html", {"items": items, "page_obj": page_obj})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = queries.get_notification(request.user, pk)
    services.notification_mark_read(user=cast(User, request.user), notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=cast(User, request.user))
    return redirect("notifications:list")
