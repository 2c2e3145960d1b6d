"""`{% load referrals_tags %}{% client_services client %}`: the client's referrals and
services received, as the signed-in user may see them. For the client's page."""

from __future__ import annotations

from typing import Any

from django import template

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
