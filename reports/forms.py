"""The report filter form: period, area, support model, peer group, provider."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import LongSelect
from geo.forms import area_fields

from . import queries
from .context import ReportScope
from .periods import ROMAN, Period, PeriodError, default_period, parse_period, suggestions


class PeriodInput(forms.TextInput):
    """The period text box, with a picker beside it: the kind (month, quarter, six
    months, nine months, year, custom range) and its value from selects, or two dates
    for a range (reports/static/reports/period-picker.js). The picker writes the period
    into the text box as people say it ("Quý III/2026"), in the words the server parses
    (reports.periods); without JavaScript the picker stays hidden and the text box (with
    its datalist of recent periods) works alone. `custom=False` leaves the range out
    (periodic reports are named periods)."""

    template_name = "reports/widgets/period.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, custom: bool = True) -> None:
        super().__init__({"list": "period-suggestions", "autocomplete": "off", **(attrs or {})})
        self.custom = custom

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions"] = [(p.title, p.dates) for p in suggestions()]
        context["widget"]["picker"] = picker_context(value, custom=self.custom)
        return context


def _period_of(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value)) if value and str(value).strip() else default_period()
    except PeriodError:
        return default_period()


def picker_context(value: Any, *, custom: bool = True) -> dict[str, Any]:
    """The picker's choices, preselected on the period in the box (or the default), and
    the texts it writes: the same words as Period.title, so that what the picker writes
    is what the server reads back."""
    from django.utils.translation import gettext as _g

    period = _period_of(value)
    today = date.today()
    kinds = [
        ("month", _g("Month")),
        ("quarter", _g("Quarter")),
        ("half", _g("Six months")),
        ("nine_months", _g("Nine months")),
        ("year", _g("Year")),
    ]
    if custom:
        kinds.append(("custom", _g("Custom range")))
    kind = period.kind if period.kind in dict(kinds) else "year"
    years = list(range(max(today.year, period.year), min(2015, period.year or 2015) - 1, -1))
    return {
        "kind": kind,
        "kinds": kinds,
        "year": period.year if kind != "custom" else today.year,
        "years": years,
        "number": period.number,
        "months": [(m, _g("Month %(month)s") % {"month": m}) for m in range(1, 13)],
        "quarters": [(q, r, _g("Quarter %(roman)s") % {"roman": r}) for q, r in ROMAN.items()],
        "halves": [(1, _g("First six months")), (2, _g("Last six months"))],
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "formats": {
            "month": _g("Month %(month)s/%(year)s") % {"month": "{n}", "year": "{y}"},
            "quarter": _g("Quarter %(roman)s/%(year)s") % {"roman": "{r}", "year": "{y}"},
            "half1": _g("First six months of %(year)s") % {"year": "{y}"},
            "half2": _g("Last six months of %(year)s") % {"year": "{y}"},
            "nine_months": _g("First nine months of %(year)s") % {"year": "{y}"},
            "year": _g("Year %(year)s") % {"year": "{y}"},
            "custom": "{start} - {end}",
        },
    }


class ReportFilterForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("report", "Period"),
        max_length=60,
        required=False,
        widget=PeriodInput(),
        help_text=_(
            "Pick one, or write a month (Tháng 3/2026), a quarter (Quý III/2026), six "
            "months (6 tháng đầu năm 2026), a year (2026) or dates (01/01/2026 - 31/08/2026)."
        ),
    )
    province, commune = area_fields()
    # Plain ids: the choices offered are the user's own, and an id outside the user's
    # scope is answered with 404 by reports.queries (not a form error that confirms it).
    # Written in Python (core.widgets.LongSelect): a national manager's lists hold every
    # model, group and provider of the country.
    support_model = forms.IntegerField(label=_("Support model"), required=False, widget=LongSelect)
    peer_group = forms.IntegerField(label=_("Peer group"), required=False, widget=LongSelect)
    provider = forms.IntegerField(label=_("Provider"), required=False, widget=LongSelect)

    def __init__(self, *args: Any, scope: ReportScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = {
            "support_model": [(m.pk, str(m)) for m in queries.models_in_scope(scope)],
            "peer_group": [(g.pk, str(g)) for g in queries.groups_in_scope(scope)],
            "provider": [(o.pk, str(o)) for o in queries.providers_in_scope(scope)],
        }
        for name, choices in options.items():
            if choices:
                self.fields[name].widget.choices = [("", "—"), *choices]
            else:
                # Nothing to choose: no picker, but a value sent anyway still meets the
                # scope check (404), like any other.
                self.fields[name].widget = forms.HiddenInput()

    def clean_period(self) -> Period:
        text = self.cleaned_data.get("period") or ""
        if not text.strip():
            return default_period()
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        province = data.get("province")
        commune = data.get("commune")
        return {
            "period": data["period"],
            "province": province.pk if province else None,
            "commune": commune.pk if commune else None,
            "support_model": data.get("support_model"),
            "peer_group": data.get("peer_group"),
            "provider": data.get("provider"),
        }
