"""Forms of the submission pages. Free text is checked for client identifiers here (so
a refused form keeps what was typed) and again in the service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.forms import PeriodInput
from reports.periods import Period, PeriodError

from .models import Level
from .narrative import check_narrative
from .queries import reporting_period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NO_IDENTIFIERS = _("Do not write names, client codes or phone numbers here.")


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("report", "Period"),
        max_length=60,
        widget=PeriodInput(custom=False),  # named periods only
        help_text=_(
            "A month, a quarter (Quý III/2026), six months (6 tháng đầu năm 2026) or a year."
        ),
    )

    def clean_period(self) -> Period:
        try:
            return reporting_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise ValidationError(str(exc)) from exc


class StartForm(PeriodForm):
    level = forms.ChoiceField(choices=Level.choices, widget=forms.HiddenInput)
    unit = forms.CharField(required=False, widget=forms.HiddenInput)


def _narrative_field(label: StrOrPromise, rows: int = 4) -> forms.CharField:
    """A part of the narrative: free text, optional, that must not name anyone."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        help_text=NO_IDENTIFIERS,
    )


def _document_field(
    label: StrOrPromise, max_length: int, help_text: StrOrPromise = ""
) -> forms.CharField:
    """A line of the official document's heading or signature block: optional."""
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text)


class NarrativeForm(forms.Form):
    results = _narrative_field(_("Results"), rows=5)
    difficulties = _narrative_field(_("Difficulties"))
    recommendations = _narrative_field(_("Recommendations"))

    parent_agency = _document_field(
        _("Governing agency"),
        200,
        _("In capitals, as in the heading: SỞ Y TẾ TỈNH QUẢNG NINH"),
    )
    issuing_agency = _document_field(_("Issuing agency"), 200)
    doc_number = _document_field(_("Number and symbol"), 60, _("For example 15/BC-CCPCTNXH"))
    place = _document_field(_("Place"), 60)
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line."),
    )
    signer_position = _document_field(_("Signer's position"), 120)
    signer_name = _document_field(_("Signer's name"), 120)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            check_narrative(
                **{
                    k: data.get(k, "")
                    for k in ("results", "difficulties", "recommendations", "recipients")
                }
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=NO_IDENTIFIERS,
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        try:
            check_narrative(reason=reason)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["reason"]) from exc
        return reason


class DeadlineForm(PeriodForm):
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[(Level.MODEL, Level.MODEL.label), (Level.PROVINCE, Level.PROVINCE.label)],
    )
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
