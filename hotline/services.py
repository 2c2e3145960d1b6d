"""Writes of the hotline: calls logged (at once, while in progress) and ended, follow-ups
done, referrals opened from a call, an anonymous caller registered or linked to a client.

One keyword-only function per use case, taking the acting counsellor and typed values;
each runs in a transaction and writes its audit entry inside it. `changes` holds codes and
counts, never identifying values."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from clients.models import Client, Consent
from clients.services import ClientCodeDetails, ClientDetails, client_register
from directory.models import Service
from programs.models import Organisation
from referrals.models import Referral

from .models import HotlineCall, HotlineCallReferral
from .queries import caller_link_clients, caller_registration_groups


@transaction.atomic
def hotline_call_log(
    *,
    actor: User,
    organisation: Organisation,
    started_at: datetime,
    topic: str,
    urgency: str,
    action: str,
    duration_minutes: int | None = None,
    ended_at: datetime | None = None,
    client: Client | None = None,
    follow_up_needed: bool = False,
) -> HotlineCall:
    """Log a hotline call. "Follow-up needed" as the action always opens a follow-up.

    A call still in progress is saved at once, with neither duration nor end time; it is
    ended later (`hotline_call_end`). An end time gives the duration."""
    _check_call_time(
        "started_at",
        started_at,
        naive=_("The start time needs a time zone."),
        future=_("The call cannot start in the future."),
    )
    duration_minutes, ended_at = _call_duration(started_at, duration_minutes, ended_at)
    call = HotlineCall.objects.create(
        organisation=organisation,
        started_at=started_at,
        duration_minutes=duration_minutes,
        ended_at=ended_at,
        caller_kind=HotlineCall.CallerKind.CLIENT if client else HotlineCall.CallerKind.ANONYMOUS,
        client=client,
        topic=topic,
        urgency=urgency,
        action=action,
        counsellor=actor,
        follow_up_needed=follow_up_needed or action == HotlineCall.Action.FOLLOW_UP,
    )
    audit_record(
        actor=actor,
        action="hotline.call_log",
        obj=call,
        changes={
            "topic": topic,
            "urgency": urgency,
            "action": action,
            "caller": call.caller_kind,
            "follow_up": call.follow_up_needed,
        },
    )
    return call


MAX_CALL_MINUTES = 600
# A clock a few minutes ahead of the server's is not "the future".
CLOCK_SLACK = timedelta(minutes=5)


def _check_call_time(field: str, when: datetime, *, naive: str, future: str) -> None:
    """A start or end time of a call: aware, and not in the future."""
    if timezone.is_naive(when):
        raise ValidationError({field: naive})
    if when > timezone.now() + CLOCK_SLACK:
        raise ValidationError({field: future})


def _call_duration(
    started_at: datetime, duration_minutes: int | None, ended_at: datetime | None
) -> tuple[int | None, datetime | None]:
    """(duration, end time) of a call: the duration typed, or the minutes from start to end
    (rounded up: a call of 20 seconds lasted a minute)."""
    if ended_at is not None:
        _check_call_time(
            "ended_at",
            ended_at,
            naive=_("The end time needs a time zone."),
            future=_("The call cannot end in the future."),
        )
        if ended_at < started_at:
            raise ValidationError({"ended_at": _("The call cannot end before it started.")})
        if duration_minutes is None:
            seconds = (ended_at - started_at).total_seconds()
            duration_minutes = max(1, -(-int(seconds) // 60)) if seconds > 0 else 0
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_CALL_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _("A call lasts between 0 and %(max)d minutes.")
                % {"max": MAX_CALL_MINUTES}
            }
        )
    if duration_minutes is not None and ended_at is None:
        ended_at = started_at + timedelta(minutes=duration_minutes)
    return duration_minutes, ended_at


@transaction.atomic
def hotline_call_end(
    *,
    actor: User,
    call: HotlineCall,
    duration_minutes: int | None = None,
    ended_at: datetime | None = None,
) -> HotlineCall:
    """End a call saved while in progress: with the minutes typed, or the end time (now
    when neither is given)."""
    locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
    if not locked.in_progress:
        raise ValidationError(_("This call has already ended."))
    if duration_minutes is None and ended_at is None:
        ended_at = timezone.now()
    call.duration_minutes, call.ended_at = _call_duration(
        locked.started_at, duration_minutes, ended_at
    )
    call.save(update_fields=["duration_minutes", "ended_at"])
    audit_record(
        actor=actor,
        action="hotline.call_end",
        obj=call,
        changes={"duration_minutes": call.duration_minutes},
    )
    return call


@transaction.atomic
def hotline_follow_up_done(*, actor: User, call: HotlineCall) -> HotlineCall:
    call = HotlineCall.objects.select_for_update().get(pk=call.pk)
    if call.follow_up_done_at is not None and call.follow_up_done_by_id == actor.pk:
        return call  # a resend of this very step: answered as the first one was
    if not call.follow_up_open:
        raise ValidationError(_("This call has no open follow-up."))
    call.follow_up_done_at = timezone.now()
    call.follow_up_done_by = actor
    call.save(update_fields=["follow_up_done_at", "follow_up_done_by"])
    audit_record(actor=actor, action="hotline.follow_up_done", obj=call)
    return call


@transaction.atomic
def hotline_call_refer(
    *,
    actor: User,
    call: HotlineCall,
    service: Service,
    reason: str,
    note: str = "",
    consent_on_call: bool = False,
) -> Referral:
    """Open a referral from a call in one step (urgency carried over from the call).

    The caller is on the line, so the counsellor can ask for the sharing consent there and then:
    `consent_on_call` records it as verbal consent taken by the counsellor, for this provider
    only, before the referral is sent. Without it, the referral's own consent rule applies.
    """
    from clients.consent import consent_record
    from referrals.services import ConsentMissing, referral_send

    if call.client is None:
        raise ValidationError(
            _("An anonymous caller cannot be referred. Register the caller as a client first.")
        )
    if consent_on_call:
        consent_record(
            actor=actor,
            client=call.client,
            purpose=Consent.Purpose.SHARE_PROVIDER,
            method=Consent.Method.VERBAL,
            provider=service.organisation,
        )
    try:
        referral = referral_send(
            actor=actor,
            client=call.client,
            service=service,
            reason=reason,
            urgency=call.urgency,
            note=note,
            from_kind="hotline",
        )
    except ConsentMissing:
        raise ValidationError(
            {
                "consent_on_call": _(
                    "Referral refused: the caller has not consented to sharing with "
                    "%(provider)s. Ask the caller now; if they agree, tick the box and send again."
                )
                % {"provider": service.organisation.name}
            }
        ) from None
    HotlineCallReferral.objects.create(call=call, referral=referral)
    if call.action == HotlineCall.Action.COUNSELLED:
        call.action = (
            HotlineCall.Action.EMERGENCY_PROTECTION
            if call.urgency == HotlineCall.Urgency.EMERGENCY
            else HotlineCall.Action.REFERRED
        )
        call.save(update_fields=["action"])
    audit_record(
        actor=actor, action="hotline.call_refer", obj=call, changes={"urgency": call.urgency}
    )
    return referral


def _call_link_client(
    *, actor: User, call: HotlineCall, client: Client, action: str
) -> HotlineCall:
    """Point a still-anonymous call at a client. The row is locked so that two counsellors
    cannot link the same call twice."""
    locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
    if locked.client_id is not None:
        raise ValidationError(_("This call is already linked to a client."))
    call.client = client
    call.caller_kind = HotlineCall.CallerKind.CLIENT
    call.save(update_fields=["client", "caller_kind"])
    audit_record(actor=actor, action=action, obj=call, changes={"client": client.pk})
    return call


@dataclass(frozen=True, kw_only=True)
class CallerRegistration(ClientCodeDetails):
    """What a counsellor asks an anonymous caller on the phone to register them: the
    clients' registration fields that can be asked there (the names only build the code),
    the group that will follow them up, and the verbal consent."""

    register_anyway: bool = False
    duplicate_reason: str = ""


@transaction.atomic
def hotline_caller_register(
    *, actor: User, call: HotlineCall, caller: CallerRegistration
) -> Client:
    """Register an anonymous caller as a client while they are on the line, and link the
    call to them, so that a referral can be sent at once.

    The registration is clients' `client_register` (UIC, consent, minors, duplicates): the
    consent is verbal, taken by the counsellor. The peer group that will follow the caller
    up must be an active group in the hotline's province. Raises PossibleDuplicate like
    `client_register`: the hotline is never shown the matching clients."""
    if call.client_id is not None:
        raise ValidationError(_("This call is already linked to a client."))
    if not caller_registration_groups(actor, call).filter(pk=caller.peer_group.pk).exists():
        raise ValidationError(
            {"peer_group": _("Choose an active peer group in the hotline's province.")}
        )
    duplicate_reason = (caller.duplicate_reason or "").strip()
    if caller.register_anyway and not duplicate_reason:
        raise ValidationError(
            {"duplicate_reason": _("Write why this caller is registered anyway.")}
        )
    client = client_register(
        actor=actor,
        details=ClientDetails(
            **{f.name: getattr(caller, f.name) for f in fields(ClientCodeDetails)},
            consent_method=Consent.Method.VERBAL,
        ),
        register_anyway=caller.register_anyway,
        reason=duplicate_reason if caller.register_anyway else "",
    )
    _call_link_client(actor=actor, call=call, client=client, action="hotline.caller_register")
    return client


@transaction.atomic
def hotline_call_link_client(*, actor: User, call: HotlineCall, client: Client) -> HotlineCall:
    """Link an anonymous call to the client whose short code the caller gave: only a client
    the counsellor may find by code, in the hotline's province."""
    from referrals.queries import NOT_AVAILABLE

    if call.client_id is not None:
        raise ValidationError(_("This call is already linked to a client."))
    if not caller_link_clients(actor, call).filter(pk=client.pk).exists():
        raise ValidationError({"client_code": NOT_AVAILABLE})
    return _call_link_client(actor=actor, call=call, client=client, action="hotline.call_link")
