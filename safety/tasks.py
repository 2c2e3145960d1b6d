"""Background work of the safety app, run by django-q2 (synchronous in tests).

`alert_notify` is enqueued on commit when a safety alert is published: it tells the
peer educators and group leaders of the peer groups in the alert's province, and the
coordinators of support models there. The notification stores no alert text: it refers
to the alert (notifications.live) and shows its headline and warning live, so withdrawing
the alert or erasing the victim's identity removes the text from every notification."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts import roles
from accounts.models import Role, User
from notifications.live import live_renderer, ref_for
from notifications.services import notify_once

from .models import SafetyAlert
from .queries import granted_users

logger = logging.getLogger("caunoi.safety")


def alert_recipients(alert: SafetyAlert) -> list[User]:
    """Users to tell: peers and leaders of groups in the province, coordinators of models
    there (active grants, each user once, the author and the approver left out)."""
    return granted_users(
        Q(role__in=roles.PEERS, peer_group__support_model__province_id=alert.province_id)
        | Q(role=Role.COORDINATOR, support_model__province_id=alert.province_id),
        leaving_out=[alert.published_by_id, alert.approved_by_id or 0],
    )


def alert_notify(alert_id: int) -> int:
    """Notify the province of a newly published alert (nothing if it is no longer active).
    Safe to run twice: each user's notification is recorded under its own key (alert,
    user) and one already sent is skipped. Returns how many were sent by this run."""
    alert = SafetyAlert.objects.filter(pk=alert_id).first()
    if alert is None or not alert.is_active():
        return 0
    url = reverse("safety:alert_detail", args=[alert.public_id])
    sent = 0
    for user in alert_recipients(alert):
        with override(user.language or "vi"):
            done = notify_once(
                once_key=f"safety.alert:{alert.pk}:{user.pk}",
                user=user,
                kind="safety.alert",
                title=_("Safety alert"),
                url=url,
                ref=ref_for("safety.alert", alert.pk),
            )
        sent += done is not None
    logger.info("safety alert notified alert=%s users=%s", alert.pk, sent)
    return sent


@live_renderer("safety.alert")
def alert_texts(ids: list[int]) -> dict[int, tuple[str, str]]:
    """What a notification about an alert shows now: its headline and warning while it
    is published; only its state once it waits, was declined or was withdrawn."""
    shown: dict[int, tuple[str, str]] = {}
    for alert in SafetyAlert.objects.filter(pk__in=ids):
        if alert.status == SafetyAlert.Status.PUBLISHED:
            shown[alert.pk] = (
                _("Safety alert: %(headline)s") % {"headline": alert.headline},
                alert.warning,
            )
        elif alert.status == SafetyAlert.Status.PENDING:
            shown[alert.pk] = (_("A safety alert is waiting for approval"), "")
        elif alert.status == SafetyAlert.Status.DECLINED:
            shown[alert.pk] = (_("Safety alert declined"), alert.review_note)
        else:
            shown[alert.pk] = (_("Safety alert withdrawn"), "")
    return shown
