"""Forms of the programme management pages. Validation lives here (the edge); the
writes happen in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import CommuneSelect, CommuneSelectMultiple, ProvinceSelect
from geo.models import Commune, Province

from .models import Membership, Organisation, PeerGroup, SupportModel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _communes() -> Any:
    return Commune.objects.select_related("province")


def _check_communes_in(form: forms.BaseForm, field: str, province_code: str | None) -> None:
    communes = form.cleaned_data.get(field)
    if not communes or not province_code:
        return
    outside = [c for c in communes if c.province_id != province_code]
    if outside:
        form.add_error(
            field,
            _("These communes are not in the chosen province: %(names)s.")
            % {"names": ", ".join(c.name for c in outside)},
        )


class SupportModelForm(forms.ModelForm):
    province = forms.ModelChoiceField(
        Province.objects.all(), label=_("Province"), widget=ProvinceSelect()
    )
    communes = forms.ModelMultipleChoiceField(
        _communes(),
        label=_("Communes served"),
        required=False,
        widget=CommuneSelectMultiple(province_field="province"),
        help_text=_("Type part of a name to search; choose one or more."),
    )

    class Meta:
        model = SupportModel
        fields = [
            "name",
            "kind",
            "province",
            "communes",
            "lead_organisation",
            "start_date",
            "end_date",
            "funding_source",
            "decision_number",
            "decision_date",
            "budget_vnd",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "decision_date": DateInput(),
            "budget_vnd": forms.NumberInput(attrs={"min": 0, "step": 1000}),
        }
        help_texts = {"decision_number": _("For example 1683/QĐ-UBND.")}

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["lead_organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_budget_vnd(self) -> int | None:
        budget: int | None = self.cleaned_data.get("budget_vnd")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("The budget cannot be negative."))
        return budget

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        if data.get("decision_date") and not data.get("decision_number"):
            self.add_error("decision_number", _("Give the decision number with its date."))
        province = data.get("province")
        _check_communes_in(self, "communes", province.code if province else None)
        return data


class PeerGroupForm(forms.ModelForm):
    communes = forms.ModelMultipleChoiceField(
        _communes(),
        label=_("Communes"),
        required=False,
        widget=CommuneSelectMultiple(),
        help_text=_("Where the group works. Type part of a name to search."),
    )

    class Meta:
        model = PeerGroup
        fields = ["name", "kind", "support_model", "communes", "founded_on", "active"]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args: Any, support_models: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["support_model"]
        field.queryset = support_models.select_related("province")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        model = data.get("support_model")
        _check_communes_in(self, "communes", model.province_id if model else None)
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["alias", "role", "joined_on", "left_on"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}
        help_texts = {
            "alias": _("The name the group uses for this member. Never a legal name."),
            "left_on": _("Leave empty while the member is active."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("The leaving date cannot be before the joining date."))
        return data


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_left_on(self) -> Any:
        left = self.cleaned_data["left_on"]
        if left < self.membership.joined_on:
            raise forms.ValidationError(
                _("The leaving date cannot be before the joining date (%(date)s).")
                % {"date": self.membership.joined_on.strftime("%d/%m/%Y")}
            )
        return left


class OrganisationForm(forms.ModelForm):
    province = forms.ModelChoiceField(
        Province.objects.all(), label=_("Province"), required=False, widget=ProvinceSelect()
    )
    commune = forms.ModelChoiceField(
        _communes(),
        label=_("Commune"),
        required=False,
        widget=CommuneSelect(province_field="province"),
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "province",
            "commune",
            "description",
            "phone",
            "email",
            "website",
            "active",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, provinces: set[str] | None = None, **kwargs: Any) -> None:
        """`provinces` limits a coordinator to service providers in those provinces."""
        super().__init__(*args, **kwargs)
        self.limited_provinces = provinces
        if provinces is not None:
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (Organisation.Kind.SERVICE_PROVIDER.value, Organisation.Kind.SERVICE_PROVIDER.label)
            ]
            # A coordinator has one or two provinces: a plain select is enough.
            province_field = self.fields["province"]
            province_field.required = True
            province_field.widget = forms.Select()
            province_field.queryset = Province.objects.filter(  # type: ignore[attr-defined]
                code__in=provinces
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province, commune = data.get("province"), data.get("commune")
        if commune and province and commune.province_id != province.code:
            self.add_error("commune", _("This commune is not in the chosen province."))
        if commune and not province:
            data["province"] = commune.province
        return data
