"""Writes on users and grants (administrators). Each is audited in its transaction;
the entries name what changed, never a password or other value."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .models import Grant, User


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    language: str = "vi",
) -> User:
    user = User(username=username, full_name=full_name, phone=phone, language=language)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        changes={"fields": ["username", "full_name", "phone", "language", "password"]},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    if user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="update", obj=user, changes={"is_active": active})
    return user


@transaction.atomic
def user_password_reset(*, actor: Any, user: User, password: str) -> User:
    """Set a new password. Django then ends the user's other sessions (the session
    hash covers the password)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="update", obj=user, changes={"fields": ["password"]})
    return user


@transaction.atomic
def grant_add(
    *,
    actor: Any,
    user: User,
    role: str,
    peer_group: Any = None,
    organisation: Any = None,
    support_model: Any = None,
    province: Any = None,
) -> Grant:
    grant = Grant(
        user=user,
        role=role,
        peer_group=peer_group,
        organisation=organisation,
        support_model=support_model,
        province=province,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action="create",
        obj=grant,
        changes={"user": user.pk, "role": role, "scope": grant.scope_kind},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: Grant) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.active:
        grant.active = False
        grant.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="update",
            obj=grant,
            changes={"user": grant.user_id, "role": grant.role, "active": False},
        )
    return grant


@transaction.atomic
def two_factor_reset(*, actor: Any, user: User, reason: str = "") -> int:
    """Remove the user's authenticator devices: at the next login they set up a new one."""
    deleted, _details = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="update",
        obj=user,
        changes={"two_factor": "reset", "devices_removed": deleted},
        reason=reason,
    )
    return deleted
