"""Every read of referrals and service deliveries, always with the acting user.

Two sides never mix:
- the sending side (peer educators and leaders: clients of their peer group; coordinators:
  clients of the peer groups of their support models; hotline counsellors: referrals their
  hotline sent) sees referrals with the client's short code;
- the provider side (provider staff) sees only referrals addressed to its organisation:
  short code, reason and urgency, and of the client only what the sender shared for that
  referral with the client's consent (`shared_for_provider`) — never the client's history,
  identity or population groups unless shared.
Provincial and national managers see aggregates only (reports), not these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles, scope
from accounts.models import Grant, Role, User
from clients.models import Client, Consent
from clients.queries import clients_for
from programs.models import Organisation

from . import outcomes
from .models import Referral, ServiceDelivery, normalise_code

# --- Services a client may be referred to -------------------------------------------------


def referral_services(user: Any, client: Client | None, *, everywhere: bool = False) -> Any:
    """The services the user may refer to, for one client: those in the client's province
    only (unless `everywhere`), the client's commune first, then services friendly to key
    populations, then by name. Each row says whether it is in the client's commune
    (`in_commune`) and province (`in_province`)."""
    from directory.models import Location
    from directory.queries import services_for

    qs = services_for(user)
    if client is None:
        return qs.order_by("service_type", "organisation__name", "name")
    here = Location.objects.filter(services=OuterRef("pk"), active=True)
    in_province = Exists(
        here.filter(Q(province_id=client.province_id) | Q(commune__province_id=client.province_id))
    ) | Q(organisation__province_id=client.province_id)
    in_commune: Any = (
        ExpressionWrapper(
            Exists(here.filter(commune_id=client.commune_id))
            | Q(organisation__commune_id=client.commune_id),
            output_field=BooleanField(),
        )
        if client.commune_id
        else Value(False)
    )
    qs = qs.annotate(
        in_province=ExpressionWrapper(in_province, output_field=BooleanField()),
        in_commune=in_commune,
    )
    if not everywhere:
        qs = qs.filter(in_province=True)
    return qs.order_by(
        "-in_commune", "-in_province", "-friendly_to_key_populations", "name", "organisation__name"
    )


# --- Clients the user may refer ----------------------------------------------------------


def referable_clients(user: Any) -> QuerySet[Client]:
    """Clients this user may open a referral for from the client's page (peers, leaders,
    coordinators). Hotline counsellors find clients by code instead (client_by_code)."""
    if not scope.has_role(user, *roles.CASEWORK):
        return Client.objects.none()
    return clients_for(user)


def get_client(user: Any, public_id: Any) -> Client:
    return get_object_or_404(referable_clients(user), public_id=public_id)


NOT_AVAILABLE = gettext_lazy("No client with this code is available to you.")
"""The one message for a code that does not exist and a code out of the user's scope, so
that a look-up never tells whether a code exists."""

RECENT_REFERRAL_DAYS = 90


def _hotline_provinces(user: Any) -> set[str]:
    return scope.organisation_provinces(user, Role.HOTLINE)


def _provider_client_ids(orgs: set[int]) -> Q:
    """Clients known to these provider organisations: an active consent to share with one
    of them, or an open or recent referral to one of them."""
    consented = Consent.objects.filter(
        purpose=Consent.Purpose.SHARE_PROVIDER, provider_id__in=orgs, withdrawn_at__isnull=True
    ).values("client_id")
    since = timezone.now() - timedelta(days=RECENT_REFERRAL_DAYS)
    referred = (
        Referral.objects.filter(provider_id__in=orgs)
        .filter(Q(status__in=Referral.OPEN_STATUSES) | Q(sent_at__gte=since))
        .values("client_id")
    )
    return Q(pk__in=consented) | Q(pk__in=referred)


def code_lookup_clients(user: Any) -> QuerySet[Client]:
    """Clients this user may find by short code:
    - peers, leaders and coordinators: the clients they may refer (referable_clients);
    - hotline counsellors: clients of peer groups in the hotline organisation's province;
    - provider staff: clients known to their organisation (client_by_code's rules)."""
    cond = Q(pk__in=[])
    reachable = False
    if scope.has_role(user, *roles.CASEWORK):
        cond |= Q(pk__in=referable_clients(user).values("pk"))
        reachable = True
    hotline_provinces = _hotline_provinces(user)
    if hotline_provinces:
        cond |= Q(peer_group__support_model__province_id__in=hotline_provinces)
        reachable = True
    orgs = provider_org_ids(user)
    if orgs:
        cond |= _provider_client_ids(orgs)
        reachable = True
    if not reachable:
        return Client.objects.none()
    return Client.objects.filter(erased_at__isnull=True).filter(cond)


def client_by_code(user: Any, short_code: str) -> Client | None:
    """Find a client by the short code the client (or caller) tells the user, within the
    user's scope (code_lookup_clients). Provider staff find only clients who consented to
    sharing with their organisation or have an open or recent referral to it, so a walk-in
    for a client not known to them is refused. A missing code and an out-of-scope code both
    give None: show NOT_AVAILABLE either way. Nothing else about the client is revealed."""
    code = (short_code or "").strip().upper()
    if not code:
        return None
    return code_lookup_clients(user).filter(short_code=code).first()


def delivery_providers(user: Any, client: Client) -> QuerySet[Organisation]:
    """Providers a peer (or coordinator) may name for a service the client received outside
    the system: active service providers in the client's province. None when the user
    cannot reach the client."""
    if not referable_clients(user).filter(pk=client.pk).exists():
        return Organisation.objects.none()
    return Organisation.objects.filter(
        active=True, kind=Organisation.Kind.SERVICE_PROVIDER, province_id=client.province_id
    ).order_by("name")


def follow_up_withdrawn(client: Client) -> bool:
    """True when the client withdrew follow-up consent (and holds no active one)."""
    consents = Consent.objects.filter(client=client, purpose=Consent.Purpose.FOLLOW_UP)
    return (
        consents.filter(withdrawn_at__isnull=False).exists()
        and not consents.filter(withdrawn_at__isnull=True).exists()
    )


# --- Sending side ------------------------------------------------------------------------


def _hotline_referrals(user: Any) -> Q:
    orgs = scope.organisation_ids(user, Role.HOTLINE)
    if not orgs:
        return Q(pk__in=[])
    # The senders as a subquery, not a join through their grants: a join can repeat a
    # referral (one row per grant), and the DISTINCT that removed the repeats sorted every
    # referral in scope, joined rows and all, before the first page could be cut.
    hotline_senders = Grant.objects.filter(organisation_id__in=orgs, role=Role.HOTLINE)
    return Q(from_kind=Referral.FromKind.HOTLINE) & Q(
        sender_id__in=hotline_senders.values("user_id")
    )


def sent_referrals_for(user: Any) -> QuerySet[Referral]:
    """Referrals the user follows as a sender (emergencies first)."""
    qs = Referral.objects.select_related("client", "service", "provider", "sender")
    groups = scope.peer_group_ids(user)
    models = scope.support_model_ids(user)
    cond = Q(client__peer_group_id__in=groups) | Q(client__peer_group__support_model_id__in=models)
    if scope.has_role(user, Role.HOTLINE):
        cond |= _hotline_referrals(user)
    if not groups and not models and not scope.has_role(user, Role.HOTLINE):
        return qs.none()
    return qs.filter(cond).order_by("priority", "-sent_at")


def get_sent_referral(user: Any, public_id: Any) -> Referral:
    return get_object_or_404(sent_referrals_for(user), public_id=public_id)


def referrals_of_client(user: Any, client: Client) -> QuerySet[Referral]:
    return sent_referrals_for(user).filter(client=client)


# --- Provider side -----------------------------------------------------------------------


def provider_org_ids(user: Any) -> set[int]:
    return scope.organisation_ids(user, Role.PROVIDER)


def provider_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations the user records services for, as provider staff."""
    return Organisation.objects.filter(pk__in=provider_org_ids(user)).order_by("name")


def with_status(referrals: QuerySet[Referral], status: str) -> QuerySet[Referral]:
    """A list narrowed to one status, or to those still open ("open"); any other value
    leaves it whole."""
    if status == "open":
        return referrals.filter(status__in=Referral.OPEN_STATUSES)
    if status in Referral.Status.values:
        return referrals.filter(status=status)
    return referrals


def referral_history(referral: Referral) -> tuple[QuerySet[Any], QuerySet[ServiceDelivery]]:
    """A referral's events (with their actors) and the services delivered under it, for a
    referral the user already reached through `get_sent_referral`."""
    return (
        referral.events.select_related("actor"),
        referral.deliveries.select_related("provider"),
    )


def slip_locations(referral: Referral, *, active_only: bool = False) -> QuerySet[Any]:
    """Where the client goes with their slip: the referred service's locations (to be
    shown through `directory.queries.locations_as_seen_by`)."""
    locations = referral.service.locations.select_related("commune", "organisation")
    return locations.filter(active=True) if active_only else locations


def inbox_for(user: Any) -> QuerySet[Referral]:
    """Referrals addressed to the user's organisation(s), emergencies first.

    A provider sees the client's code and the referral's reason; of the client, only what
    the sender shared for that referral (`shared_for_provider`), and only while the
    client's consent to share with that provider holds (`share_consent`)."""
    orgs = provider_org_ids(user)
    if not orgs:
        return Referral.objects.none()
    active_consent = Consent.objects.filter(
        client_id=OuterRef("client_id"),
        provider_id=OuterRef("provider_id"),
        purpose=Consent.Purpose.SHARE_PROVIDER,
        withdrawn_at__isnull=True,
    )
    return (
        Referral.objects.filter(provider_id__in=orgs)
        .select_related("client", "service", "provider")
        .prefetch_related("shared_population_groups")
        .annotate(share_consent=Exists(active_consent))
        .order_by("priority", "-sent_at")
    )


