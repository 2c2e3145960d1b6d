"""Reporting periods, written the way people say them or as codes:

| kind | Vietnamese | code |
|---|---|---|
| month | `Tháng 3/2026`, `03/2026` | `2026-03` |
| quarter | `Quý III/2026`, `Quý 3/2026`, `Q3/2026` | `2026-Q3` |
| six months | `6 tháng đầu năm 2026`, `6 tháng cuối năm 2026` | `2026-H1`, `2026-H2` |
| nine months | `9 tháng đầu năm 2026` | `2026-9M` |
| year | `Năm 2026` | `2026` |
| range | `01/01/2026 - 31/08/2026`, `từ 1/1/2026 đến 31/8/2026` | `2026-01-01..2026-08-31` |

Both ends are inclusive dates. A deployment may follow the data cut-off of Vietnam's
periodic reporting rules (Decree 09/2019/NĐ-CP, art. 12): with
`CAUNOI_PERIOD_CUTOFF_DAY=15` every named period runs from the 15th of the month before
it to the 14th of its last month (the year 2026: 15/12/2025 – 14/12/2026; Quý I/2026:
15/12/2025 – 14/03/2026). A custom range is always taken as written."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _


class PeriodError(ValueError):
    pass


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in ROMAN.items()}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # month, quarter, half, nine_months, year, custom
    code: str  # canonical code: 2026-03, 2026-Q3, 2026-H1, 2026-9M, 2026, a..b
    year: int = 0
    number: int = 0  # the month, quarter or half (1 or 2); 0 for a year or a range

    @property
    def title(self) -> str:
        """The period as people name it: "Quý III/2026", "6 tháng đầu năm 2026"."""
        y = self.year
        if self.kind == "month":
            return _("Month %(month)s/%(year)s") % {"month": self.number, "year": y}
        if self.kind == "quarter":
            return _("Quarter %(roman)s/%(year)s") % {"roman": ROMAN[self.number], "year": y}
        if self.kind == "half":
            if self.number == 1:
                return _("First six months of %(year)s") % {"year": y}
            return _("Last six months of %(year)s") % {"year": y}
        if self.kind == "nine_months":
            return _("First nine months of %(year)s") % {"year": y}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": y}
        return self.dates

    @property
    def dates(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def label(self) -> str:
        if self.kind == "custom":
            return self.dates
        return f"{self.title} ({self.dates})"

    @property
    def dhis2(self) -> str:
        """The DHIS2 period identifier; nine months and custom ranges have none."""
        if self.kind == "month":
            return f"{self.year}{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "half":
            return f"{self.year}S{self.number}"
        if self.kind == "year":
            return str(self.year)
        raise PeriodError(
            _("DHIS2 needs a month, a quarter, six months or a year, not this period.")
        )

    def months(self) -> list[tuple[int, int]]:
        """(year, month) for every month the period touches, in order."""
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def cutoff_day() -> int:
    """The day a named period starts on in the month before it (0: calendar periods)."""
    value = int(settings.CAUNOI.get("PERIOD_CUTOFF_DAY") or 0)  # type: ignore[call-overload]
    if value and not 2 <= value <= 28:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CAUNOI_PERIOD_CUTOFF_DAY must be 0 or a day from 2 to 28.")
    return value


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _named(kind: str, code: str, year: int, number: int, first: int, last: int) -> Period:
    """A period of whole months `first`..`last` of `year`, cut off if the deployment says so."""
    day = cutoff_day()
    if day:
        py, pm = (year - 1, 12) if first == 1 else (year, first - 1)
        start, end = date(py, pm, day), date(year, last, day - 1)
    else:
        start, end = date(year, first, 1), _last_day(year, last)
    return Period(start, end, kind, code, year, number)


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise PeriodError(_("There is no month %(month)s.") % {"month": number})
    return _named("month", f"{year}-{number:02d}", year, number, number, number)


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise PeriodError(_("There is no quarter %(quarter)s.") % {"quarter": number})
    first = 3 * (number - 1) + 1
    return _named("quarter", f"{year}-Q{number}", year, number, first, first + 2)


def half(year: int, number: int) -> Period:
    if number not in (1, 2):
        raise PeriodError(_("A year has two halves."))
    first = 1 if number == 1 else 7
    return _named("half", f"{year}-H{number}", year, number, first, first + 5)


def nine_months(year: int) -> Period:
    return _named("nine_months", f"{year}-9M", year, 0, 1, 9)


def whole_year(year: int) -> Period:
    return _named("year", f"{year}", year, 0, 1, 12)


def custom(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(_("The period ends before it starts."))
    return Period(start, end, "custom", f"{start.isoformat()}..{end.isoformat()}", start.year)


def _fold(text: str) -> str:
    """Lower case, Vietnamese marks removed, spaces squeezed: "Quý III/2026" → "quy iii/2026"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


