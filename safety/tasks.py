"""Background work of the safety app, run by django-q2 (synchronous in tests).

`alert_notify` is enqueued on commit when a safety alert is published: it tells the
peer educators and group leaders of the peer groups in the alert's province, and the
coordinators of support models there. The notification carries only the alert's own
headline and warning (written to be shared), never anything from the incident."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Grant, Role, User
from notifications.services import notify_once

from .models import SafetyAlert

logger = logging.getLogger("caunoi.safety")


def alert_recipients(alert: SafetyAlert) -> list[User]:
    """Users to tell: peers and leaders of groups in the province, coordinators of models
    there (active grants, each user once, the publisher left out)."""
    grants = (
        Grant.objects.filter(active=True, user__is_active=True)
        .filter(
            Q(
                role__in=[Role.PEER_EDUCATOR, Role.GROUP_LEADER],
                peer_group__support_model__province_id=alert.province_id,
            )
            | Q(role=Role.COORDINATOR, support_model__province_id=alert.province_id)
        )
        .exclude(user_id=alert.published_by_id)
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, User] = {}
    for grant in grants:
        users.setdefault(grant.user_id, grant.user)
    return list(users.values())


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
                title=_("Safety alert: %(headline)s") % {"headline": alert.headline},
                body=alert.warning,
                url=url,
            )
        sent += done is not None
    logger.info("safety alert notified alert=%s users=%s", alert.pk, sent)
    return sent
