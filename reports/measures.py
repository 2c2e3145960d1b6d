"""Measures: how a cell is counted from a source's rows (`Measure`, `MEASURES`), with the
record-key sums a perturbed report counts beside them (`KEY`, `KEYED`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat

from .context import ReportContext
from .sources import SOURCES


class PersonTimes(Count):
    """COUNT(DISTINCT client|category|provider|date): a person-time belongs to one client
    (reports.per_client adds the clients' counts up)."""


def person_time_expr(filter: Q | None = None) -> Count:
    """One lượt = one distinct (client, category, provider, date)."""
    return PersonTimes(
        Concat(
            Cast("client_id", CharField()),
            Value("|"),
            F("_cat"),
            Value("|"),
            Cast("provider_id", CharField()),
            Value("|"),
            Cast("delivered_on", CharField()),
            output_field=CharField(),
        ),
        distinct=True,
        filter=filter,
    )


# Prefix of the record-key sums counted beside each measure for a perturbed report.
KEY = "key|"
# Measures whose record keys a perturbed report counts (those of indicators that count
# people: reports.indicators fills it); the others are published exact.
KEYED: set[tuple[str, str]] = set()
# Sources whose report queries may return a record twice (a reverse join: an incident
# with two protection referrals): their record keys are summed distinctly.
ROWS_MAY_REPEAT = {"incident"}


def _aliases(ctx: ReportContext, measures: list[Measure]) -> dict[str, str]:
    """alias → result key for the measures, with their record-key sums when the report
    is perturbed (the aliases of `_aggregates`)."""
    aliases = {f"m{i}": m.key for i, m in enumerate(measures)}
    if ctx.suppress:
        for i, m in enumerate(measures):
            if (m.source, m.key) in KEYED:
                aliases[f"k{i}"] = KEY + m.key
    return aliases


def _aggregates(ctx: ReportContext, measures: list[Measure]) -> tuple[dict[str, str], dict]:
    """(alias → result key, alias → aggregate) for the measures, with their record-key
    sums when the report is perturbed."""
    aliases = _aliases(ctx, measures)
    aggregates: dict[str, Any] = {f"m{i}": m.expr() for i, m in enumerate(measures)}
    if ctx.suppress:
        from .perturbation import shared

        for i, m in enumerate(measures):
            if (m.source, m.key) not in KEYED:
                continue
            # The figure and its key sum share one compiled condition (cheaper).
            aggregates[f"m{i}"], aggregates[f"k{i}"] = shared(
                aggregates[f"m{i}"], m.key_expr(), f"m{i}", m.key
            )
    return aliases, aggregates


# Every measure, by source: a report counts all measures of a source in one query
# (one per breakdown), with conditional aggregates, instead of one query per cell.
MEASURES: dict[str, dict[str, Measure]] = {}


@dataclass(frozen=True)
class Measure:
    """How a cell is counted from a source's rows."""

    source: str
    how: str  # person_times | distinct | count | sum
    path: str = ""  # the field counted distinctly or summed
    where: Q = field(default_factory=Q)
    where_key: str = ""  # identifies `where` among the source's measures

    def __post_init__(self) -> None:
        MEASURES.setdefault(self.source, {}).setdefault(self.key, self)

    @property
    def key(self) -> str:
        return f"{self.how}:{self.path}:{self.where_key}"

    def expr(self) -> Any:
        condition = self.where if self.where else None
        if self.how == "person_times":
            return person_time_expr(filter=condition)
        if self.how == "distinct":
            return Count(self.path, distinct=True, filter=condition)
        if self.how == "sum":
            return Sum(self.path, filter=condition)
        return Count("pk", distinct=True, filter=condition)

    def key_expr(self) -> Any:
        """The sum of the record keys of the records this measure counts (the cell key
        method, reports.perturbation): the distinct clients for a count of persons,
        else the rows themselves (a person-time by its deliveries, a head count by its
        contact). Same records, same sum, whatever report asks."""
        from .perturbation import record_key

        condition = self.where if self.where else None
        if self.how == "distinct" and self.path == "client_id":
            # A client counted once however many of their rows match.
            return Sum(record_key("clients.Client", "client_id"), distinct=True, filter=condition)
        # The rows themselves: a plain sum (cheap) where a report's query never repeats
        # a row (no reverse join in the source's measures or filters), else distinct.
        distinct = self.source in ROWS_MAY_REPEAT
        return Sum(
            record_key(SOURCES[self.source].model, "pk"), distinct=distinct, filter=condition
        )

    def rows(self, ctx: ReportContext) -> QuerySet[Any] | None:
        qs = ctx.rows(self.source)
        if qs is None:
            return None
        return qs.filter(self.where)
