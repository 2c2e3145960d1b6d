"""Aggregate tables for reports at national scale (docs/reporting-at-scale.md).

They are kept by database triggers (reports/aggregates.py) in the very transaction that
writes, edits or deletes the record they count: every path (services, the API and sync,
bulk_create, QuerySet.update, raw SQL, cascades) is covered, a rolled-back write leaves
them unchanged, and the next report counts the record. They hold no client attribute:
a report joins the client row for its area, group and person breakdowns, so editing a
client needs no upkeep here.

Record keys (reports.perturbation) are not stored: a record key is a quadratic in the
record id mod P, so each row keeps the number of records it stands for, the sum of
their ids and of their squared ids (mod P), and the report works the cell key sum out
from these with the deployment secret, which never reaches the database.

Column names are those of the raw model, so the engine's filters and breakdowns apply
to these tables unchanged (reports.sources.Source paths)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce


def _fk(model: str, *, null: bool = False) -> models.ForeignKey:
    # No database constraint and no cascade: the triggers own these rows, and a client or
    # provider with counted records cannot be deleted anyway (PROTECT on the raw rows).
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=null,
        related_name="+",
    )


class KeyedRows(models.Model):
    """How many raw records a row stands for, with Σ id and Σ id² mod P for the cell key."""

    records = models.IntegerField(default=0)
    id_sum = models.BigIntegerField(default=0)
    id_sq_sum = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class PersonTimeCell(KeyedRows):
    """What a row of person-times is keyed by: the client, the service category, the
    provider and the day."""

    client = _fk("clients.Client")
    category = models.CharField(max_length=20)
    provider = _fk("programs.Organisation")
    delivered_on = models.DateField()

    class Meta:
        abstract = True


class PersonTime(PersonTimeCell):
    """One lượt (person-time) of support: one distinct (client, category, provider,
    date) among referrals.ServiceDelivery, the category from the taxonomy."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "category", "provider", "delivered_on"],
                name="reports_persontime_cell",
            )
        ]
        indexes = [models.Index(fields=["delivered_on", "category"])]


class PersonTimeType(PersonTimeCell):
    """Service deliveries de-duplicated by (client, service type, category, provider,
    date), the category as in `PersonTime`: for the lines and breakdowns by service type
    (one row per person-time of one type)."""

    service_type = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "service_type", "category", "provider", "delivered_on"],
                name="reports_persontimetype_cell",
            )
        ]
        indexes = [models.Index(fields=["delivered_on", "service_type"])]


class ContactCounts(KeyedRows):
    """Outreach contacts added up per period × commune × pre-reform commune × peer group:
    the number of contacts, the sum of their head counts and how many have no client."""

    contact_date = models.DateField()
    commune = _fk("geo.Commune", null=True)
    legacy_commune = _fk("geo.LegacyCommune", null=True)
    peer_group = _fk("programs.PeerGroup")
    head_count = models.BigIntegerField(default=0)
    anonymous = models.IntegerField(default=0)

    class Meta:
        abstract = True


def _counts_cell(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        F("contact_date"),
        Coalesce("commune", Value("")),
        Coalesce("legacy_commune", Value("")),
        F("peer_group"),
        name=name,
    )


class ContactDay(ContactCounts):
    """Contacts per day: any period."""

    class Meta:
        constraints = [_counts_cell("reports_contactday_cell")]


class ContactMonthCount(ContactCounts):
    """Contacts per month (`contact_date` is the month's first day): periods made of
    whole months, about a twentieth of the day rows at national scale."""

    class Meta:
        constraints = [_counts_cell("reports_contactmonthcount_cell")]


class ContactPresence(models.Model):
    """A registered client contacted in a period of one grain (`contact_date` is the
    period's first day) in a commune × pre-reform commune × peer group: distinct persons
    reached, from one row per client and place instead of one per contact."""

    client = _fk("clients.Client")
    contact_date = models.DateField()
    commune = _fk("geo.Commune", null=True)
    legacy_commune = _fk("geo.LegacyCommune", null=True)
    peer_group = _fk("programs.PeerGroup")
    records = models.IntegerField(default=0)

    class Meta:
        abstract = True


def _presence_cell(table: str) -> models.UniqueConstraint:
    """One row per client, period and place (NULL communes conflict too)."""
    return models.UniqueConstraint(
        F("client"),
        F("contact_date"),
        Coalesce("commune", Value("")),
        Coalesce("legacy_commune", Value("")),
        F("peer_group"),
        name=f"{table}_cell",
    )


class ContactMonth(ContactPresence):
    """Presence of a client per month: periods made of whole months, and the breakdown
    by month."""

    class Meta:
        constraints = [_presence_cell("reports_contactmonth")]
        indexes = [models.Index(fields=["contact_date"])]


class ContactQuarter(ContactPresence):
    """Presence of a client per quarter: periods made of whole quarters."""

    class Meta:
        constraints = [_presence_cell("reports_contactquarter")]
        indexes = [models.Index(fields=["contact_date"], name="reports_contactquarter_date")]


class ContactYear(ContactPresence):
    """Presence of a client per calendar year: annual reports."""

    class Meta:
        constraints = [_presence_cell("reports_contactyear")]
        indexes = [models.Index(fields=["contact_date"], name="reports_contactyear_date")]


class LegacyArea(models.Model):
    """What a pre-reform commune became, as the conversion table says now (a view over
    geo.CommuneConversion, migration 0002): the one new commune and the one province it
    became, NULL where it was split between several (or is not in the table). Read by a
    join, so a report looks the conversion table up once per query, not once per row,
    and a change of the table is in the next report."""

    legacy = models.OneToOneField(
        "geo.LegacyCommune",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        db_column="legacy_id",
        related_name="resolution",
    )
    commune = _fk("geo.Commune", null=True)
    province = _fk("geo.Province", null=True)

    class Meta:
        managed = False
        db_table = "reports_legacyarea"
