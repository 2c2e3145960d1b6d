"""Writes of the activities app: activities with participants and attendance, materials
handed out at an activity, mobile health-check deliveries, establishments (owner contact
encrypted) and their agreements, hotline calls and their follow-ups.

One keyword-only function per use case; each runs in a transaction and writes its audit
entry inside it. `changes` holds field names and counts, never identifying values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.crypto import EncryptedIdentity
from core.keys import note_erasure
from programs.models import Establishment, Membership, Organisation, PeerGroup, SupportModel

from .models import (
    Activity,
    ActivityAttendance,
    ActivityKind,
    ActivityParticipants,
    EstablishmentAgreement,
    HotlineCall,
    ParticipantKind,
    Topic,
)

# --- Activities ----------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    kind: str,
    held_on: date,
    support_model: SupportModel,
    venue_type: str,
    participants: Mapping[str, int],
    commune: Any = None,
    legacy_commune: Any = None,
    organiser: Organisation | None = None,
    peer_group: PeerGroup | None = None,
    audience: str = "",
    title: str = "",
    topics: Sequence[str] = (),
    members: Iterable[Membership] = (),
    clients: Iterable[Any] = (),
    establishments: Iterable[Establishment] = (),
) -> Activity:
    """Record an activity. Counts are per participant kind; an attendance list (group
    members and/or clients) raises the member/client counts to at least its length."""
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown activity kind.")})
    if commune is None and legacy_commune is None:
        raise ValidationError({"commune": _("Choose the commune where the activity took place.")})
    if commune is not None and commune.province_id != support_model.province_id:
        raise ValidationError(
            {"commune": _("This commune is not in the province of the support model.")}
        )
    if (
        legacy_commune is not None
        and not legacy_commune.conversions.filter(
            new_commune__province_id=support_model.province_id
        ).exists()
    ):
        raise ValidationError(
            {
                "legacy_commune": _(
                    "This pre-2025 commune is not part of the province of the support model."
                )
            }
        )
    if peer_group is not None and peer_group.support_model_id != support_model.pk:
        raise ValidationError({"peer_group": _("This group does not belong to the model.")})
    unknown = set(topics) - set(Topic.values)
    if unknown:
        raise ValidationError({"topics": _("Unknown topic.")})
    members = list(members)
    clients = list(clients)
    if peer_group is not None:
        if any(m.peer_group_id != peer_group.pk for m in members):
            raise ValidationError({"members": _("Only members of this group can be listed.")})
    counts = {k: int(v) for k, v in participants.items() if k in ParticipantKind.values}
    if any(v < 0 for v in counts.values()):
        raise ValidationError(_("Participant counts cannot be negative."))
    counts[ParticipantKind.MEMBER] = max(counts.get(ParticipantKind.MEMBER, 0), len(members))
    counts[ParticipantKind.CLIENT] = max(counts.get(ParticipantKind.CLIENT, 0), len(clients))
    if sum(counts.values()) == 0:
        raise ValidationError(_("Enter how many people took part."))
    if organiser is not None:
        from .queries import organisers_for_model

        if not organisers_for_model(support_model).filter(pk=organiser.pk).exists():
            raise ValidationError(
                {
                    "organiser": _(
                        "Choose an agency, mass organisation, community group or provider "
                        "in the model's province."
                    )
                }
            )
    else:
        organiser = support_model.lead_organisation
    activity = Activity.objects.create(
        kind=kind,
        audience=audience,
        title=title,
        held_on=held_on,
        commune=commune,
        legacy_commune=legacy_commune,
        venue_type=venue_type,
        organiser=organiser,
        support_model=support_model,
        peer_group=peer_group,
        topics=list(topics),
        recorded_by=actor,
    )
    ActivityParticipants.objects.bulk_create(
        [ActivityParticipants(activity=activity, kind=k, count=v) for k, v in counts.items() if v]
    )
    ActivityAttendance.objects.bulk_create(
        [ActivityAttendance(activity=activity, member=m) for m in members]
        + [ActivityAttendance(activity=activity, client=c) for c in clients]
    )
    establishments = list(establishments)
    if establishments:
        activity.establishments.set(establishments)
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        changes={
            "kind": kind,
            "participants": sum(counts.values()),
            "attendance_members": len(members),
            "attendance_clients": len(clients),
            "establishments": len(establishments),
        },
    )
    return activity


@transaction.atomic
def activity_distribute(
    *,
    actor: Any,
    activity: Activity,
    item_kind: str,
    quantity: int,
    organisation: Organisation,
    material: Any = None,
) -> Any:
    """Materials or commodities handed out at an activity: lowers the stock through
    outreach's distribution service and links the distribution to the activity here, so
    that outreach does not depend on activities. Raises InsufficientStock when short."""
    from outreach.services import distribution_record

    from .models import ActivityDistribution
    from .queries import stock_holders

    if not stock_holders(activity).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "Items can only come from the stock of the model's lead organisation "
                    "or of an organisation in its province that holds stock."
                )
            }
        )
    distribution = distribution_record(
        actor=actor,
        organisation=organisation,
        item_kind=item_kind,
        quantity=quantity,
        distributed_on=activity.held_on,
        material=material,
        peer_group=activity.peer_group,
    )
    ActivityDistribution.objects.create(activity=activity, distribution=distribution)
    audit_record(
        actor=actor,
        action="activity.distribute",
        obj=activity,
        changes={"item_kind": item_kind, "quantity": quantity},
    )
    return distribution


@transaction.atomic
def health_day_delivery_record(
    *,
    actor: Any,
    activity: Activity,
    client: Any,
    service_type: str,
    provider: Organisation,
) -> Any:
    """A service delivered at a mobile health-check day counts as a service delivery
    (source "mobile_day"), linked back to the activity."""
    from referrals.services import delivery_record

    from .models import HealthDayDelivery
    from .queries import health_day_providers

    if activity.kind != ActivityKind.HEALTH_DAY:
        raise ValidationError(_("Services can only be recorded on a mobile health-check day."))
    if not health_day_providers(activity).filter(pk=provider.pk).exists():
        raise ValidationError(
            {"provider": _("Choose an active service provider in the activity's province.")}
        )
    delivery = delivery_record(
        actor=actor,
        client=client,
        service_type=service_type,
        provider=provider,
        delivered_on=activity.held_on,
        source="mobile_day",
    )
    HealthDayDelivery.objects.create(activity=activity, delivery=delivery)
    audit_record(
        actor=actor,
        action="activity.health_day_delivery",
        obj=activity,
        changes={"service_type": service_type},
    )
    return delivery


# --- Establishments ------------------------------------------------------------------


def _check_owner_contact_access(actor: Any, establishment: Establishment) -> None:
    from .queries import can_manage_owner_contact

    if not can_manage_owner_contact(actor, establishment):
        raise ValidationError(
            _(
                "Only the model's coordinators and its group leaders can see or change the "
                "owner's contact."
            )
        )


def _owner_fields(owner_name: str, owner_phone: str) -> dict[str, str]:
    return {"owner_name": owner_name.strip(), "owner_phone": owner_phone.strip()}


@transaction.atomic
def establishment_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    commune: Any,
    support_model: SupportModel | None,
    owner_name: str = "",
    owner_phone: str = "",
) -> Establishment:
    """Register an establishment. The owner's contact is stored only encrypted."""
    if kind not in Establishment.Kind.values:
        raise ValidationError({"kind": _("Unknown establishment kind.")})
    establishment = Establishment(
        name=name.strip(), kind=kind, commune=commune, support_model=support_model
    )
    fields = _owner_fields(owner_name, owner_phone)
    if any(fields.values()):
        establishment.wrapped_key, establishment.owner_contact_blob = EncryptedIdentity.seal(
            fields, establishment.crypto_context
        )
    establishment.save()
    audit_record(
        actor=actor,
        action="establishment.register",
        obj=establishment,
        changes={
            "fields": ["name", "kind", "commune", "support_model"]
            + [k for k, v in fields.items() if v]
        },
    )
    return establishment