_YEAR = r"(\d{4})"
_SEP = r"\s*(?:/|-|\s|nam|of)\s*"  # "3/2026", "3-2026", "3 năm 2026"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(?:(?:nam|year)\s*)?{_YEAR}$"), "year"),
    (re.compile(rf"^{_YEAR}-?q([1-4])$"), "quarter_code"),
    (re.compile(rf"^(?:quy|quarter|q)\s*(iv|iii|ii|i|[1-4]){_SEP}{_YEAR}$"), "quarter"),
    (re.compile(rf"^{_YEAR}-?h([12])$"), "half_code"),
    (re.compile(rf"^6 thang (dau|cuoi)(?: nam)?\s*{_YEAR}$"), "half"),
    (re.compile(rf"^6 thang(?: nam)?\s*{_YEAR}$"), "half_first"),
    (re.compile(rf"^(first|last) six months(?: of)?\s*{_YEAR}$"), "half_en"),
    (re.compile(rf"^{_YEAR}-?9m$"), "nine_code"),
    (re.compile(rf"^9 thang(?: dau)?(?: nam)?\s*{_YEAR}$"), "nine"),
    (re.compile(rf"^first nine months(?: of)?\s*{_YEAR}$"), "nine"),
    (re.compile(rf"^{_YEAR}-(\d{{1,2}})$"), "month_code"),
    (re.compile(rf"^(?:(?:thang|month)\s*)?(\d{{1,2}}){_SEP}{_YEAR}$"), "month"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$"), "range_iso"),
    (
        re.compile(
            r"^(?:tu\s*(?:ngay\s*)?)?(\d{1,2}/\d{1,2}/\d{4})\s*(?:-|den(?: ngay)?)\s*"
            r"(\d{1,2}/\d{1,2}/\d{4})$"
        ),
        "range_dmy",
    ),
]


def _dmy(text: str) -> date:
    d, m, y = (int(part) for part in text.split("/"))
    return date(y, m, d)


def parse_period(text: str) -> Period:
    value = _fold(text or "")
    try:
        return _parse(value)
    except PeriodError:
        raise
    except ValueError as exc:  # a year 0000, a 31/02, a date Python cannot hold
        raise PeriodError(_("One of the dates does not exist.")) from exc


def _parse(value: str) -> Period:
    for pattern, kind in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        g = m.groups()
        if kind == "year":
            return whole_year(int(g[0]))
        if kind == "quarter_code":
            return quarter(int(g[0]), int(g[1]))
        if kind == "quarter":
            number = _FROM_ROMAN.get(g[0].upper()) or int(g[0])
            return quarter(int(g[1]), number)
        if kind == "half_code":
            return half(int(g[0]), int(g[1]))
        if kind == "half":
            return half(int(g[1]), 1 if g[0] == "dau" else 2)
        if kind == "half_en":
            return half(int(g[1]), 1 if g[0] == "first" else 2)
        if kind == "half_first":
            return half(int(g[0]), 1)
        if kind in {"nine_code", "nine"}:
            return nine_months(int(g[0]))
        if kind == "month_code":
            return month(int(g[0]), int(g[1]))
        if kind == "month":
            return month(int(g[1]), int(g[0]))
        if kind == "range_iso":
            return custom(date.fromisoformat(g[0]), date.fromisoformat(g[1]))
        return custom(_dmy(g[0]), _dmy(g[1]))
    raise PeriodError(
        _(
            "Write the period as a month (Tháng 3/2026), a quarter (Quý III/2026), six "
            "months (6 tháng đầu năm 2026), a year (2026) or dates (01/01/2026 - 31/08/2026)."
        )
    )


def default_period(today: date | None = None) -> Period:
    today = today or date.today()
    return whole_year(today.year)


def suggestions(today: date | None = None) -> list[Period]:
    """What the period picker offers: this and last year's months, quarters, halves,
    nine months and years, most recent first."""
    today = today or date.today()
    out: list[Period] = []
    for y in (today.year, today.year - 1):
        out.append(whole_year(y))
        out += [half(y, h) for h in (2, 1)]
        out.append(nine_months(y))
        out += [quarter(y, q) for q in (4, 3, 2, 1)]
        out += [month(y, m) for m in range(12, 0, -1)]
    return [p for p in out if p.start <= today]
