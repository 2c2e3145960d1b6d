"""Forms of the client registry. Validation at the edge; writes in services.py.

Consent boxes are never pre-ticked. The names used to build the UIC are asked for but never
stored: the form passes them to the service, which keeps only the code."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import clean_phone_digits
from core.widgets import CommuneSelect, LongSelect, RadioButtons, TickBoxes
from geo.models import Commune
from programs.models import Establishment, Organisation

from . import uic as uic_module
from .models import (
    ClientStatus,
    Consent,
    DataSubjectRequest,
    GenderIdentity,
    PopulationGroup,
    Sex,
)
from .services import ClientDetails


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _clean_phone(value: str) -> str:
    return clean_phone_digits(value)


def _birth_year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year of birth"),
        min_value=1930,
        max_value=date.today().year,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Under 18? A child-protection referral is required."),
    )


def _checkboxes(queryset: Any, label: Any) -> forms.ModelMultipleChoiceField:
    """None, one or several of `queryset`, each a box to tick (none is ticked for you)."""
    return forms.ModelMultipleChoiceField(queryset, label=label, required=False, widget=TickBoxes)


def _code_name_field(label: Any, help_text: Any, *, required: bool = False) -> forms.CharField:
    """A name typed only to build the UIC (never stored), not offered to autocomplete."""
    return forms.CharField(
        label=label,
        max_length=60,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# Where the client is met and who they are to the group: asked face to face (the hotline
# leaves them to the first meeting with the peer group).
FACE_TO_FACE_FIELDS = ("commune", "establishment", "name", "nickname", "phone", "notes")


class _PseudonymousFields(forms.Form):
    """Fields shared by registration and correction, in the order both show them."""

    field_order = ["sex", "gender_identity", "population_groups", *FACE_TO_FACE_FIELDS]

    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    gender_identity = forms.ChoiceField(
        label=_("Gender identity"), choices=GenderIdentity.choices, initial="not_stated"
    )
    population_groups = _checkboxes(PopulationGroup.objects.all(), _("Population groups"))
    commune = forms.ModelChoiceField(
        Commune.objects.select_related("province"),
        label=_("Commune or ward"),
        required=False,
        widget=CommuneSelect(),
    )
    establishment = forms.ModelChoiceField(
        Establishment.objects.none(),
        label=_("Establishment (optional)"),
        required=False,
        widget=LongSelect,  # every establishment of the groups' provinces
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    nickname = forms.CharField(label=_("Nickname"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what follow-up needs. Stored encrypted."),
    )

    def __init__(self, *args: Any, province_codes: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["commune"].queryset = Commune.objects.filter(
            province_id__in=province_codes
        ).select_related("province")
        fields["establishment"].queryset = Establishment.objects.filter(
            commune__province_id__in=province_codes, active=True
        ).order_by("name")
        for name in ("name", "nickname", "phone", "notes"):
            fields[name].widget.attrs.setdefault("autocomplete", "off")

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))


class ClientRegisterForm(_PseudonymousFields):
    peer_group: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label=_("Peer group"),
    )
    given_name = _code_name_field(
        _("Client's given name"), _("Used only to build the code; not stored."), required=True
    )
    mother_given_name = _code_name_field(
        _("Mother's given name"),
        _("Used only to build the code; not stored. Leave empty if not known."),
    )
    family_name = _code_name_field(_("Family name"), _("Used only to build the code; not stored."))
    birth_year = _birth_year_field()
    consent_method = forms.ChoiceField(
        label=_("How the client gave consent"),
        choices=Consent.Method.choices,
        widget=RadioButtons,
    )
    consent_follow_up = forms.BooleanField(
        label=_("The client agrees to be registered and followed up"), required=False
    )
    consent_phone = forms.BooleanField(
        label=_("The client agrees to be contacted by phone"), required=False
    )
    share_with = _checkboxes(
        Organisation.objects.none(), _("The client agrees to share their referral details with")
    )
    register_anyway = forms.BooleanField(
        label=_("Register anyway: this is a different person"), required=False
    )
    # The consent asked at registration, passed to the service as typed.
    CONSENT_FIELDS = ("consent_method", "consent_follow_up", "consent_phone", "share_with")
    field_order = [
        "peer_group",
        "given_name",
        "mother_given_name",
        "family_name",
        "birth_year",
        *_PseudonymousFields.field_order,
        *CONSENT_FIELDS,
        "register_anyway",
    ]

    def __init__(self, *args: Any, groups: Any, show_register_anyway: bool = False, **kw: Any):
        provinces = {g.support_model.province_id for g in groups}
        super().__init__(*args, province_codes=provinces, **kw)
        fields: Any = self.fields
        fields["peer_group"].queryset = groups
        if len(groups) == 1:
            fields["peer_group"].initial = groups[0].pk
            fields["peer_group"].widget = forms.HiddenInput()
            first_commune = groups[0].communes.first()
            if first_commune is not None:
                fields["commune"].initial = first_commune.pk
        fields["share_with"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.SERVICE_PROVIDER, province_id__in=provinces, active=True
        ).order_by("name")
        needed = uic_module.needs()
        if "mother" not in needed:
            del fields["mother_given_name"]
        if "family" not in needed:
            del fields["family_name"]
        if "given" not in needed:
            fields["given_name"].required = False
        if not show_register_anyway:
            del fields["register_anyway"]

    def pseudonymous(self) -> dict[str, Any]:
        """What the client's code and the counts are built from, as every registration use
        case takes it (a name the code does not need is not asked, so empty)."""
        data = self.cleaned_data
        return {
            "peer_group": data["peer_group"],
            "given_name": data.get("given_name", ""),
            "mother_given_name": data.get("mother_given_name", ""),
            "family_name": data.get("family_name", ""),
            "birth_year": data["birth_year"],
            "sex": data["sex"],
            "gender_identity": data["gender_identity"],
            "population_groups": data["population_groups"],
        }

    def details(self) -> ClientDetails:
        """The typed input of `client_register`, from the cleaned form."""
        data = self.cleaned_data
        passed_as_typed = (*FACE_TO_FACE_FIELDS, *self.CONSENT_FIELDS)
        return ClientDetails(
            **self.pseudonymous(), **{name: data[name] for name in passed_as_typed}
        )

    def clean_consent_follow_up(self) -> bool:
        value = bool(self.cleaned_data.get("consent_follow_up"))
        if not value:
            raise forms.ValidationError(
                _("The client must agree to registration before you can register them.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        group = data.get("peer_group")
        commune = data.get("commune")
        if group and commune and commune.province_id != group.support_model.province_id:
            self.add_error("commune", _("This commune is not in the group's province."))
        return data


class ClientEditForm(_PseudonymousFields):
    birth_year = _birth_year_field()
    given_name = forms.CharField(
        label=_("Client's given name (only to rebuild the code)"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to keep the current code. Not stored."),
    )
    mother_given_name = forms.CharField(
        label=_("Mother's given name (only to rebuild the code)"), max_length=60, required=False
    )
    family_name = forms.CharField(
        label=_("Family name (only to rebuild the code)"), max_length=60, required=False
    )
    field_order = [
        "birth_year",
        *_PseudonymousFields.field_order,
        "given_name",
        "mother_given_name",
        "family_name",
    ]

    def __init__(self, *args: Any, province_codes: set[str], erased: bool = False, **kw: Any):
        super().__init__(*args, province_codes=province_codes, **kw)
        needed = uic_module.needs()
        for part in ("mother", "family"):
            if part not in needed:
                del self.fields[f"{part}_given_name" if part == "mother" else "family_name"]
        if erased:
            for name in ("name", "nickname", "phone", "notes"):
                del self.fields[name]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ClientStatus.choices)
    changed_on = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("No names or other identifying details."),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Consent.Purpose.choices, widget=RadioButtons
    )
    provider = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Provider (for sharing with a provider)"),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("How the client gave consent"),
        choices=Consent.Method.choices,
        widget=RadioButtons,
    )

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == Consent.Purpose.SHARE_PROVIDER and not data.get("provider"):
            self.add_error("provider", _("Choose the provider the client agrees to share with."))
        return data


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The client asks to"),
        choices=DataSubjectRequest.Kind.choices,
        widget=RadioButtons,
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("No names or other identifying details."),
    )

    def clean_received_on(self) -> date:
        value: date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class CloseRequestForm(forms.Form):
    note = forms.CharField(label=_("How it was answered"), max_length=200, required=False)


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this client's identity?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your reason is recorded in the audit log."),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example: the client asked for erasure on a given date."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, nickname, phone and notes will be lost for good"),
        required=True,
    )


def client_code_field(label: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    """A client's code typed by hand (from a card or a slip): in capitals, never offered
    to autocomplete."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        **kwargs,
    )


class FindForm(forms.Form):
    code = client_code_field(_("Short code or UIC"), 20)