@transaction.atomic
def establishment_set_owner_contact(
    *, actor: Any, establishment: Establishment, owner_name: str, owner_phone: str
) -> Establishment:
    """Replace the owner's contact (empty values clear it; clearing destroys the key).
    Coordinators of the model and leaders of its groups only."""
    _check_owner_contact_access(actor, establishment)
    caller = establishment
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    fields = _owner_fields(owner_name, owner_phone)
    had_key = bool(establishment.wrapped_key)
    if any(fields.values()):
        # A fresh data key each time: the old ciphertext becomes unreadable.
        establishment.wrapped_key, establishment.owner_contact_blob = EncryptedIdentity.seal(
            fields, establishment.crypto_context
        )
    else:
        establishment.wrapped_key = None
        establishment.owner_contact_blob = None
    establishment.save(update_fields=["wrapped_key", "owner_contact_blob"])
    if had_key:
        note_erasure()  # the old data key is destroyed: the next rotation makes it final
    caller.wrapped_key = establishment.wrapped_key
    caller.owner_contact_blob = establishment.owner_contact_blob
    audit_record(
        actor=actor,
        action="establishment.set_owner_contact",
        obj=establishment,
        changes={
            "fields": [k for k, v in fields.items() if v],
            "cleared": not any(fields.values()),
        },
    )
    return establishment


