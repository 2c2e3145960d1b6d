"""A computed report: the indicator lines with their breakdowns, ready for pages and
exports. Build it with `build_report(ctx)`; suppression (reports.suppression) is applied
here for manager roles, so that every output shows the same hidden cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from .engine import DIMENSIONS, ReportContext
from .indicators import CATALOGUE, Indicator
from .suppression import REPEATING, STRUCTURAL, suppress


def threshold() -> int:
    return int(settings.CAUNOI["SUPPRESSION_THRESHOLD"])  # type: ignore[call-overload]


@dataclass
class Cell:
    raw: int | float | None
    hidden: bool = False
    small: bool = False  # hidden because it counts 1 to threshold−1 people (internal)

    @property
    def value(self) -> int | float | str | None:
        """What may be shown: the number, "<N" when hidden, None when not available.

        Every hidden cell shows the same "<N", whether it is a small count or a larger one
        hidden to protect it: a separate mark for the latter would tell a reader it holds N
        or more, and with a small total that pins both cells down."""
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
        if isinstance(value, int | float):
            return format_number(value)
        return value


def format_number(value: int | float) -> str:
    """Vietnamese groups thousands with "." and writes decimals with "," (1.234,5);
    English the other way round (1,234.5)."""
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    if (get_language() or "vi").startswith("en"):
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


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
        requested: list[str] = list(DIMENSIONS)
    else:
        requested = list(with_breakdowns or [])
    # A suppressed report always decides its lines with the structural columns, whatever
    # it shows, so that every page and export hides the same cells (reports.suppression).
    wanted = requested + [d for d in STRUCTURAL if ctx.suppress and d not in requested]
    repeating = {(code, dim) for code, dim in REPEATING if ctx.suppress and dim not in wanted}
    if wanted:
        # (Not the repeating columns: planning a person attribute would make every source
        # take its totals from the heavier person query; those few cells are counted alone.)
        ctx.planned_dimensions = tuple(wanted)
    lines = []
    for ind in CATALOGUE:
        if codes is not None and ind.code not in codes:
            continue
        line = Line(ind, Cell(ind.compute(ctx)))
        if line.cell.raw is not None and ind.breakdown is not None:
            for dim in ind.breakdowns:
                if dim not in wanted and (ind.code, dim) not in repeating:
                    continue
                raw = ind.breakdown(ctx, dim)
                if raw is not None:
                    line.breakdowns[dim] = _breakdown_cells(ctx, dim, raw)
        lines.append(line)
    report = Report(ctx, lines, timezone.now(), ctx.suppress)
    if ctx.suppress:
        suppress(report, threshold())
    for line in lines:
        for dim in [d for d in line.breakdowns if d not in requested]:
            del line.breakdowns[dim]
    return report
