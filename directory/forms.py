from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import CommuneSelect, ProvinceSelect
from geo.forms import area_fields

from .models import Agreement, AgreementLine, Location, Service
from .services import AgreementDetails, AgreementLineDetails
from .taxonomy import category_choices, grouped_service_type_choices


class ServiceSearchForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Service type"),
        required=False,
        choices=[("", _("All types")), *grouped_service_type_choices()],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *category_choices()],
    )
    province, commune = area_fields()
    friendly_only = forms.BooleanField(
        label=_("Only services friendly to key populations"), required=False
    )
    text = forms.CharField(label=_("Name contains"), required=False, max_length=100)


class ServiceForm(forms.ModelForm):
    service_type = forms.ChoiceField(label=_("Service type"), choices=grouped_service_type_choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=[("vi", "Tiếng Việt"), ("en", "English"), ("km", "ខ្មែរ"), ("zh", "中文")],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "organisation",
            "service_type",
            "name",
            "description",
            "eligibility",
            "languages",
            "cost",
            "fee_note",
            "opening_hours",
            "phone",
            "friendly_to_key_populations",
            "locations",
            "last_verified_on",
            "active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "last_verified_on": forms.DateInput(attrs={"type": "date"}),
            "locations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["locations"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        ).select_related("organisation")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org = data.get("organisation")
        for location in data.get("locations") or []:
            if org is not None and location.organisation_id != org.pk:
                self.add_error("locations", _("Choose locations of the same organisation."))
                break
        return data


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "organisation",
            "name",
            "address",
            "province",
            "commune",
            "confidential",
            "opening_hours",
            "phone",
            "last_verified_on",
            "active",
        ]
        widgets = {
            "province": ProvinceSelect(),
            "commune": CommuneSelect(province_field="province"),
            "last_verified_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "provider",
            "support_model",
            "title",
            "reference",
            "start_date",
            "end_date",
            "budget_vnd",
            "note",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        providers: Any,
        support_models: Any,
        support_model_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["support_model"].queryset = support_models  # type: ignore[attr-defined]
        self.fields["support_model"].required = support_model_required

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data


def _line_service_type_choices() -> list[Any]:
    # A blank first option, so the spare lines of the form stay unchanged (and are skipped)
    # unless the user picks a service type.
    return [("", "—"), *grouped_service_type_choices()]


class AgreementLineForm(forms.ModelForm):
    service_type = forms.ChoiceField(label=_("Service type"), choices=_line_service_type_choices)

    class Meta:
        model = AgreementLine
        fields = ["service_type", "quantity", "amount_vnd"]


AgreementLineFormSet = forms.inlineformset_factory(
    Agreement,
    AgreementLine,
    form=AgreementLineForm,
    extra=3,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


def agreement_details(form: AgreementForm, lines: Any) -> AgreementDetails:
    """The agreement a valid form and lines formset describe: the lines kept (not deleted,
    not left blank)."""
    kept = [
        AgreementLineDetails(
            service_type=f.cleaned_data["service_type"],
            quantity=f.cleaned_data["quantity"],
            amount_vnd=f.cleaned_data.get("amount_vnd"),
        )
        for f in lines.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return AgreementDetails(**form.cleaned_data, lines=kept)
