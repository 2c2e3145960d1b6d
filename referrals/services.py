"""Every write of referrals (service deliveries: referrals/deliveries.py). Each function is
one use case, runs in one transaction and writes its audit entry inside it. `changes` never
holds identifying values: only field names, statuses and counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts import scope
from accounts.models import Role, User
from audit.services import audit_record
from clients.models import Client
from clients.queries import has_sharing_consent
from directory.models import Service
from notifications.services import notify, notify_once
from programs.models import Organisation

from . import messages, queries
from .deliveries import delivery_record
from .models import Referral, ReferralEvent, ServiceDelivery


class ConsentMissing(ValidationError):
    """The client has not consented to sharing with this provider."""


class BadTransition(ValidationError):
    pass


def _about_erased_client(referral: Referral) -> bool:
    """Free text about an erased client is not kept (clients.erasure.client_erase and
    referrals.erasure). Checked with the referral row locked: an erasure committing later
    waits for that lock in its hook and then blanks what was written here."""
    return Client.objects.filter(pk=referral.client_id, erased_at__isnull=False).exists()


def _event(referral: Referral, status: str, actor: User | None, note: str = "") -> None:
    if note and _about_erased_client(referral):
        note = ""
    ReferralEvent.objects.create(
        referral=referral, status=status, at=timezone.now(), actor=actor, note=note
    )


def _language(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _notify_sender(referral: Referral) -> None:
    """Tell the sender about a status change, in the sender's language. The referral code
    only: never the client's short code or name (notifications may leave the app)."""
    with override(_language(referral.sender)):
        title = _("Referral %(code)s: %(what)s") % {
            "code": referral.code,
            "what": str(referral.get_status_display()).lower(),
        }
        notify(
            user=referral.sender,
            kind="referral.status",
            title=title,
            url=reverse("referrals:detail", args=[referral.public_id]),
            key=messages.STATUS,
            params={"code": referral.code, "status": referral.status},
        )


def _sharing_consent(
    *, actor: User, client: Client, provider: Organisation, consent_now: bool, override_reason: str
) -> tuple[bool, bool]:
    """(consented, overridden) for a referral to this provider: the sharing consent on file,
    or the one the client gives aloud now (`consent_now`), or a coordinator's written
    override; refused (ConsentMissing) otherwise."""
    if has_sharing_consent(client, provider):
        return True, False
    if consent_now:
        from clients.consent import consent_record
        from clients.models import Consent

        consent_record(
            actor=actor,
            client=client,
            purpose=Consent.Purpose.SHARE_PROVIDER,
            method=Consent.Method.VERBAL,
            provider=provider,
        )
        return True, False
    if override_reason.strip() and scope.has_role(actor, Role.COORDINATOR):
        return False, True
    if override_reason.strip():
        raise ConsentMissing(_("Only a model coordinator can override a missing consent."))
    raise ConsentMissing(
        _(
            "Referral refused: this client has not consented to sharing "
            "their referral with %(provider)s. Record the client's consent to share "
            "with this provider on the client's page first."
        )
        % {"provider": provider.name}
    )


def _check_shared(
    *, client: Client, provider: Organisation, consented: bool, groups: list[Any], anything: bool
) -> None:
    """What a referral shares about the client needs the sharing consent on file (an
    override does not do), and only the client's own population groups."""
    if anything and not consented:
        raise ValidationError(
            {
                "share_population_groups": _(
                    "Nothing about the client can be shared with %(provider)s: their consent "
                    "to share with this provider is not on file. Untick what is shared, or "
                    "record the consent on the client's page first."
                )
                % {"provider": provider.name}
            }
        )
    own_groups = set(client.population_groups.values_list("pk", flat=True))
    if any(g.pk not in own_groups for g in groups):
        raise ValidationError(
            {"share_population_groups": _("Share only population groups of this client.")}
        )


def _audit_sent(*, actor: User, referral: Referral, shared_groups: bool, overridden: bool) -> None:
    """The referral's "create" entry (what is shared, by field name), and its "override"
    entry with the coordinator's reason when sent without a sharing consent."""
    shared = ["population_groups"] if shared_groups else []
    shared += ["birth_year"] if referral.share_birth_year else []
    shared += ["gender"] if referral.share_gender else []
    audit_record(
        actor=actor,
        action="create",
        obj=referral,
        changes={
            "fields": ["client", "service", "reason", "urgency", "note"],
            "urgency": referral.urgency,
            "shared_with_provider": shared,
        },
    )
    if overridden:
        audit_record(
            actor=actor,
            action="override",
            obj=referral,
            changes={"consent": "share_provider", "provider_id": referral.provider_id},
            reason=referral.override_reason,
        )


