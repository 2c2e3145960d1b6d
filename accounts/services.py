"""Writes on users and grants (administrators). Each is audited in its transaction;
the entries name what changed, never a password or other value."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .models import EnrolmentCode, Grant, User

# Enrolment codes: 12 characters from an alphabet without look-alikes (0/O, 1/I/L),
# shown as XXXX-XXXX-XXXX; about 58 bits, and a code dies after a few wrong tries.
ENROLMENT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ENROLMENT_LENGTH = 12
ENROLMENT_MAX_FAILURES = 5


@transaction.atomic
def user_create(
    *,
    actor: User | None,
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
def user_create_with_enrolment_code(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    language: str = "vi",
) -> tuple[User, str]:
    """A new account and its two-factor enrolment code (to show once, to the administrator
    who hands it over with the password: any role may later need two-factor)."""
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        full_name=full_name,
        phone=phone,
        language=language,
    )
    return user, enrolment_code_issue(actor=actor, user=user)


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="update", obj=user, changes={"is_active": active})
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User, password: str) -> User:
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
    actor: User | None,
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
def grant_revoke(*, actor: User, grant: Grant) -> Grant:
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


@dataclass(frozen=True)
class TwoFactorReset:
    devices_removed: int
    enrolment_code: str


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str = "") -> TwoFactorReset:
    """Remove the user's authenticator devices and issue an enrolment code: at the next
    login they set up a new device, with that code (shown once, to the administrator)."""
    deleted, _details = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="update",
        obj=user,
        changes={"two_factor": "reset", "devices_removed": deleted},
        reason=reason,
    )
    code = enrolment_code_issue(actor=actor, user=user)
    return TwoFactorReset(devices_removed=deleted, enrolment_code=code)


def normalise_enrolment_code(raw: str) -> str:
    return "".join(c for c in raw.upper() if c.isalnum())


def _format_enrolment_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def enrolment_code_issue(*, actor: User | None, user: User) -> str:
    """A new one-time enrolment code for the user; any earlier unused one stops working,
    and so does any half-finished device set-up (its secret may have been seen). Returns
    the code in clear, to be shown once: only its hash is kept."""
    now = timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    code = "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(ENROLMENT_LENGTH))
    expires = now + timedelta(hours=settings.CAUNOI_ENROLMENT_CODE_HOURS)
    entry = EnrolmentCode.objects.create(
        user=user,
        code_hash=make_password(code),
        expires_at=expires,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=entry,
        changes={"user": user.pk, "two_factor": "enrolment_code", "expires_at": str(expires)},
    )
    return _format_enrolment_code(code)


def enrolment_code_pending(user: User) -> EnrolmentCode | None:
    """The user's enrolment code that still works, if any."""
    return (
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def enrolment_code_check(*, user: User, code: str) -> EnrolmentCode | None:
    """The user's pending enrolment code if `code` is it, else None. A wrong code counts
    against the pending one, which stops working after ENROLMENT_MAX_FAILURES. The code is
    used up only when the device is confirmed (two_factor_enrol)."""
    pending = enrolment_code_pending(user)
    if pending is None:
        return None
    pending = EnrolmentCode.objects.select_for_update().get(pk=pending.pk)
    if check_password(normalise_enrolment_code(code), pending.code_hash):
        return pending
    pending.failed_attempts += 1
    fields = ["failed_attempts"]
    if pending.failed_attempts >= ENROLMENT_MAX_FAILURES:
        pending.expires_at = timezone.now()
        fields.append("expires_at")
    pending.save(update_fields=fields)
    audit_record(
        actor=user,
        action="update",
        obj=pending,
        changes={
            "two_factor": "enrolment_code_wrong",
            "failed_attempts": pending.failed_attempts,
            "revoked": pending.failed_attempts >= ENROLMENT_MAX_FAILURES,
        },
    )
    return None


@transaction.atomic
def two_factor_enrol(*, user: User, device: TOTPDevice, enrolment_code_id: int) -> bool:
    """Confirm the user's new device and use up the enrolment code that allowed it, in one
    transaction. False (nothing changed) if that code no longer works: it expired, was
    used, or was replaced by a newer one."""
    now = timezone.now()
    code = (
        EnrolmentCode.objects.select_for_update()
        .filter(pk=enrolment_code_id, user=user, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if code is None or device.user_id != user.pk:
        return False
    code.used_at = now
    code.save(update_fields=["used_at"])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=user,
        action="update",
        obj=user,
        changes={"two_factor": "enrolled", "enrolment_code": code.pk},
    )
    return True


@transaction.atomic
def login_record(*, user: User, step: str, ip: str) -> None:
    """Audit a login step that passed: "password", then "two_factor" where the role
    needs it. Failed logins and lockouts are audited by accounts.signals."""
    changes: dict[str, Any] = {"step": step, "ip": ip}
    if step == "two_factor":
        changes["two_factor"] = True
    audit_record(actor=user, action="login", obj=user, changes=changes)


@transaction.atomic
def two_factor_device_new(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed device (a new secret) once the enrolment code was given; any
    earlier unconfirmed one goes, as its secret may have been seen."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="default", confirmed=False)


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The user's own choice of interface language, kept on the account; audited when it
    changes. An unknown language is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Enter a valid value.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="update", obj=user, changes={"fields": ["language"]})
    return user
