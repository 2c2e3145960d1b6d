"""Writes of the safety app: violence incidents (private), protection referrals made for
them, and safety alerts (published separately, only with the reporter's consent).

One keyword-only function per use case, in a transaction, audited inside. Audit
`changes` carry codes and counts only: never the account of what happened."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, audit_view
from core.crypto import EncryptedIdentity
from directory.taxonomy import SERVICE_TYPES
from geo.text import fold
from programs.models import Organisation, PeerGroup

from .models import Incident, IncidentProtection, SafetyAlert, ViolenceType


@transaction.atomic
def incident_record(
    *,
    actor: Any,
    occurred_on: date,
    place_type: str,
    province: Any,
    violence_types: Iterable[str],
    perpetrator_kind: str,
    reported_via: str,
    action_taken: str,
    commune: Any = None,
    client: Any = None,
    peer_group: PeerGroup | None = None,
    hotline: Organisation | None = None,
    consent_report: bool = False,
    consent_share: bool = False,
    consent_alert: bool = False,
    protections: Iterable[str] = (),
    details: str = "",
) -> Incident:
    """Record a violence incident for the recording peer group or hotline. The support
    model (whose coordinators may see it) follows the group, else the client's group."""
    if peer_group is None and hotline is None:
        raise ValidationError(_("An incident is recorded by a peer group or by a hotline."))
    codes = sorted(set(violence_types))
    types = list(ViolenceType.objects.filter(code__in=codes))
    if not types or len(types) != len(codes):
        raise ValidationError({"violence_types": _("Choose at least one type of violence.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
    if commune is not None and commune.province_id != province.pk:
        raise ValidationError({"commune": _("This commune is not in the chosen province.")})
    kinds = sorted(set(protections))
    if set(kinds) - set(IncidentProtection.Kind.values):
        raise ValidationError({"protections": _("Unknown protection referral.")})
    support_model = None
    if peer_group is not None:
        support_model = peer_group.support_model
    elif client is not None:
        support_model = client.peer_group.support_model
    incident = Incident(
        occurred_on=occurred_on,
        place_type=place_type,
        province=province,
        commune=commune,
        perpetrator_kind=perpetrator_kind,
        client=client,
        reported_via=reported_via,
        peer_group=peer_group,
        hotline=hotline,
        support_model=support_model,
        consent_report=consent_report,
        consent_share=consent_share,
        consent_alert=consent_alert,
        action_taken=action_taken,
        recorded_by=actor,
    )
    if details.strip():
        incident.wrapped_key, incident.details_blob = EncryptedIdentity.seal(
            {"details": details.strip()}, incident.crypto_context
        )
    incident.save()
    incident.violence_types.set(types)
    IncidentProtection.objects.bulk_create(
        [IncidentProtection(incident=incident, kind=k) for k in kinds]
    )
    audit_record(
        actor=actor,
        action="incident.record",
        obj=incident,
        changes={
            "violence_types": codes,
            "perpetrator_kind": perpetrator_kind,
            "protections": kinds,
            "consent_alert": consent_alert,
            "has_details": bool(details.strip()),
            "has_client": client is not None,
        },
    )
    return incident


def incident_view(*, actor: Any, incident: Incident, page: str) -> str:
    """Record one opening of a page that shows this incident ("view", one entry per page
    view) and return the decrypted account of what happened ("" when there is none, or
    after erasure). The entry says whether the account was shown, never what it says."""
    details = ""
    if incident.wrapped_key:
        details = EncryptedIdentity.open(
            incident.wrapped_key, incident.details_blob, incident.crypto_context
        ).get("details", "")
    audit_view(actor=actor, obj=incident, page=page, changes={"details": bool(details)})
    return details


# Service types that answer each protection kind (directory.taxonomy codes).
PROTECTION_SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    IncidentProtection.Kind.SHELTER: ("emergency_shelter", "safety_planning"),
    IncidentProtection.Kind.LEGAL_AID: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "legal"
    ),
    IncidentProtection.Kind.HEALTH: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "health"
    ),
    IncidentProtection.Kind.COUNSELLING: tuple(
        t.code for t in SERVICE_TYPES.values() if t.category == "psych"
    ),
}


