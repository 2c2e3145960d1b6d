"""`{% load referrals_tags %}{% client_services client %}`: the client's referrals and
services received, as the signed-in user may see them. For the client's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from referrals import queries

register = template.Library()


@register.inclusion_tag("referrals/_client_services.html", takes_context=True)
def client_services(context: Any, client: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "panel": {
            "client": client,
            "referrals": list(queries.referrals_of_client(user, client)[:50]),
            "deliveries": list(queries.deliveries_of_client(user, client)[:100]),
        },
        "request": context["request"],
    }


@register.filter
def shared_for_provider(referral: Any) -> list[str]:
    """`{{ r|shared_for_provider }}`: what the provider may read about the client of an
    inbox referral (queries.shared_for_provider): only what the sender shared."""
    return queries.shared_for_provider(referral)


_URGENT_STATUSES = ("declined", "expired", "no_show")


@register.filter
def badges(r: Any) -> str:
    """referrals/_badges.html in Python, for the rows of lists (the same HTML, its final
    newline included: referrals/tests/test_badges.py)."""
    urgency = (
        ""
        if r.urgency == "routine"
        else format_html('<span class="badge {}">{}</span> ', r.urgency, r.get_urgency_display())
    )
    status = r.status
    tone = " ok" if status == "completed" else " urgent" if status in _URGENT_STATUSES else ""
    return format_html(
        '{}<span class="badge{}" data-status="{}">{}</span>\n',
        urgency,
        tone,
        status,
        r.get_status_display(),
    )
