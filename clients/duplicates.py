"""Duplicate registrations: the look-ups a registration makes are counted (rate-limited, so
that registering cannot probe who is registered), a match in the user's own scope stops it,
and a match outside it is told to the coordinators of both records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User

from . import queries
from .models import Client


class PossibleDuplicate(ValidationError):
    """Registration stopped: a client within the user's own scope has the same UIC (same
    province) or the same phone. `matches` holds only those (the user may open them);
    a match outside the user's scope never stops a registration nor shows in any answer
    (the coordinators of both records are told: `notify_possible_duplicate`)."""

    def __init__(self, matches: Sequence[Client]) -> None:
        super().__init__(_("This client may already be registered."), code="duplicate")
        self.matches = list(matches)


class TooManyDuplicateChecks(ValidationError):
    """The user ran more duplicate checks this hour than allowed (look-ups are rate-limited
    so that registering cannot be used to probe who is registered)."""


DUPLICATE_CHECK = "clients.duplicate_check"


def _duplicate_checks_per_hour() -> int:
    return int(str(settings.CAUNOI.get("DUPLICATE_CHECKS_PER_HOUR", 30)))


def count_duplicate_check(actor: User) -> None:
    """Count one look-up in the database (core.ratelimit), in the registration's
    transaction: the limit holds across every worker process and server."""
    from core import ratelimit

    limit = _duplicate_checks_per_hour()
    if not ratelimit.spend(actor, DUPLICATE_CHECK, limit=limit):
        raise TooManyDuplicateChecks(
            _(
                "You have registered or checked too many clients this hour (%(limit)s). Wait "
                "until the next hour, or ask your coordinator. What you typed is kept."
            )
            % {"limit": limit},
            code="rate_limited",
        )


def duplicate_check_recount(*, actor: User) -> None:
    """Count again the look-up of a registration refused with PossibleDuplicate: its
    count rolled back with the registration. Called by the view once the refused
    transaction has ended, so that this count is kept."""
    from core import ratelimit

    ratelimit.spend(actor, DUPLICATE_CHECK, limit=_duplicate_checks_per_hour())


def notify_possible_duplicate(*, client: Client, others: Sequence[Client]) -> None:
    """A new registration matches clients outside the registering user's scope: tell the
    coordinators of each record, each with a link to the record of their own model only,
    so that they can check together whether it is one person (counted once). No name,
    phone, code or UIC in the text: only the other side's support model, to contact."""
    from django.urls import reverse
    from django.utils import translation

    from accounts.models import Grant, Role
    from notifications.services import notify

    def coordinators(support_model_id: int) -> list[Any]:
        grants = Grant.objects.filter(
            role=Role.COORDINATOR, support_model_id=support_model_id, active=True
        ).select_related("user")
        return list({g.user_id: g.user for g in grants if g.user.is_active}.values())

    def tell(record: Client, other_model: Any) -> None:
        for user in coordinators(record.peer_group.support_model_id):
            with translation.override(getattr(user, "language", "") or "vi"):
                notify(
                    user=user,
                    kind="clients.possible_duplicate",
                    title=_("A client of your model may also be registered in another model"),
                    body=_(
                        "A registration in the model “%(model)s” matches a client of your "
                        "model (same UIC or phone). Open the record, then agree with that "
                        "model's coordinator whether it is one person."
                    )
                    % {"model": other_model.name},
                    url=reverse("clients:detail", args=[record.public_id]),
                )

    new_model = client.peer_group.support_model
    for other in others:
        other_model = other.peer_group.support_model
        tell(other, new_model)
        tell(client, other_model)


def duplicates_outside_scope(
    *, actor: User, uic: str, province_code: str, phone: str, register_anyway: bool
) -> list[Client]:
    """The registered clients a registration may duplicate (same UIC in the province, or
    same phone) that the user may not see. One within the user's scope stops the
    registration (PossibleDuplicate) unless `register_anyway`; each look-up is counted
    first, unless it is the user's answer to a match already shown."""
    if not register_anyway:
        count_duplicate_check(actor)
    all_matches = list(
        queries.possible_duplicates(uic=uic, province_code=province_code, phone=phone)[:20]
    )
    visible = set(
        queries.clients_for(actor)
        .filter(pk__in=[m.pk for m in all_matches])
        .values_list("pk", flat=True)
    )
    if not register_anyway and visible:
        raise PossibleDuplicate([m for m in all_matches if m.pk in visible])
    return [m for m in all_matches if m.pk not in visible]