def establishment_owner_contact(
    *, actor: Any, establishment: Establishment, reason: str
) -> dict[str, str]:
    """Decrypt the owner's contact for display; every reading is audited. Coordinators of
    the model and leaders of its groups only."""
    _check_owner_contact_access(actor, establishment)
    if not establishment.wrapped_key:
        return {"owner_name": "", "owner_phone": ""}
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="establishment.view_owner_contact",
            obj=establishment,
            reason=reason,
        )
    return EncryptedIdentity.open(
        establishment.wrapped_key, establishment.owner_contact_blob, establishment.crypto_context
    )


@transaction.atomic
def establishment_agreement_record(
    *, actor: Any, establishment: Establishment, signed_on: date, summary: str, signed_by: str
) -> EstablishmentAgreement:
    agreement = EstablishmentAgreement.objects.create(
        establishment=establishment,
        signed_on=signed_on,
        summary=summary.strip(),
        signed_by=signed_by,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="establishment.agreement_record",
        obj=agreement,
        changes={"fields": ["signed_on", "summary", "signed_by"]},
    )
    return agreement


# --- Hotline -------------------------------------------------------------------------


@transaction.atomic
def hotline_call_log(
    *,
    actor: Any,
    organisation: Organisation,
    started_at: datetime,
    topic: str,
    urgency: str,
    action: str,
    duration_minutes: int | None = None,
    ended_at: datetime | None = None,
    client: Any = None,
    follow_up_needed: bool = False,
) -> HotlineCall:
    """Log a hotline call. "Follow-up needed" as the action always opens a follow-up.

    A call still in progress is saved at once, with neither duration nor end time; it is
    ended later (`hotline_call_end`). An end time gives the duration."""
    if timezone.is_naive(started_at):
        raise ValidationError({"started_at": _("The start time needs a time zone.")})
    if started_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"started_at": _("The call cannot start in the future.")})
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


