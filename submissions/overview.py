"""Completeness and aggregation for a period: which units have reported, and the
headline figures by province, submitted beside live.

The national total of a headline indicator is the sum of the approved province
reports (the figures the provinces signed for), shown beside the live national figure.
A person counted by two provinces is in both province figures, so a sum of persons can
be larger than the live national count of distinct persons; the page says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scope
from accounts.models import User
from geo.models import Province
from programs.models import SupportModel
from reports import queries as report_queries
from reports.indicator_types import Indicator
from reports.indicators import CATALOGUE, HEADLINE
from reports.periods import Period
from reports.report import Cell, build_report

from .models import Level, PeriodicReport, ReportVersion, Status

STATE_LABELS = {
    "not_started": _("Not started"),
    "draft": _("Being prepared"),
    "submitted": _("Submitted"),
    "returned": _("Returned"),
    "approved": _("Approved"),
    "late": _("Late"),
}


@dataclass
class UnitStatus:
    level: str
    unit: Any
    report: PeriodicReport | None = None
    version: ReportVersion | None = None  # the latest submitted version
    overdue: bool = False  # the deadline has passed with nothing submitted

    @property
    def name(self) -> str:
        return str(self.unit) if self.unit is not None else str(_("Whole country"))

    @property
    def state(self) -> str:
        if self.overdue:
            return "late"
        if self.report is None:
            return "not_started"
        return str(self.report.status)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def late(self) -> bool:
        return self.overdue or bool(self.version and self.version.late)


def _statuses(
    period: Period, level: str, units: list[Any], today: date | None = None
) -> list[UnitStatus]:
    from .queries import deadline_for

    key = "support_model_id" if level == Level.MODEL else "province_id"
    reports = PeriodicReport.objects.filter(
        level=level, period_code=period.code, **{f"{key}__in": [u.pk for u in units]}
    ).prefetch_related(
        Prefetch("versions", queryset=ReportVersion.objects.order_by("-number"), to_attr="ordered")
    )
    by_unit = {getattr(r, key): r for r in reports}
    deadline = deadline_for(period.code, level)
    today = today or timezone.localdate()
    out = []
    for unit in units:
        report = by_unit.get(unit.pk)
        version = report.ordered[0] if report is not None and report.ordered else None
        overdue = bool(deadline and today > deadline.due_on and version is None)
        out.append(UnitStatus(level, unit, report, version, overdue))
    return out


def model_statuses(province: Province, period: Period) -> list[UnitStatus]:
    models = list(SupportModel.objects.filter(province=province).order_by("name"))
    return _statuses(period, Level.MODEL, models)


def province_statuses(period: Period, provinces: list[Province]) -> list[UnitStatus]:
    return _statuses(period, Level.PROVINCE, provinces)


def expected_provinces() -> list[Province]:
    """The provinces that report: those with a support model."""
    return list(Province.objects.filter(support_models__isnull=False).distinct().order_by("name"))


@dataclass
class HeadlineRow:
    status: UnitStatus
    submitted: dict[str, Any] = field(default_factory=dict)
    live: dict[str, Cell] = field(default_factory=dict)

    def cells(self) -> list[tuple[str, Any, Any]]:
        """(code, submitted, live) in headline order."""
        return [(c, self.submitted.get(c), self.live.get(c)) for c in _codes()]


def _codes() -> list[str]:
    return [ind.code for ind in headline_indicators()]


def headline_indicators() -> list[Indicator]:
    return [ind for ind in CATALOGUE if ind.code in HEADLINE]


def _live(
    user: User, period: Period, province: str | None, support_model: int | None = None
) -> dict[str, Cell]:
    """Headline cells of the user's own live report for one area: exactly what the user
    gets by asking the report page for it (same scope check, same suppression)."""
    ctx = report_queries.report_context(
        user, period=period, province=province, support_model=support_model
    )
    report = build_report(ctx, codes=list(HEADLINE), with_breakdowns=False)
    return {line.indicator.code: line.cell for line in report.lines}


def national_table(user: User, period: Period) -> dict[str, Any]:
    """Each province's status and headline figures (latest submitted version, and live
    as this user may see them), the sum of the approved ones and the live national."""
    statuses = province_statuses(period, expected_provinces())
    return _table(user, period, statuses, lambda s: _live(user, period, s.unit.pk), None)


def province_table(user: User, province: Province, period: Period) -> dict[str, Any]:
    """The same for the support models of a province: each model's status, submitted
    beside live, the sum of the approved model reports beside the live province."""
    statuses = model_statuses(province, period)
    return _table(
        user,
        period,
        statuses,
        lambda s: _live(user, period, None, support_model=s.unit.pk),
        province.pk,
    )


def _table(
    user: User,
    period: Period,
    statuses: list[UnitStatus],
    live_of: Callable[[UnitStatus], dict[str, Cell]],
    total_area: str | None,
) -> dict[str, Any]:
    rows = []
    approved_total: dict[str, int] = dict.fromkeys(HEADLINE, 0)
    approved_count = 0
    for status in statuses:
        submitted = status.version.values() if status.version else {}
        rows.append(HeadlineRow(status, submitted, live_of(status)))
        if status.state == Status.APPROVED and status.version is not None:
            approved_count += 1
            for code in HEADLINE:
                value = submitted.get(code)
                if isinstance(value, int | float):
                    approved_total[code] += int(value)
    live_total = _live(user, period, total_area)
    return {
        "indicators": headline_indicators(),
        "total_cells": [(c, approved_total[c], live_total.get(c)) for c in _codes()],
        "rows": rows,
        "approved_total": approved_total,
        "approved_count": approved_count,
        "live_total": live_total,
    }


def can_see_national(user: User) -> bool:
    return scope.is_national(user)
