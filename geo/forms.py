from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import CommuneSelect, ProvinceSelect

from .models import Commune, Province


class LegacyCommuneLookupForm(forms.Form):
    term = forms.CharField(
        label=_("Old commune code or name"),
        max_length=100,
        help_text=_(
            "The 5-digit code used before 1 July 2025 (for example 00004), or part of the "
            "old name with its district (accents optional)."
        ),
    )

    def clean_term(self) -> str:
        term: str = self.cleaned_data["term"].strip()
        if term.isdigit() and len(term) > 5:
            raise forms.ValidationError(_("A commune code has at most 5 digits."))
        if not term.isdigit() and len(term) < 2:
            raise forms.ValidationError(_("Type at least 2 letters of the name."))
        return term


def area_fields(
    *, province_required: bool = False, commune_required: bool = False
) -> tuple[forms.ModelChoiceField, forms.ModelChoiceField]:
    """A province and a commune or ward, the commune's list following the province
    chosen (core.widgets): the area fields of filters and of records placed in an area."""
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=province_required,
        widget=ProvinceSelect(),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.select_related("province"),
        required=commune_required,
        widget=CommuneSelect(province_field="province"),
    )
    return province, commune


def commune_field(required: bool = True) -> forms.ModelChoiceField:
    # Built per form instance: the widget reverses a URL, which must not run at import.
    return forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.select_related("province"),
        widget=CommuneSelect(),
        required=required,
        error_messages={"required": _("Choose the commune or ward where it took place.")},
    )