@transaction.atomic
def referral_send(
    *,
    actor: User,
    client: Client,
    service: Service,
    reason: str,
    urgency: str,
    note: str = "",
    from_kind: str,
    override_reason: str = "",
    share_population_groups: Iterable[Any] = (),
    share_birth_year: bool = False,
    share_gender: bool = False,
    consent_now: bool = False,
) -> Referral:
    """Send a referral. The provider sees the client's code and the reason, and of the
    client only what is shared here, explicitly (nothing by default), which needs the
    client's consent to share with that provider on file (an override does not do).
    Without a sharing consent on file for the provider, `consent_now` records the one the
    client gives aloud at this moment (verbal, taken by the sender, for this provider only)
    in the same transaction: a refused referral records none."""
    provider = service.organisation
    shared_groups = list(dict.fromkeys(share_population_groups))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the client is referred.")})
    if urgency not in Referral.Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency.")})
    if not service.active:
        raise ValidationError({"service": _("This service is no longer offered.")})
    consented, overridden = _sharing_consent(
        actor=actor,
        client=client,
        provider=provider,
        consent_now=consent_now,
        override_reason=override_reason,
    )
    _check_shared(
        client=client,
        provider=provider,
        consented=consented,
        groups=shared_groups,
        anything=bool(shared_groups or share_birth_year or share_gender),
    )
    now = timezone.now()
    referral = Referral.objects.create(
        share_birth_year=share_birth_year,
        share_gender=share_gender,
        client=client,
        service=service,
        provider=provider,
        service_type=service.service_type,
        from_kind=from_kind,
        sender=actor,
        reason=reason.strip(),
        urgency=urgency,
        note=note.strip(),
        override_reason=override_reason.strip() if overridden else "",
        sent_at=now,
    )
    if shared_groups:
        referral.shared_population_groups.set(shared_groups)
    _event(referral, Referral.Status.SENT, actor)
    _audit_sent(
        actor=actor, referral=referral, shared_groups=bool(shared_groups), overridden=overridden
    )
    if urgency in (Referral.Urgency.URGENT, Referral.Urgency.EMERGENCY):
        from django_q.tasks import async_task

        referral_id = referral.pk
        transaction.on_commit(lambda: async_task("referrals.tasks.alert_provider", referral_id))
    return referral


def _require(referral: Referral, allowed: Iterable[str], action: str) -> None:
    if referral.status not in allowed:
        raise BadTransition(
            _("This referral is %(status)s and cannot be %(action)s.")
            % {"status": referral.get_status_display().lower(), "action": action}
        )


def _done_by(referral: Referral, status: str, by: str, actor: User) -> bool:
    """This very step is already done, by this user: a double tap or a resend of it,
    answered as the first send was (nothing recorded twice, no second notification).
    Another user's step, or another step, still meets `_require`'s message."""
    return referral.status == status and getattr(referral, f"{by}_id") == actor.pk


