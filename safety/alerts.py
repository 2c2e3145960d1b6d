"""Safety alerts: written from an incident only with the reporter's consent, screened so that
they name no one and repeat no stretch of the private account, approved by another person
before anyone sees them, declined or withdrawn with their text removed.

One keyword-only function per use case, in a transaction, audited inside."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import audit_record
from clients.models import Client
from core.crypto import EncryptedIdentity
from core.text import fold
from geo.models import Commune, Province

from .models import (
    Incident,
    SafetyAlert,
)
from .queries import (
    alert_approvers,
    alertable_incidents,
    approved_by,
    can_approve,
    declined_by,
    withdrawn_by,
)


def _overlaps(text: str, private: str) -> bool:
    """True when the alert text repeats a stretch (5+ words) of the private account."""
    a, b = fold(text).split(), fold(private).split()
    if len(b) < 5:
        return bool(b) and " ".join(b) in " ".join(a)
    grams = {" ".join(b[i : i + 5]) for i in range(len(b) - 4)}
    return any(" ".join(a[i : i + 5]) in grams for i in range(len(a) - 4))


def _alert_text_errors(
    *, incident: Incident | None, headline: str, warning: str
) -> dict[str, list[str]]:
    """Why the alert's text may not be shared, per field ({} when it may). It may not
    repeat the private account or the client's code, name a person (the victim or any
    registered client, through the blind indexes) or give a phone number."""
    from .screening import screen_alert

    errors: dict[str, list[str]] = {}
    fields = {"headline": headline, "warning": warning}
    victim = incident.client if incident is not None else None
    if victim is not None:
        for field, text in fields.items():
            if fold(victim.short_code) in fold(text):
                errors.setdefault(field, []).append(
                    _("Remove the client's code: an alert never names the person who was hurt.")
                )
    for finding in screen_alert(fields=fields, victim=victim):
        errors.setdefault(finding.field, []).append(finding.message())
    if incident is not None and incident.wrapped_key:
        private = EncryptedIdentity.open(
            incident.wrapped_key, incident.details_blob, incident.crypto_context
        ).get("details", "")
        for field, text in fields.items():
            if _overlaps(text, private):
                errors.setdefault(field, []).append(
                    _(
                        "The warning repeats the private report. Write it in your own words "
                        "and leave out anything about the person who was hurt."
                    )
                )
    return errors


ALERT_REFUSAL = "safety.alert_refused"


def _refused_alerts_per_hour() -> int:
    return int(str(settings.CAUNOI.get("REFUSED_ALERTS_PER_HOUR", 10)))


def alert_text_screen(*, actor: User, incident: Incident, headline: str, warning: str) -> None:
    """Screen an alert's text before it is submitted, counting each refusal (per user and
    hour, in the database: core.ratelimit). A refusal tells whether a stretch is a
    registered client's name, so past the limit nothing more is screened (nor submitted)
    this hour. The page view calls it outside any transaction, before `alert_submit`, so
    that the count of a refusal is kept while the refused submission rolls back."""
    from core import ratelimit

    limit = _refused_alerts_per_hour()
    if ratelimit.used(actor, ALERT_REFUSAL) >= limit:
        raise ValidationError(
            _(
                "Too many of your alerts were refused this hour (%(limit)s). Wait until the "
                "next hour, or ask your coordinator. What you typed is kept."
            )
            % {"limit": limit},
            code="rate_limited",
        )
    errors = _alert_text_errors(incident=incident, headline=headline, warning=warning)
    if errors:
        with transaction.atomic():
            ratelimit.spend(actor, ALERT_REFUSAL, limit=limit)
        raise ValidationError(errors)


def _free_text_errors(field: str, text: str, alert: SafetyAlert) -> None:
    """A reviewer's note or a withdrawal reason (shown to the author, kept in the audit
    log) is screened like the alert: no name, no phone number. Compared with the
    victim's identity and the patterns only (its refusals are not rate-limited: compared
    with every client it would tell the reviewer whether a name is registered)."""
    from .screening import screen_alert

    victim = alert.incident.client if alert.incident is not None else None
    findings = screen_alert(fields={field: text}, victim=victim, everyone=False)
    if victim is not None and text and fold(victim.short_code) in fold(text):
        raise ValidationError({field: _("Remove the client's code.")})
    if findings:
        raise ValidationError({field: [f.message() for f in findings]})


def _notify_alert(alert: SafetyAlert, users: Iterable[Any], *, kind: str, title: Promise) -> None:
    """Tell users about the alert by reference: the stored notification has a generic
    title only; its text is rendered live from the alert (notifications.live)."""
    from django.urls import reverse
    from django.utils.translation import override

    from notifications.live import ref_for
    from notifications.services import notify

    url = reverse("safety:alert_detail", args=[alert.public_id])
    for user in users:
        with override(user.language or "vi"):
            notify(
                user=user,
                kind=kind,
                title=str(title),
                url=url,
                ref=ref_for("safety.alert", alert.pk),
            )


@transaction.atomic
def alert_submit(
    *,
    actor: User,
    incident: Incident,
    subject: str,
    headline: str,
    warning: str,
    province: Province,
    issued_on: date,
    expires_on: date,
    commune: Commune | None = None,
) -> SafetyAlert:
    """Write a warning from an incident whose reporter consented to an alert. It waits
    for a second person's approval (alert_approve) before anyone else sees it. The text
    is the author's own: it may not repeat the private account, name anyone or give a
    phone number (errors per field, saying what to remove)."""

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
    alert_text_screen(actor=actor, incident=incident, headline=headline, warning=warning)
    reviewers = alert_approvers(incident, actor)
    if not reviewers:
        raise ValidationError(
            _(
                "Nobody can approve this alert yet: the group has no leader and the model no "
                "coordinator other than you. Ask the model's coordinator to approve alerts."
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
        status=SafetyAlert.Status.PENDING,
    )
    audit_record(
        actor=actor,
        action="alert.submit",
        obj=alert,
        changes={"subject": subject, "province": province.pk, "expires_on": str(expires_on)},
    )
    _notify_alert(
        alert,
        reviewers,
        kind="safety.alert_review",
        title=gettext_lazy("A safety alert is waiting for your approval"),
    )
    return alert


def _require_review(actor: User, alert: SafetyAlert, refused: str) -> None:
    """Only a pending alert is reviewed, and only by a second person (`can_approve`);
    `refused`: what someone else is told."""
    if alert.status != SafetyAlert.Status.PENDING:
        raise ValidationError(_("This alert is no longer waiting for approval."))
    if not can_approve(actor, alert):
        raise ValidationError(refused)


@transaction.atomic
def alert_approve(*, actor: User, alert: SafetyAlert) -> SafetyAlert:
    """A second person (a leader of the incident's group or a coordinator of its model,
    never the author) approves a pending alert: it is published and the province is
    told. The text is screened again (a client may have been registered since)."""

    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if approved_by(actor, alert):
        return alert  # a resend of this approval: answered as the first one was
    _require_review(
        actor, alert, _("Only a group leader or coordinator who did not write it can approve it.")
    )
    if alert.expires_on < timezone.localdate():
        raise ValidationError(
            _("This alert has already expired. Decline it; the author can write a new one.")
        )
    errors = _alert_text_errors(
        incident=alert.incident, headline=alert.headline, warning=alert.warning
    )
    if errors:
        raise ValidationError(
            _("This alert cannot be published as written: decline it with a note for the author.")
        )
    alert.status = SafetyAlert.Status.PUBLISHED
    alert.approved_by = actor
    alert.approved_at = timezone.now()
    alert.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="alert.publish", obj=alert, changes={"status": "published"})
    from django_q.tasks import async_task

    alert_id = alert.pk
    transaction.on_commit(lambda: async_task("safety.tasks.alert_notify", alert_id))
    return alert


def _remove_text(alert: SafetyAlert) -> None:
    alert.headline = ""
    alert.warning = ""


@transaction.atomic
def alert_decline(*, actor: User, alert: SafetyAlert, note: str = "") -> SafetyAlert:
    """A reviewer declines a pending alert: its text is removed (it may name someone) and
    the author is told, with the reviewer's note."""

    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if declined_by(actor, alert):
        return alert  # a resend of this decline: answered as the first one was
    _require_review(
        actor, alert, _("Only a group leader or coordinator who did not write it can decline it.")
    )
    _free_text_errors("note", note.strip(), alert)
    _remove_text(alert)
    alert.status = SafetyAlert.Status.DECLINED
    alert.review_note = note.strip()[:200]
    alert.save(update_fields=["headline", "warning", "status", "review_note"])
    audit_record(
        actor=actor, action="alert.decline", obj=alert, changes={"has_note": bool(note.strip())}
    )
    _notify_alert(
        alert,
        [alert.published_by],
        kind="safety.alert_declined",
        title=gettext_lazy("Your safety alert was declined"),
    )
    return alert