def shared_for_provider(referral: Referral) -> list[str]:
    """What the provider may read about the client of an inbox referral (inbox_for):
    the items the sender shared, while the client's consent to share holds."""
    if not getattr(referral, "share_consent", False):
        return []
    client = referral.client
    items = [str(g) for g in referral.shared_population_groups.all()]
    if referral.share_birth_year:
        items.append(_("born %(year)s") % {"year": client.birth_year})
    if referral.share_gender:
        items.append(str(client.get_sex_display()))
        if client.gender_identity != "not_stated":
            items.append(str(client.get_gender_identity_display()))
    return items


def get_inbox_referral(user: Any, public_id: Any) -> Referral:
    return get_object_or_404(inbox_for(user), public_id=public_id)


def find_inbox_referral(user: Any, raw_code: str) -> Referral | None:
    code = normalise_code(raw_code)
    if not code:
        return None
    return inbox_for(user).filter(code=code).first()


# --- Deliveries --------------------------------------------------------------------------


def deliveries_of_client(user: Any, client: Client) -> QuerySet[ServiceDelivery]:
    """The client's services, for the sending side (its own clients only: the scope is a
    condition of the same statement)."""
    in_scope = referable_clients(user).filter(pk=client.pk).values("pk")
    return ServiceDelivery.objects.filter(client=client, client_id__in=in_scope).select_related(
        "provider", "service"
    )


