"""Background work, run by django-q2 (`manage.py qcluster`; synchronous in tests).

`referrals_housekeeping` is scheduled hourly (see migrations/0002_schedule.py);
`alert_provider` is enqueued on commit when an urgent or emergency referral is sent."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Grant, Role
from notifications.services import notify_once

from . import messages, services
from .models import Referral

logger = logging.getLogger("caunoi.referrals")


def referrals_housekeeping() -> dict[str, int]:
    """Remind senders of unanswered referrals, then expire old open ones."""
    reminded = expired = 0
    for referral in services.referrals_due_to_expire():
        services.referral_expire(referral=referral)
        expired += 1
    for referral in services.referrals_due_for_reminder():
        if services.referral_remind(referral=referral):
            reminded += 1
    logger.info("referral housekeeping reminded=%s expired=%s", reminded, expired)
    return {"reminded": reminded, "expired": expired}


def alert_provider(referral_id: int) -> int:
    """Alert every active staff member of the provider at once (urgent and emergency).
    Safe to run twice: each alert is recorded under its own key (referral, staff member)
    and one already sent is skipped. Returns how many were sent by this run."""
    referral = Referral.objects.select_related("client").filter(pk=referral_id).first()
    if referral is None or referral.status != Referral.Status.SENT:
        return 0
    staff = Grant.objects.filter(
        organisation_id=referral.provider_id, role=Role.PROVIDER, active=True
    ).select_related("user")
    sent = 0
    for grant in staff:
        with override(grant.user.language or "vi"):
            done = notify_once(
                once_key=f"referral.new_urgent:{referral.pk}:{grant.user_id}",
                user=grant.user,
                kind="referral.new_urgent",
                title=_("New %(urgency)s referral %(code)s")
                % {"urgency": referral.get_urgency_display().lower(), "code": referral.code},
                body=str(referral.get_service_type_display()),
                url=reverse("referrals:inbox_detail", args=[referral.public_id]),
                key=messages.NEW_URGENT,
                params={
                    "code": referral.code,
                    "urgency": referral.urgency,
                    "service_type": referral.service_type,
                },
            )
        sent += done is not None
    return sent