@transaction.atomic
def incident_protection_refer(
    *,
    actor: Any,
    incident: Incident,
    kind: str,
    service: Any,
    reason: str,
    from_kind: str,
    urgency: str = "urgent",
    note: str = "",
    override_reason: str = "",
    consent_now: bool = False,
) -> Any:
    """Send the protection referral through the referrals app and link it to the incident.
    `consent_now`: the sharing consent the client gives aloud now (see referral_send).

    The sharing-consent rule (and a coordinator's override) is referral_send's: a
    missing consent raises referrals.services.ConsentMissing and nothing is written."""
    from referrals.services import referral_send

    if incident.client is None:
        raise ValidationError(_("Only an incident of a registered client can be referred."))
    if kind not in PROTECTION_SERVICE_TYPES:
        raise ValidationError(_("Unknown protection referral."))
    if service.service_type not in PROTECTION_SERVICE_TYPES[kind]:
        raise ValidationError({"service": _("Choose a service that matches this protection.")})
    protection = (
        IncidentProtection.objects.select_for_update().filter(incident=incident, kind=kind).first()
    )
    if protection is not None and protection.referral_id is not None:
        raise ValidationError(_("A referral was already sent for this protection."))
    referral = referral_send(
        actor=actor,
        client=incident.client,
        service=service,
        reason=reason,
        urgency=urgency,
        note=note,
        from_kind=from_kind,
        override_reason=override_reason,
        consent_now=consent_now,
    )
    if protection is None:
        protection = IncidentProtection.objects.create(incident=incident, kind=kind)
    protection.referral = referral
    protection.save(update_fields=["referral"])
    audit_record(
        actor=actor,
        action="incident.protection_refer",
        obj=incident,
        changes={"kind": kind, "urgency": urgency, "service_type": service.service_type},
    )
    return referral


def _overlaps(text: str, private: str) -> bool:
    """True when the alert text repeats a stretch (5+ words) of the private account."""
    a, b = fold(text).split(), fold(private).split()
    if len(b) < 5:
        return bool(b) and " ".join(b) in " ".join(a)
    grams = {" ".join(b[i : i + 5]) for i in range(len(b) - 4)}
    return any(" ".join(a[i : i + 5]) in grams for i in range(len(a) - 4))


@transaction.atomic
def alert_publish(
    *,
    actor: Any,
    incident: Incident,
    subject: str,
    headline: str,
    warning: str,
    province: Any,
    issued_on: date,
    expires_on: date,
    commune: Any = None,
) -> SafetyAlert:
    """Publish a warning from an incident whose reporter consented to an alert. The text
    is the publisher's own: it may not repeat the private account or the client's code."""
    from .queries import alertable_incidents

    if not incident.consent_alert:
        raise ValidationError(_("The person who reported this incident did not agree to an alert."))
    if not alertable_incidents(actor).filter(pk=incident.pk).exists():
        raise ValidationError(_("You cannot publish an alert from this incident."))
    if province.pk != incident.province_id:
        raise ValidationError(
            {"province": _("An alert can only be published in the province of the incident.")}
        )
    if expires_on < issued_on:
        raise ValidationError({"expires_on": _("The expiry date must be after the alert date.")})
    if commune is not None and commune.province_id != province.pk:
        raise ValidationError({"commune": _("This commune is not in the chosen province.")})
    text = f"{headline}\n{warning}"
    if incident.client is not None and fold(incident.client.short_code) in fold(text):
        raise ValidationError(_("The warning must not contain the client's code."))
    if incident.wrapped_key:
        private = EncryptedIdentity.open(
            incident.wrapped_key, incident.details_blob, incident.crypto_context
        ).get("details", "")
        if _overlaps(text, private):
            raise ValidationError(
                _(
                    "The warning repeats the private report. Write it in your own words and "
                    "leave out anything about the person who was hurt."
                )
            )
    alert = SafetyAlert.objects.create(
        incident=incident,
        subject=subject,
        headline=headline.strip(),
        warning=warning.strip(),
        province=province,
        commune=commune,
        issued_on=issued_on,
        expires_on=expires_on,
        published_by=actor,
    )
    audit_record(
        actor=actor,
        action="alert.publish",
        obj=alert,
        changes={"subject": subject, "province": province.pk, "expires_on": str(expires_on)},
    )
    from django_q.tasks import async_task

    alert_id = alert.pk
    transaction.on_commit(lambda: async_task("safety.tasks.alert_notify", alert_id))
    return alert


@transaction.atomic
def alert_withdraw(*, actor: Any, alert: SafetyAlert, reason: str = "") -> SafetyAlert:
    if alert.withdrawn_at is not None:
        raise ValidationError(_("This alert was already withdrawn."))
    alert.withdrawn_at = timezone.now()
    alert.withdrawn_by = actor
    alert.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(actor=actor, action="alert.withdraw", obj=alert, reason=reason.strip()[:200])
    return alert
