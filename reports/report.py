"""A computed report: the indicator lines with their breakdowns, ready for pages and
exports. Build it with `build_report(ctx)`; for manager roles the cell key method
(reports.perturbation) is applied here, so that every output shows the same figure for
a cell, and the same records give the same figure in every report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import get_language

from . import counting
from .context import ReportContext
from .dimensions import DIMENSIONS
from .indicator_types import Indicator
from .indicators import CATALOGUE
from .perturbation import perturb, threshold

# The mark of a withheld rate, share or median (its denominator describes fewer than
# `threshold()` people). Never a number-like mark such as "<5": a rate is not a count.
WITHHELD = "x"


@dataclass
class Cell:
    raw: int | float | None  # the true figure (never shown to a perturbed report's reader)
    key: int | None = None  # the cell's record-key sum (perturbed reports)
    published: int | float | None = None  # what a perturbed report shows
    perturbed: bool = False  # `published` replaces `raw`
    withheld: bool = False  # a rate or median not shown (fewer than T people)

    @property
    def value(self) -> int | float | None:
        """The figure this report shows: the published (perturbed) count for a manager,
        the true one otherwise; None when not available or withheld."""
        if self.withheld:
            return None
        return self.published if self.perturbed else self.raw

    @property
    def mark(self) -> str:
        """ "x" for a withheld figure, "" otherwise."""
        return WITHHELD if self.withheld else ""

    @property
    def chart(self) -> int | float | None:
        """For chart data: a withheld value is null (a labelled gap), never a number."""
        return self.value

    def __str__(self) -> str:
        if self.withheld:
            return WITHHELD
        value = self.value
        if value is None:
            return "—"
        return format_number(value)


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
    # Not one of the dimension's standing rows (e.g. "not recorded", a commune outside
    # the report's area): there only because something was counted.
    counted_only: bool = False


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


def _breakdown_cells(
    ctx: ReportContext, dim: str, raw: dict[Any, int], keys_by: dict[Any, int] | None = None
) -> list[BreakdownCell]:
    d = DIMENSIONS[dim]
    if dim == "month":
        keys: list[Any] = [f"{y}-{m:02d}" for y, m in ctx.period.months()]
        labels = {k: _month_label(k) for k in keys}
    elif d.area_labels is not None:
        # Every line of the table takes its rows from one lookup (keys counted outside
        # the report's own area, such as a peer group serving a commune next door,
        # are named too).
        area_labels = d.area_labels
        labels = ctx.cached(("labels", dim), lambda: area_labels(ctx, frozenset()))
        standing = set(labels)
        extra = frozenset(k for k in raw if k is not None and k not in labels)
        if extra:
            more = ctx.cached(("labels", dim, extra), lambda: area_labels(ctx, extra))
            labels = {**labels, **{k: v for k, v in more.items() if k in extra}}
        keys = list(labels)
    else:
        labels = ctx.cached(("labels", dim), d.labels)
        keys = list(labels)
    if d.area_labels is None:
        standing = set(keys)
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
        cell = Cell(raw.get(key, 0))
        if keys_by is not None:
            cell.key = keys_by.get(key, 0)
        out.append(BreakdownCell(key, label, cell, counted_only=key not in standing))
    return out


def _publish(cell: Cell) -> None:
    if isinstance(cell.raw, int) and cell.key is not None:
        cell.published = perturb(cell.raw, cell.key)
        cell.perturbed = True


def _derived(report: Report) -> None:
    """Rates, shares and medians of a perturbed report. Withheld when their denominator
    (the first line they depend on) describes fewer than T people. Rates and shares are
    worked out from the published figures, so that they reveal nothing the counts do
    not; the median wait is the true one (a median of T or more waits is no count)."""
    limit = threshold()
    by_code = {line.indicator.code: line for line in report.lines}
    for line in report.lines:
        ind = line.indicator
        deps = [by_code[d] for d in ind.depends_on if d in by_code]
        if not deps or not isinstance(deps[0].cell.raw, int):
            continue
        if deps[0].cell.raw < limit:
            # Also for none at all: "—" for 0 and "x" for 1–4 would tell them apart.
            line.cell.withheld = True
            continue
        if ind.unit == "pct" and len(deps) == 2:
            den, num = deps[0].cell.value, deps[1].cell.value
            if not den or num is None:
                line.cell.withheld = True
                continue
            # Perturbed independently, the numerator may exceed its denominator.
            line.cell.published = min(100.0, round(100.0 * num / den, 1))
            line.cell.perturbed = True


@contextmanager
def tuned_for_reports() -> Iterator[None]:
    """PostgreSQL settings for a report's queries, the server's own again after:

    - JIT off: it compiles a report's wide CASE … FILTER queries for longer than they run
      (1 M contacts: the national report 76 s with it, 31 s without; bench/RESULTS.md);
    - `work_mem` of at least CAUNOI_REPORT_WORK_MEM_MB (64): a report groups tens of
      thousands of rows per statement, which the stock 4 MB sorts on disk instead of
      hashing in memory (1 M contacts: bench/RESULTS.md). Per statement node and only
      for the report's session, never below the server's own setting."""
    from core.replica import replica_alias

    aliases = {DEFAULT_DB_ALIAS, replica_alias() or DEFAULT_DB_ALIAS}
    conns = [connections[a] for a in aliases if connections[a].vendor == "postgresql"]
    mb = int(settings.CAUNOI["REPORT_WORK_MEM_MB"])  # type: ignore[call-overload]
    wanted = mb * 1024  # kB, as pg_settings gives work_mem
    for conn in conns:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', false), set_config('work_mem', "
                "GREATEST(%s, (SELECT setting::int FROM pg_settings WHERE name = 'work_mem'))"
                " || 'kB', false)",
                [wanted],
            )
    try:
        yield
    finally:
        for conn in conns:
            try:
                with conn.cursor() as cursor:
                    cursor.execute("RESET jit; RESET work_mem")
            except DatabaseError:  # an aborted transaction: rolled back with it
                pass


def build_report(
    ctx: ReportContext,
    *,
    codes: list[str] | None = None,
    with_breakdowns: bool | list[str] = True,
) -> Report:
    """Count every indicator (or those in `codes`) for the context. Live: nothing is
    cached between reports; a record saved now is in the next report."""
    with tuned_for_reports():
        return _build_report(ctx, codes=codes, with_breakdowns=with_breakdowns)


def _build_report(
    ctx: ReportContext,
    *,
    codes: list[str] | None,
    with_breakdowns: bool | list[str],
) -> Report:
    if with_breakdowns is True:
        wanted: list[str] = list(DIMENSIONS)
    else:
        wanted = list(with_breakdowns or [])
    # Area tables only where the report has such parts (reports.dimensions.Dimension.applies).
    wanted = [d for d in wanted if applies(ctx, d)]
    if wanted:
        ctx.planned_dimensions = tuple(wanted)
    if codes is not None and ctx.suppress:
        # A rate needs its counts: perturbed, they are what the rate is worked out from.
        codes = list(codes) + [d for c in codes for d in _depends(c) if d not in codes]
    lines = []
    for ind in CATALOGUE:
        if codes is not None and ind.code not in codes:
            continue
        keyed = ctx.suppress and ind.describes_people and ind.measure is not None
        line = Line(ind, Cell(ind.compute(ctx)))
        if keyed and line.cell.raw is not None:
            assert ind.measure is not None
            line.cell.key = counting.total_key(ind.measure, ctx)
            _publish(line.cell)
        if line.cell.raw is not None and ind.breakdown is not None:
            for dim in ind.breakdowns:
                if dim not in wanted:
                    continue
                raw = ind.breakdown(ctx, dim)
                if raw is not None:
                    keys_by = (
                        counting.by_keys(ind.measure, ctx, DIMENSIONS[dim])
                        if keyed and ind.measure is not None
                        else None
                    )
                    line.breakdowns[dim] = _breakdown_cells(ctx, dim, raw, keys_by)
                    for bc in line.breakdowns[dim]:
                        _publish(bc.cell)
                    # A row that is there only because something was counted would,
                    # published as 0, tell a hidden 1 to 4 from a true 0: left out.
                    line.breakdowns[dim] = [
                        bc
                        for bc in line.breakdowns[dim]
                        if not (bc.counted_only and bc.cell.perturbed and bc.cell.value == 0)
                    ]
        lines.append(line)
    report = Report(ctx, lines, timezone.now(), ctx.suppress)
    if ctx.suppress:
        _derived(report)
    return report


def applies(ctx: ReportContext, dim: str) -> bool:
    """Whether the report has the parts a breakdown splits it into (area tables)."""
    rule = DIMENSIONS[dim].applies
    return rule is None or rule(ctx)


def _depends(code: str) -> tuple[str, ...]:
    from .indicators import BY_CODE

    return BY_CODE[code].depends_on if code in BY_CODE else ()


def disclosure_note() -> str:
    """The one plain sentence every perturbed output carries (page and every export)."""
    from django.utils.translation import gettext as _

    limit = threshold()
    return _(
        "To protect the people behind small figures, counts of people are adjusted "
        "slightly and consistently: a count of 1 to %(n)s is shown as 0 or %(m)s to "
        "%(k)s; a larger count is usually within 2 of the truth, rarely further (at most "
        "2 plus a tenth of it), so totals need not equal the sum of their parts."
    ) % {"n": limit - 1, "m": limit, "k": limit + 2}


def legend() -> list[tuple[str, str]]:
    """(mark, meaning) for every mark a perturbed output may show."""
    from django.utils.translation import gettext as _

    limit = threshold()
    return [
        (
            _("Count of people"),
            _(
                "Adjusted: 0 stays 0; 1 to %(n)s becomes 0 or %(m)s to %(k)s; %(m)s or "
                "more changes by −2 to +2 in 96 of 100 cells, in the others by at most 2 "
                "plus a tenth of it, and never falls below %(m)s. The same people always "
                "give the same figure, in every report."
            )
            % {"n": limit - 1, "m": limit, "k": limit + 2},
        ),
        (
            _("Rates and shares"),
            _("Worked out from the adjusted counts shown (at most 100 %).")
            + " "
            + _("Withheld when their denominator describes fewer than %(m)s people.")
            % {"m": limit},
        ),
        (
            _("Median days"),
            _("Worked out from the true waits; withheld when fewer than %(m)s referrals count.")
            % {"m": limit},
        ),
        (
            WITHHELD,
            _("Withheld: the figure describes fewer than %(m)s people (perhaps none).")
            % {"m": limit},
        ),
        ("—", _("Not available for this report.")),
        (
            _("Other counts"),
            _("Sessions, copies, pieces and groups are exact: they are not counts of people."),
        ),
    ]
