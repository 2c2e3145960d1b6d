"""Report sources: for each model a report counts, where its date, area, support model,
peer group, provider and client are (`Source`, `SOURCES`), and the owner paths they use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import (
    CharField,
    Q,
)
from django.db.models.functions import Cast, TruncDate


@dataclass(frozen=True)
class Source:
    """Where one kind of record keeps what reports filter on (paths from the model)."""

    key: str
    model: str  # "app_label.ModelName"
    date: str | None  # the service/activity date (None: use `span`)
    is_datetime: bool = False
    span: tuple[str, str] | None = None  # (from, until) for things that last (members)
    # commune, legacy and province: a path, or a tuple of fallback paths (the first
    # non-null wins). The record's commune is the first non-null `commune`; only when it
    # has none is the first non-null `legacy` (pre-reform) commune used; only when that is
    # missing too (or not in the conversion table) the first non-null `province`.
    commune: str | tuple[str, ...] | None = None
    commune_m2m: str | None = None  # communes served (peer groups): commune filters only
    legacy: str | tuple[str, ...] | None = None
    province: tuple[str, ...] = ()
    # support_model and peer_group: a path, or a tuple of fallback paths (the first
    # non-null wins), like the area paths above.
    support_model: str | tuple[str, ...] | None = None
    peer_group: str | tuple[str, ...] | None = None
    provider: str | None = None
    recorded_by: str | None = None  # providers also see what they recorded themselves
    client: str | None = None  # path to clients.Client, for person breakdowns
    # Only these rows count at all (e.g. alerts that went out, never drafts).
    counted: tuple[tuple[str, Any], ...] = ()
    # The service category as `_cat`: "taxonomy" (from the service type, else the stored
    # column) or "column" (a column already worked out so: reports.PersonTime).
    category: str = ""

    def model_class(self) -> Any:
        label, name = self.model.split(".")
        return apps.get_model(label, name)

    @property
    def communes(self) -> tuple[str, ...]:
        return _paths(self.commune)

    @property
    def legacies(self) -> tuple[str, ...]:
        return _paths(self.legacy)


def _paths(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else value


def _client_area(prefix: str) -> dict[str, Any]:
    return {
        "commune": f"{prefix}commune",
        "legacy": f"{prefix}legacy_commune",
        "province": (f"{prefix}province",),
        "support_model": f"{prefix}peer_group__support_model",
        "peer_group": f"{prefix}peer_group",
    }


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        # Area of a service delivery or a referral = its client's commune/province.
        Source(
            "delivery",
            "referrals.ServiceDelivery",
            "delivered_on",
            provider="provider",
            recorded_by="recorded_by",
            client="client",
            category="taxonomy",
            **_client_area("client__"),
        ),
        Source(
            "referral",
            "referrals.Referral",
            "sent_at",
            is_datetime=True,
            provider="provider",
            client="client",
            **_client_area("client__"),
        ),
        Source(
            "client",
            "clients.Client",
            "registered_on",
            client="",
            **_client_area(""),
        ),
        # Area of a contact = its commune, or else its peer group's model province.
        Source(
            "contact",
            "outreach.OutreachContact",
            "contact_date",
            commune="commune",
            legacy="legacy_commune",
            province=("peer_group__support_model__province",),
            support_model="peer_group__support_model",
            peer_group="peer_group",
            client="client",
        ),
        # Area of a distribution = its contact's commune, or else the commune of the
        # activity it was handed out at (activities.ActivityDistribution), pre-reform
        # communes likewise; or else its peer group's model province, or else the stock
        # holder's province.
        Source(
            "distribution",
            "outreach.Distribution",
            "distributed_on",
            commune=("contact__commune", "activity_link__activity__commune"),
            legacy=("contact__legacy_commune", "activity_link__activity__legacy_commune"),
            province=("peer_group__support_model__province", "organisation__province"),
            support_model=("peer_group__support_model", "activity_link__activity__support_model"),
            peer_group=("peer_group", "activity_link__activity__peer_group"),
            provider="organisation",
        ),
        # Area of an activity = its commune, or else its support model's province.
        Source(
            "activity",
            "activities.Activity",
            "held_on",
            commune="commune",
            legacy="legacy_commune",
            province=("support_model__province",),
            support_model="support_model",
            peer_group="peer_group",
            provider="organiser",
        ),
        Source(
            "participants",
            "activities.ActivityParticipants",
            "activity__held_on",
            commune="activity__commune",
            legacy="activity__legacy_commune",
            province=("activity__support_model__province",),
            support_model="activity__support_model",
            peer_group="activity__peer_group",
            provider="activity__organiser",
        ),
        Source(
            "hotline",
            "hotline.HotlineCall",
            "started_at",
            is_datetime=True,
            commune="client__commune",
            legacy="client__legacy_commune",
            province=("client__province", "organisation__province"),
            support_model="client__peer_group__support_model",
            peer_group="client__peer_group",
            provider="organisation",
        ),
        Source(
            "incident",
            "safety.Incident",
            "occurred_on",
            commune="commune",
            province=("province",),
            support_model="support_model",
            peer_group="peer_group",
            client="client",
        ),
        Source(
            "alert",
            "safety.SafetyAlert",
            "issued_on",
            commune="commune",
            province=("province",),
            # Issued = approved (withdrawn later or not); never one waiting or declined.
            counted=(("approved_at__isnull", False),),
        ),
        Source(
            "member",
            "programs.Membership",
            None,
            span=("joined_on", "left_on"),
            commune_m2m="peer_group__communes",
            province=("peer_group__support_model__province",),
            support_model="peer_group__support_model",
            peer_group="peer_group",
        ),
        Source(
            "group",
            "programs.PeerGroup",
            None,
            span=("founded_on", ""),
            commune_m2m="communes",
            province=("support_model__province",),
            support_model="support_model",
            peer_group="",
        ),
    ]
}


def _path(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def _owner_q(path: str | tuple[str, ...], lookup: str, value: Any) -> Q:
    """`path`'s `lookup` equals `value`; for a tuple of fallback paths, on the first one
    that is not null (a distribution's model: its peer group's, else its activity's)."""
    if isinstance(path, str):
        # "" is the record itself: "id" → "pk", "id__in" → "pk__in".
        return Q(**{_path(path, lookup) if path else "pk" + lookup[2:]: value})
    q = Q(pk__in=[])
    for i, current in enumerate(path):
        cond = Q(**{_path(current, lookup): value})
        for earlier in path[:i]:
            cond &= Q(**{f"{earlier}__isnull": True})
        q |= cond
    return q


def _date_text(src: Source) -> Any:
    """The record's (local) date as 'YYYY-MM-DD' text: cheap in SQL on both databases,
    where EXTRACT on SQLite is a Python function called per row."""
    assert src.date
    if src.is_datetime:
        return Cast(TruncDate(src.date), CharField())
    return Cast(src.date, CharField())