def _call_duration(
    started_at: datetime, duration_minutes: int | None, ended_at: datetime | None
) -> tuple[int | None, datetime | None]:
    """(duration, end time) of a call: the duration typed, or the minutes from start to end
    (rounded up: a call of 20 seconds lasted a minute)."""
    if ended_at is not None:
        if timezone.is_naive(ended_at):
            raise ValidationError({"ended_at": _("The end time needs a time zone.")})
        if ended_at < started_at:
            raise ValidationError({"ended_at": _("The call cannot end before it started.")})
        if ended_at > timezone.now() + timedelta(minutes=5):
            raise ValidationError({"ended_at": _("The call cannot end in the future.")})
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
    actor: Any,
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
def hotline_follow_up_done(*, actor: Any, call: HotlineCall) -> HotlineCall:
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
    actor: Any,
    call: HotlineCall,
    service: Any,
    reason: str,
    note: str = "",
    consent_on_call: bool = False,
) -> Any:
    """Open a referral from a call in one step (urgency carried over from the call).

    The caller is on the line, so the counsellor can ask for the sharing consent there and then:
    `consent_on_call` records it as verbal consent taken by the counsellor, for this provider
    only, before the referral is sent. Without it, the referral's own consent rule applies.
    """
    from clients.models import Consent
    from clients.services import consent_record
    from referrals.services import ConsentMissing, referral_send

    from .models import HotlineCallReferral

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


def _call_link_client(*, actor: Any, call: HotlineCall, client: Any, action: str) -> HotlineCall:
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


@transaction.atomic
def hotline_caller_register(
    *,
    actor: Any,
    call: HotlineCall,
    peer_group: PeerGroup,
    given_name: str,
    mother_given_name: str = "",
    family_name: str = "",
    birth_year: int,
    sex: str,
    gender_identity: str = "not_stated",
    population_groups: Iterable[Any] = (),
    consent_follow_up: bool,
    register_anyway: bool = False,
    duplicate_reason: str = "",
) -> Any:
    """Register an anonymous caller as a client while they are on the line, and link the
    call to them, so that a referral can be sent at once.

    The registration is clients' `client_register` (UIC, consent, minors, duplicates): the
    consent is verbal, taken by the counsellor. The peer group that will follow the caller
    up must be an active group in the hotline's province. Raises PossibleDuplicate like
    `client_register`: the hotline is never shown the matching clients."""
    from clients.models import Consent
    from clients.services import ClientDetails, client_register

    from .queries import caller_registration_groups

    if call.client_id is not None:
        raise ValidationError(_("This call is already linked to a client."))
    if not caller_registration_groups(actor, call).filter(pk=peer_group.pk).exists():
        raise ValidationError(
            {"peer_group": _("Choose an active peer group in the hotline's province.")}
        )
    duplicate_reason = (duplicate_reason or "").strip()
    if register_anyway and not duplicate_reason:
        raise ValidationError(
            {"duplicate_reason": _("Write why this caller is registered anyway.")}
        )
    client = client_register(
        actor=actor,
        details=ClientDetails(
            peer_group=peer_group,
            given_name=given_name,
            mother_given_name=mother_given_name,
            family_name=family_name,
            birth_year=birth_year,
            sex=sex,
            gender_identity=gender_identity,
            population_groups=population_groups,
            consent_follow_up=consent_follow_up,
            consent_method=Consent.Method.VERBAL,
        ),
        register_anyway=register_anyway,
        reason=duplicate_reason if register_anyway else "",
    )
    _call_link_client(actor=actor, call=call, client=client, action="hotline.caller_register")
    return client


@transaction.atomic
def hotline_call_link_client(*, actor: Any, call: HotlineCall, client: Any) -> HotlineCall:
    """Link an anonymous call to the client whose short code the caller gave: only a client
    the counsellor may find by code, in the hotline's province."""
    from referrals.queries import NOT_AVAILABLE

    from .queries import caller_link_clients

    if call.client_id is not None:
        raise ValidationError(_("This call is already linked to a client."))
    if not caller_link_clients(actor, call).filter(pk=client.pk).exists():
        raise ValidationError({"client_code": NOT_AVAILABLE})
    return _call_link_client(actor=actor, call=call, client=client, action="hotline.call_link")
