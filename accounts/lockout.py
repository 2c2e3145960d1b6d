"""Login lockout: django-axes, plus a limit per address across usernames.

Axes counts failures per (username, address): five wrong passwords for one account from
one address lock that pair. A password sprayer tries one or two common passwords on many
accounts instead, which never reaches that count. This handler adds a second count: the
failures from one address summed over every username it tried, within the same cool-off,
and locks the address itself once it reaches CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT. A
successful login resets only its own (username, address) row, so a sprayer holding one
valid account cannot wipe its count by logging in with it."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

LOCKED_BY_ADDRESS = "caunoi_locked_by_address"


def address_failures(request: HttpRequest) -> int:
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gt=get_cool_off_threshold(request))
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT


class AddressAwareAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_locked(request):
            setattr(request, LOCKED_BY_ADDRESS, True)
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or getattr(request, "axes_locked_out", False):
            return
        if address_locked(request):
            # This failure is the one that reached the address's limit.
            setattr(request, LOCKED_BY_ADDRESS, True)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
