"""A computed report: the indicator lines with their breakdowns, ready for pages and
exports. Build it with `build_report(ctx)`; suppression (reports.suppression) is applied
here for manager roles, so that every output shows the same hidden cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from .engine import DIMENSIONS, ReportContext
from .indicators import CATALOGUE, Indicator
from .suppression import suppress


def threshold() -> int:
    return int(settings.CAUNOI["SUPPRESSION_THRESHOLD"])  # type: ignore[call-overload]


@dataclass
class Cell:
    raw: int | float | None
    hidden: bool = False

    @property
    def value(self) -> int | float | str | None:
        """What may be shown: the number, "<N" when hidden, None when not available."""
        if self.hidden:
            return f"<{threshold()}"
        return self.raw

    @property
    def chart(self) -> int | float | None:
        """For chart data: hidden values become null, never the number."""
        return None if self.hidden else self.raw

    def __str__(self) -> str:
        value = self.value
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:,.1f}".replace(",", " ")
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


@dataclass
class BreakdownCell:
    key: Any
    label: str
    cell: Cell


@dataclass
class Line:
    indicator: Indicator
    cell: Cell
    breakdowns: dict[str, list[BreakdownCell]] = field(default_factory=dict)


@dataclass
class Report:
    ctx: ReportContext
    lines: list[Line]
    generated_at: datetime
    suppressed: bool

    def line(self, code: str) -> Line:
        for line in self.lines:
            if line.indicator.code == code:
                return line
        raise KeyError(code)

    def dimensions(self) -> list[str]:
        """Breakdown dimensions present in this report, in catalogue order."""
        seen: list[str] = []
        for line in self.lines:
            for dim in line.breakdowns:
                if dim not in seen:
                    seen.append(dim)
        return seen


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{month}/{year}"


def _breakdown_cells(ctx: ReportContext, dim: str, raw: dict[Any, int]) -> list[BreakdownCell]:
    d = DIMENSIONS[dim]
    if dim == "month":
        keys: list[Any] = [f"{y}-{m:02d}" for y, m in ctx.period.months()]
        labels = {k: _month_label(k) for k in keys}
    else:
        labels = ctx.cached(("labels", dim), d.labels)
        keys = list(labels)
    for key in raw:
        if key not in labels:
            keys.append(key)
    from django.utils.translation import gettext as _

    out = []
    for key in keys:
        if key is None:
            label = _("Not recorded")
        else:
            label = str(labels.get(key, key))
        out.append(BreakdownCell(key, label, Cell(raw.get(key, 0))))
    return out


def build_report(
    ctx: ReportContext,
    *,
    codes: list[str] | None = None,
    with_breakdowns: bool | list[str] = True,
) -> Report:
    """Count every indicator (or those in `codes`) for the context. Live: nothing is
    cached between reports; a record saved now is in the next report."""
    if with_breakdowns is True:
        ctx.planned_dimensions = tuple(DIMENSIONS)
    elif with_breakdowns:
        ctx.planned_dimensions = tuple(with_breakdowns)
    lines = []
    for ind in CATALOGUE:
        if codes is not None and ind.code not in codes:
            continue
        line = Line(ind, Cell(ind.compute(ctx)))
        if line.cell.raw is not None and with_breakdowns and ind.breakdown is not None:
            for dim in ind.breakdowns:
                if isinstance(with_breakdowns, list) and dim not in with_breakdowns:
                    continue
                raw = ind.breakdown(ctx, dim)
                if raw is not None:
                    line.breakdowns[dim] = _breakdown_cells(ctx, dim, raw)
        lines.append(line)
    report = Report(ctx, lines, timezone.now(), ctx.suppress)
    if ctx.suppress:
        suppress(report, threshold())
    return report
