from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import scope
from accounts.models import Role

from . import queries

MANAGERS = (Role.COORDINATOR, Role.ADMINISTRATOR)


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_role(request.user, *MANAGERS):
        raise Http404
    models = queries.support_models_for(request.user).prefetch_related("peer_groups")
    return render(request, "programs/model_list.html", {"models": models})
