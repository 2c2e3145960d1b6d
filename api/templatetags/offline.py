"""`{% outbox %}`: the strip at the top of every page that shows outreach contacts saved on
the phone and sends them when the connection is back (static/js/app.js does the work).

Everything app.js says is rendered here, translated, into data attributes."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import roles, scope
from outreach.forms import ContactForm

register = template.Library()


@lru_cache(maxsize=8)
def _labels_in(language: str | None) -> str:
    """_labels in one language: every page of a peer renders them, always the same."""
    return _labels()


@lru_cache(maxsize=8)
def _strings_in(language: str | None) -> dict[str, str]:
    return _strings()


def _labels() -> str:
    labels = {name: str(field.label) for name, field in ContactForm.base_fields.items()}
    labels["items"] = _("Items handed out")
    return json.dumps(labels, ensure_ascii=False)


def _strings() -> dict[str, str]:
    """What app.js says, keyed by the data attribute's name (data-t-<key>)."""
    return {
        "saved": _("Saved on this phone, will be sent when online."),
        "pending": _("Contacts waiting to be sent: %(count)s"),
        "sent": _("Sent %(count)s contacts saved on this phone."),
        "sending": _("Sending…"),
        "send": _("Send now"),
        "offline": _("No connection: they will be sent when the phone is back online."),
        "signin": _("You are signed out: sign in again to send them."),
        "reload": _("This page has expired: reload it to send them."),
        "later": _("The server did not answer: they will be sent later."),
        "rejected": _("Not accepted, please check (kept on this phone):"),
        "discard": _("Discard"),
        "correct": _("Correct"),
        "editing": _("Correcting a contact that was not accepted:"),
        "confirm": _("Discard this contact? It will not be sent."),
        "people": _("%(count)s people"),
        # The checks made on the phone before a contact is kept (the server's own rules).
        "fix": _("Please correct the fields marked below."),
        "required": _("This field is required."),
        "number": _("Enter a whole number."),
        "min": _("Enter a number of at least %(count)s."),
        "max": _("Enter a number of at most %(count)s."),
        "future": _("The date cannot be in the future."),
        "establishment": _("Choose the establishment."),
    }


@register.inclusion_tag("api/_outbox.html", takes_context=True)
def outbox(context: Any, device_only: bool = False) -> dict[str, Any]:
    """device_only: the offline page, which knows no user (it is kept for everyone)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    logs = not device_only and user is not None and signed_in and scope.has_role(user, *roles.PEERS)
    return {
        "device_only": device_only,
        "signed_out": not device_only and not signed_in,
        "logs": logs,
        "user_id": user.pk if logs and user is not None else "",
        "api_url": reverse("api:contacts") if logs else "",
        "form_url": reverse("outreach:contact_new") if logs else "",
        "sw_url": reverse("service_worker"),
        "csrf": get_token(request) if logs and request is not None else "",
        "labels": _labels_in(get_language()) if logs else "",
        "strings": _strings_in(get_language()),
    }
