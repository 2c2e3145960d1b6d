"""One definition of how well referrals close the loop, for every page that shows it.

The report (reports.indicators, lines "referral completion rate" and "median days from
referral to service") and the coordinator's follow-up page (referrals.queries.follow_up_for)
both compute their figures here, so that the same referrals give the same numbers:

- completion rate = completed ÷ made: every referral sent counts in the denominator,
  whatever became of it (open, declined, no-show, cancelled, expired), as a percentage
  with one decimal;
- days to service = from the local day the referral was sent to the first service
  delivery recorded against it, or else to the local day it was marked completed
  (never below 0); the median is taken over completed referrals only.

Local days are Asia/Ho_Chi_Minh days (the project's time zone), as everywhere in reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import Referral, ServiceDelivery


def completion_rate(made: int | None, completed: int | None) -> float | None:
    """Completed ÷ made, in %, one decimal; None when nothing was made (or unknown)."""
    if made is None or completed is None or made == 0:
        return None
    return round(100.0 * completed / made, 1)


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def days_to_service(
    sent_at: datetime, completed_at: datetime | None, first_delivery: date | None
) -> int | None:
    """Whole days from sending to the service: the first delivery recorded against the
    referral, or else the day it was marked completed; None when neither is known."""
    served = first_delivery or (_local_date(completed_at) if completed_at else None)
    if served is None:
        return None
    return max((served - _local_date(sent_at)).days, 0)


def median_days(days: Iterable[int | None]) -> float | None:
    known = [d for d in days if d is not None]
    return float(median(known)) if known else None


def with_first_delivery(referrals: QuerySet[Any]) -> QuerySet[Any]:
    """The referrals annotated with `first_delivery`: the earliest `delivered_on` among
    the service deliveries recorded against each (None when there is none). A subquery,
    so that it composes with filters over other relations and with DISTINCT."""
    first = (
        ServiceDelivery.objects.filter(referral=OuterRef("pk"))
        .order_by("delivered_on")
        .values("delivered_on")[:1]
    )
    return referrals.annotate(first_delivery=Subquery(first))


def days_served_counts(referrals: QuerySet[Any]) -> QuerySet[Any]:
    """The number of completed referrals among `referrals` per (local day sent, day
    served), as values() rows `_sent`, `_served`, `_n`: what `median_days_to_service`
    reads. Completed referrals with neither a delivery nor a completion time are one row
    with `_served` None, which the median leaves out: filtering them in SQL would make
    PostgreSQL run the first-delivery subquery a second time for every referral."""
    served = Coalesce(
        "first_delivery", TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    )
    return (
        with_first_delivery(referrals.filter(status=Referral.Status.COMPLETED))
        .annotate(
            _sent=TruncDate("sent_at", tzinfo=timezone.get_current_timezone()), _served=served
        )
        .order_by()
        .values("_sent", "_served")
        .annotate(_n=Count("pk"))
    )


def median_days_to_service(referrals: QuerySet[Any] | Iterable[dict[str, Any]]) -> float | None:
    """Median days to service over the completed referrals among `referrals` (one query),
    or over the rows of `days_served_counts` already read.

    The database gives the number of referrals per (local day sent, day served) pair, not
    one row per referral: the same days, `days_to_service`'s rule, far fewer rows (the
    national report reads hundreds of thousands of completed referrals)."""
    rows = days_served_counts(referrals) if isinstance(referrals, QuerySet) else referrals
    counts: dict[int, int] = {}
    for row in rows:
        if row["_served"] is None:
            continue  # completed with no day served: days_to_service gives None
        days = max((row["_served"] - row["_sent"]).days, 0)
        counts[days] = counts.get(days, 0) + row["_n"]
    return weighted_median(counts)


def weighted_median(counts: dict[int, int]) -> float | None:
    """`median_days` of a list holding each value `counts[value]` times."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return float((found[0] + found[1]) / 2) if found[0] != found[1] else float(found[0])


@dataclass
class Outcome:
    made: int
    completed: int
    completion_rate: float | None
    median_days: float | None


def outcome(referrals: Iterable[Referral]) -> Outcome:
    """The figures for referrals already loaded, each annotated by `with_first_delivery`."""
    rows = list(referrals)
    completed = [r for r in rows if r.status == Referral.Status.COMPLETED]
    return Outcome(
        made=len(rows),
        completed=len(completed),
        completion_rate=completion_rate(len(rows), len(completed)),
        median_days=median_days(
            days_to_service(r.sent_at, r.completed_at, _first_delivery(r)) for r in completed
        ),
    )


def _first_delivery(referral: Referral) -> date | None:
    try:
        return referral.first_delivery  # type: ignore[attr-defined]
    except AttributeError:
        raise ValueError("load the referrals through with_first_delivery()") from None
