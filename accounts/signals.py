"""Failed logins and lockouts go to the audit log, with the client address
(accounts.client_ip); logins that pass are written by services.login_record. A failure
names the account only when the typed username is one: an unknown username is not written
down (people type their password, or someone else's name, into it)."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from audit.services import audit_record

from .client_ip import client_ip
from .lockout import LOCKED_BY_ADDRESS
from .middleware import SESSION_STARTED
from .models import User


def _account(username: object) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


def _ip(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="caunoi_session_started")
def stamp_session_start(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    # The absolute session lifetime counts from here (accounts.middleware). The login
    # itself is audited by the login page (services.login_record), the one way in.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = int(time.time())


@receiver(user_login_failed, dispatch_uid="caunoi_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # written as a lockout by audit_lockout
    _audit_attempt("login_failed", _account(credentials.get("username")), request)


@receiver(user_locked_out, dispatch_uid="caunoi_audit_lockout")
def audit_lockout(
    sender: Any, request: HttpRequest | None = None, username: object = None, **kwargs: Any
) -> None:
    by_address = bool(getattr(request, LOCKED_BY_ADDRESS, False))
    _audit_attempt(
        "lockout",
        _account(username),
        request,
        limit="address" if by_address else "account_and_address",
    )


def _audit_attempt(
    action: str, account: User | None, request: HttpRequest | None, **changes: object
) -> None:
    """An attempt to sign in, on the account named (if it exists: a name that matches no
    account is written as such, never as typed) from the request's address."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=action,
            obj=account,
            object_type="" if account else "accounts.user",
            changes={"known_account": account is not None, "ip": _ip(request), **changes},
        )