def _provider_step(actor: User, referral: Referral, status: str, by: str) -> tuple[Referral, bool]:
    """The referral, locked for a step only the provider's staff take, and whether this
    user already took this very step (`_done_by`)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.provider_id not in queries.provider_org_ids(actor):
        raise BadTransition(_("Only the provider's staff can do this."))
    return referral, _done_by(referral, status, by, actor)


def _step(
    referral: Referral,
    status: str,
    actor: User | None,
    *,
    stamp: str,
    reason: str = "",
    changes: dict[str, object] | None = None,
    also_saved: tuple[str, ...] = (),
) -> None:
    """Record one step of the status flow: the status, when and by whom (the referral's
    `<stamp>_at` and `<stamp>_by`; no one for a scheduled step), its event and its audit
    entry. `also_saved`: other fields the step changed."""
    referral.status = status
    setattr(referral, f"{stamp}_at", timezone.now())
    fields = ["status", *also_saved, f"{stamp}_at"]
    if actor is not None:
        setattr(referral, f"{stamp}_by", actor)
        fields.append(f"{stamp}_by")
    referral.save(update_fields=[*fields, "updated_at"])
    _event(referral, status, actor, reason)
    audit_record(
        actor=actor,
        action="update",
        obj=referral,
        changes={"status": str(status), **(changes or {})},
        reason=reason,
    )


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    referral, done = _provider_step(actor, referral, Referral.Status.ACCEPTED, "accepted_by")
    if done:
        return referral
    _require(referral, [Referral.Status.SENT], _("accepted"))
    _step(referral, Referral.Status.ACCEPTED, actor, stamp="accepted")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    referral, done = _provider_step(actor, referral, Referral.Status.DECLINED, "declined_by")
    if done:
        return referral
    _require(referral, [Referral.Status.SENT, Referral.Status.ACCEPTED], _("declined"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    referral.decline_reason = "" if _about_erased_client(referral) else reason.strip()
    _step(
        referral,
        Referral.Status.DECLINED,
        actor,
        stamp="declined",
        reason=reason.strip(),
        also_saved=("decline_reason",),
    )
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_complete(
    *,
    actor: User,
    referral: Referral,
    delivered_on: date,
    service_types: list[str],
    amount_vnd: int | None = None,
) -> Referral:
    """Close the loop: the provider records what was delivered; each service type
    becomes a ServiceDelivery row."""
    referral, done = _provider_step(actor, referral, Referral.Status.COMPLETED, "completed_by")
    if done:
        return referral
    _require(referral, [Referral.Status.SENT, Referral.Status.ACCEPTED], _("completed"))
    if not service_types:
        raise ValidationError({"service_types": _("Tick at least one service delivered.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    if referral.accepted_at is None:
        referral.accepted_at = timezone.now()
        referral.accepted_by = actor
    for i, service_type in enumerate(dict.fromkeys(service_types)):
        delivery_record(
            actor=actor,
            client=referral.client,
            service_type=service_type,
            provider=referral.provider,
            delivered_on=delivered_on,
            source=ServiceDelivery.Source.REFERRAL,
            referral=referral,
            service=referral.service if service_type == referral.service_type else None,
            amount_vnd=amount_vnd if i == 0 else None,
        )
    _step(
        referral,
        Referral.Status.COMPLETED,
        actor,
        stamp="completed",
        changes={"deliveries": len(set(service_types))},
        also_saved=("accepted_at", "accepted_by"),
    )
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_no_show(*, actor: User, referral: Referral) -> Referral:
    referral, done = _provider_step(actor, referral, Referral.Status.NO_SHOW, "no_show_by")
    if done:
        return referral
    _require(referral, [Referral.Status.SENT, Referral.Status.ACCEPTED], _("marked as no-show"))
    _step(referral, Referral.Status.NO_SHOW, actor, stamp="no_show")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral, reason: str = "") -> Referral:
    """The sending side cancels (the sender, or anyone who follows the client's referrals)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not queries.sent_referrals_for(actor).filter(pk=referral.pk).exists():
        raise BadTransition(_("Only the sending side can cancel a referral."))
    if _done_by(referral, Referral.Status.CANCELLED, "cancelled_by", actor):
        return referral
    _require(referral, [Referral.Status.SENT, Referral.Status.ACCEPTED], _("cancelled"))
    _step(referral, Referral.Status.CANCELLED, actor, stamp="cancelled", reason=reason.strip())
    return referral


@transaction.atomic
def referral_expire(*, referral: Referral) -> Referral:
    """Run by the scheduled task (no human actor)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral.is_open:
        return referral
    _step(referral, Referral.Status.EXPIRED, None, stamp="expired")
    if not queries.follow_up_withdrawn(referral.client):
        _notify_sender(referral)
    return referral


@transaction.atomic
def referral_remind(*, referral: Referral) -> bool:
    """Tell the sender that a referral has had no answer. Once per referral; never about a
    client who withdrew follow-up consent."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SENT or referral.reminded_at is not None:
        return False
    if queries.follow_up_withdrawn(referral.client):
        return False
    referral.reminded_at = timezone.now()
    referral.save(update_fields=["reminded_at", "updated_at"])
    days = (timezone.now() - referral.sent_at).days
    with override(_language(referral.sender)):
        notify_once(
            once_key=f"referral.reminder:{referral.pk}",
            user=referral.sender,
            kind="referral.reminder",
            title=_("Referral %(code)s has had no answer for %(days)s days")
            % {"code": referral.code, "days": days},
            body=_("Call the provider or the client, or cancel the referral."),
            url=reverse("referrals:detail", args=[referral.public_id]),
            key=messages.REMINDER,
            params={"code": referral.code, "days": days},
        )
    return True


def remind_days() -> int:
    value: Any = settings.CAUNOI.get("REFERRAL_REMIND_DAYS", 3)
    return int(value)


def expire_days() -> int:
    value: Any = settings.CAUNOI.get("REFERRAL_EXPIRE_DAYS", 30)
    return int(value)


def referrals_due_for_reminder() -> Any:
    cutoff = timezone.now() - timedelta(days=remind_days())
    return Referral.objects.filter(
        status=Referral.Status.SENT, sent_at__lte=cutoff, reminded_at__isnull=True
    ).select_related("client", "sender")


def referrals_due_to_expire() -> Any:
    cutoff = timezone.now() - timedelta(days=expire_days())
    return Referral.objects.filter(status__in=Referral.OPEN_STATUSES, sent_at__lte=cutoff)