@transaction.atomic
def alert_withdraw(*, actor: User, alert: SafetyAlert, reason: str = "") -> SafetyAlert:
    """Withdraw a published (or still pending) alert. Its text is removed from the alert
    and so from every notification, which render it live."""

    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if withdrawn_by(actor, alert):
        return alert  # a resend of this withdrawal: answered as the first one was
    if alert.status not in (SafetyAlert.Status.PENDING, SafetyAlert.Status.PUBLISHED):
        raise ValidationError(_("This alert was already withdrawn."))
    _free_text_errors("reason", reason.strip(), alert)
    _remove_text(alert)
    alert.status = SafetyAlert.Status.WITHDRAWN
    alert.withdrawn_at = timezone.now()
    alert.withdrawn_by = actor
    alert.save(update_fields=["headline", "warning", "status", "withdrawn_at", "withdrawn_by"])
    audit_record(actor=actor, action="alert.withdraw", obj=alert, reason=reason.strip()[:200])
    return alert


def alerts_erase_for_client(client: Client) -> int:
    """On the victim's identity erasure (an erasure hook, inside client_erase): the
    alerts written from their incidents lose their text and stop being shown."""
    alerts = SafetyAlert.objects.filter(incident__client=client)
    now = timezone.now()
    alerts.filter(status__in=[SafetyAlert.Status.PENDING, SafetyAlert.Status.PUBLISHED]).update(
        status=SafetyAlert.Status.WITHDRAWN, withdrawn_at=now
    )
    return alerts.update(headline="", warning="", review_note="")