def deliveries_by_provider(user: Any) -> QuerySet[ServiceDelivery]:
    """Deliveries the provider's organisation recorded or received (no other history)."""
    orgs = provider_org_ids(user)
    return (
        ServiceDelivery.objects.filter(provider_id__in=orgs)
        .select_related("client", "service", "provider")
        .order_by("-delivered_on", "-id")
    )


def possible_duplicates(*, client: Client, category: str, provider: Any, delivered_on: Any) -> int:
    """How many deliveries already count for this (client, category, provider, date)."""
    return ServiceDelivery.objects.filter(
        client=client, category=category, provider=provider, delivered_on=delivered_on
    ).count()


# --- Follow-up ---------------------------------------------------------------------------


@dataclass
class FollowUpRow:
    """One row of the follow-up page. `completion_rate` and `median_days` are the
    report's own figures (referrals.outcomes): completed ÷ sent, and the median days
    from sending to the first delivery recorded against the referral (else the day it
    was marked completed)."""

    label: str
    sent: int
    open: int
    completed: int
    completion_rate: float | None
    median_days: float | None


def _summarise(label: str, rows: list[Referral]) -> FollowUpRow:
    figures = outcomes.outcome(rows)
    return FollowUpRow(
        label=label,
        sent=figures.made,
        open=sum(1 for r in rows if r.is_open),
        completed=figures.completed,
        completion_rate=figures.completion_rate,
        median_days=figures.median_days,
    )


def follow_up_for(user: Any, period: Any = None) -> dict[str, Any]:
    """Open referrals by age (all of them: they all need action); completion rate and
    median days to service (the report's definitions, referrals.outcomes) of the referrals
    sent in `period` (a reports.periods.Period; None: all), in total, per provider and per
    service type."""
    everything = list(outcomes.with_first_delivery(sent_referrals_for(user)))
    rows = everything
    if period is not None:
        rows = [
            r for r in everything if period.start <= timezone.localdate(r.sent_at) <= period.end
        ]
    now = timezone.now()
    buckets = [
        ("0-3", timedelta(0), timedelta(days=3)),
        ("4-7", timedelta(days=3), timedelta(days=7)),
        ("8-30", timedelta(days=7), timedelta(days=30)),
        ("30+", timedelta(days=30), None),
    ]
    open_rows = [r for r in everything if r.is_open]
    ages = []
    for label, low, high in buckets:
        n = sum(
            1
            for r in open_rows
            if now - r.sent_at >= low and (high is None or now - r.sent_at < high)
        )
        ages.append((label, n))
    by_provider: dict[str, list[Referral]] = {}
    by_type: dict[str, list[Referral]] = {}
    for r in rows:
        by_provider.setdefault(r.provider.name, []).append(r)
        by_type.setdefault(str(r.get_service_type_display()), []).append(r)
    open_rows.sort(key=lambda r: (r.priority, r.sent_at))
    return {
        "total": _summarise("", rows),
        "ages": ages,
        "oldest_open": open_rows[:20],
        "by_provider": [_summarise(k, v) for k, v in sorted(by_provider.items())],
        "by_type": [_summarise(k, v) for k, v in sorted(by_type.items())],
    }


def latest_changes(user: User | AnonymousUser) -> QuerySet[Referral]:
    """The referrals the user follows, open emergencies first (they come first in every
    list), then by their newest status change (the home page's panel)."""
    open_emergency = Q(status__in=Referral.OPEN_STATUSES, urgency=Referral.Urgency.EMERGENCY)
    return (
        sent_referrals_for(user)
        .annotate(first=Case(When(open_emergency, then=Value(0)), default=Value(1)))
        .order_by("first", "-updated_at")
    )
