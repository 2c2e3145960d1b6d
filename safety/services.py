"""Writes of the safety app: violence incidents (private), protection referrals made for
them (safety alerts: safety/alerts.py).

One keyword-only function per use case, in a transaction, audited inside. Audit
`changes` carry codes and counts only: never the account of what happened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record, audit_view
from clients.models import Client
from core.crypto import EncryptedIdentity
from directory.models import Service
from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup
from referrals.models import Referral

from .models import (
    PROTECTION_SERVICE_TYPES,
    Incident,
    IncidentProtection,
    ViolenceType,
)


def _check_recorder_scope(
    *, actor: User, peer_group: PeerGroup | None, hotline: Organisation | None, province: Province
) -> None:
    """An incident is recorded within the recorder's own area: a peer group records in
    its model's province, a hotline in its province (any province for a national one)."""
    from accounts import scope
    from accounts.models import Role

    if peer_group is not None:
        if peer_group.pk not in scope.peer_group_ids(actor):
            raise ValidationError(_("You can only record incidents for your own peer group."))
        if province.pk != peer_group.support_model.province_id:
            raise ValidationError(
                {"province": _("Record an incident in your peer group's province only.")}
            )
    elif hotline is not None:
        if hotline.pk not in scope.organisation_ids(actor, Role.HOTLINE):
            raise ValidationError(_("You can only record incidents for your own hotline."))
        if hotline.province_id and province.pk != hotline.province_id:
            raise ValidationError(
                {"province": _("Record an incident in your hotline's province only.")}
            )


# The fields of a report that the incident stores as they were reported (the recorder,
# the province, the client and the support model are checked or derived first).
STORED_AS_REPORTED = (
    "occurred_on",
    "place_type",
    "commune",
    "perpetrator_kind",
    "reported_via",
    "consent_report",
    "consent_share",
    "consent_alert",
    "action_taken",
)


@dataclass(frozen=True)
class IncidentReport:
    """What is recorded about a violence incident: when, where, what kind, by whom, who
    records it (a peer group or a hotline), the consents given, the protections ticked and
    the account of what happened (stored only encrypted)."""

    occurred_on: date
    place_type: str
    province: Province
    violence_types: Sequence[str]
    perpetrator_kind: str
    reported_via: str
    action_taken: str
    commune: Commune | None = None
    client: Client | None = None
    peer_group: PeerGroup | None = None
    hotline: Organisation | None = None
    consent_report: bool = False
    consent_share: bool = False
    consent_alert: bool = False
    protections: Sequence[str] = ()
    details: str = ""


@transaction.atomic
def incident_record(*, actor: User, report: IncidentReport) -> Incident:
    """Record a violence incident for the recording peer group or hotline. The support
    model (whose coordinators may see it) follows the group, else the client's group."""
    peer_group, hotline, province, client = (
        report.peer_group,
        report.hotline,
        report.province,
        report.client,
    )
    if peer_group is None and hotline is None:
        raise ValidationError(_("An incident is recorded by a peer group or by a hotline."))
    _check_recorder_scope(actor=actor, peer_group=peer_group, hotline=hotline, province=province)
    codes = sorted(set(report.violence_types))
    types = list(ViolenceType.objects.filter(code__in=codes))
    if not types or len(types) != len(codes):
        raise ValidationError({"violence_types": _("Choose at least one type of violence.")})
    if report.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
    if report.commune is not None and report.commune.province_id != province.pk:
        raise ValidationError({"commune": _("This commune is not in the chosen province.")})
    kinds = sorted(set(report.protections))
    if set(kinds) - set(IncidentProtection.Kind.values):
        raise ValidationError({"protections": _("Unknown protection referral.")})
    support_model = None
    if peer_group is not None:
        support_model = peer_group.support_model
    elif client is not None:
        support_model = client.peer_group.support_model
    incident = Incident(
        **{name: getattr(report, name) for name in STORED_AS_REPORTED},
        province=province,
        client=client,
        peer_group=peer_group,
        hotline=hotline,
        support_model=support_model,
        recorded_by=actor,
    )
    details = report.details.strip()
    if details:
        incident.wrapped_key, incident.details_blob = EncryptedIdentity.seal(
            {"details": details}, incident.crypto_context
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
            "perpetrator_kind": report.perpetrator_kind,
            "protections": kinds,
            "consent_alert": report.consent_alert,
            "has_details": bool(details),
            "has_client": client is not None,
        },
    )
    return incident


def incident_view(*, actor: User, incident: Incident, page: str) -> str:
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


@transaction.atomic
def incident_protection_refer(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    service: Service,
    reason: str,
    from_kind: str,
    urgency: str = "urgent",
    note: str = "",
    override_reason: str = "",
    consent_now: bool = False,
) -> Referral:
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
