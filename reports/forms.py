"""The report filter form: period, area, support model, peer group, provider."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import CommuneSelect, ProvinceSelect
from geo.models import Commune, Province

from . import queries
from .engine import ReportScope
from .periods import Period, PeriodError, default_period, parse_period, suggestions


class PeriodInput(forms.TextInput):
    """A text box with the recent periods to pick from (a datalist: the browser offers
    them as the user types or taps, and any other period can still be typed)."""

    template_name = "reports/widgets/period.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"list": "period-suggestions", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions"] = [(p.title, p.dates) for p in suggestions()]
        return context


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
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        widget=ProvinceSelect(),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.select_related("province"),
        required=False,
        widget=CommuneSelect(province_field="province"),
    )
    # Plain ids: the choices offered are the user's own, and an id outside the user's
    # scope is answered with 404 by reports.queries (not a form error that confirms it).
    support_model = forms.IntegerField(
        label=_("Support model"), required=False, widget=forms.Select
    )
    peer_group = forms.IntegerField(label=_("Peer group"), required=False, widget=forms.Select)
    provider = forms.IntegerField(label=_("Provider"), required=False, widget=forms.Select)

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
