"""How referral notifications are worded, in the reader's language (notifications.messages).
The parameters are the referral code and choice values, never anything about the client."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from directory.taxonomy import SERVICE_TYPES
from notifications.messages import message

from .models import Referral

STATUS = "referral.status"
REMINDER = "referral.reminder"
NEW_URGENT = "referral.new_urgent"


@message(STATUS)
def status(params: dict[str, Any]) -> tuple[str, str]:
    what = str(Referral.Status(params["status"]).label).lower()
    return _("Referral %(code)s: %(what)s") % {"code": params["code"], "what": what}, ""


@message(REMINDER)
def reminder(params: dict[str, Any]) -> tuple[str, str]:
    title = _("Referral %(code)s has had no answer for %(days)s days") % {
        "code": params["code"],
        "days": params["days"],
    }
    return title, _("Call the provider or the client, or cancel the referral.")


@message(NEW_URGENT)
def new_urgent(params: dict[str, Any]) -> tuple[str, str]:
    urgency = str(Referral.Urgency(params["urgency"]).label).lower()
    title = _("New %(urgency)s referral %(code)s") % {"urgency": urgency, "code": params["code"]}
    return title, str(SERVICE_TYPES[params["service_type"]].label)
