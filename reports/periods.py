"""Reporting periods: a month (`2024-03`), a quarter (`2024-Q1`), a year (`2024`) or a
custom range (`2024-01-01..2024-08-31`). Both ends are inclusive dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # month, quarter, year, custom
    code: str  # the text it was parsed from, normalised

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def dhis2(self) -> str:
        """The DHIS2 period identifier; custom ranges have none."""
        if self.kind == "month":
            return f"{self.start:%Y%m}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        raise PeriodError(_("DHIS2 needs a month, a quarter or a year, not a custom range."))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) for every month the period touches, in order."""
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    value = (text or "").strip()
    try:
        return _parse(value)
    except PeriodError:
        raise
    except ValueError as exc:  # a year 0000, a date Python cannot hold
        raise PeriodError(_("One of the dates does not exist.")) from exc


def _parse(value: str) -> Period:
    if m := _YEAR.match(value):
        y = int(m.group(1))
        return Period(date(y, 1, 1), date(y, 12, 31), "year", f"{y}")
    if m := _QUARTER.match(value):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        return Period(date(y, first, 1), _last_day(y, first + 2), "quarter", f"{y}-Q{q}")
    if m := _MONTH.match(value):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise PeriodError(_("There is no month %(month)s.") % {"month": mo})
        return Period(date(y, mo, 1), _last_day(y, mo), "month", f"{y}-{mo:02d}")
    if m := _RANGE.match(value):
        try:
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise PeriodError(_("One of the dates does not exist.")) from exc
        if end < start:
            raise PeriodError(_("The period ends before it starts."))
        return Period(start, end, "custom", f"{start.isoformat()}..{end.isoformat()}")
    raise PeriodError(
        _(
            "Write the period as a month (2024-03), a quarter (2024-Q1), a year (2024) "
            "or a date range (2024-01-01..2024-08-31)."
        )
    )


def default_period(today: date | None = None) -> Period:
    today = today or date.today()
    return parse_period(str(today.year))
