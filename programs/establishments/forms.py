"""Forms of establishments: validation at the edge, choices limited to the user's scope;
each builds the typed values of one use case in `programs.establishments.services`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import NO_NAMES, clean_phone_digits
from geo.forms import commune_field
from geo.models import Commune

from ..models import Establishment, EstablishmentAgreement, SupportModel
from . import queries

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EstablishmentForm(forms.Form):
    name = forms.CharField(label=_("Name of the establishment"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Establishment.Kind.choices)
    commune = forms.ModelChoiceField(label=_("Commune or ward"), queryset=Commune.objects.none())
    support_model = forms.ModelChoiceField(
        label=_("Support model"), queryset=SupportModel.objects.none()
    )
    owner_name = forms.CharField(
        label=_("Owner's name"),
        max_length=150,
        required=False,
        help_text=_("Optional. Stored encrypted."),
    )
    owner_phone = forms.CharField(
        label=_("Owner's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Optional. Stored encrypted."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field()
        models = queries.establishment_models(user)
        cast(forms.ModelChoiceField, self.fields["support_model"]).queryset = models
        if len(models) == 1:
            self.fields["support_model"].initial = models[0].pk
            self.fields["support_model"].widget = forms.HiddenInput()

    def clean_owner_phone(self) -> str:
        phone = self.cleaned_data.get("owner_phone", "").strip()
        clean_phone_digits(phone)  # the same rule as every phone field
        return phone


class OwnerContactForm(forms.Form):
    owner_name = EstablishmentForm.base_fields["owner_name"]
    owner_phone = EstablishmentForm.base_fields["owner_phone"]
    clean_owner_phone = EstablishmentForm.clean_owner_phone


class RevealReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the owner's contact?"),
        max_length=200,
        help_text=format_lazy("{} {}", _("Recorded in the audit log."), NO_NAMES),
    )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = EstablishmentAgreement
        fields = ["signed_on", "summary", "signed_by"]
        widgets = {"signed_on": DATE}
        help_texts = {"summary": NO_NAMES}

    def clean_signed_on(self) -> Any:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return signed_on
