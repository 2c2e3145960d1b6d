from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core.widgets import ProvinceSelect
from geo.models import Province
from programs.models import Organisation, PeerGroup, SupportModel

from .models import Grant, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Please check and try again."),
        "inactive": _("This account is disabled."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code has 6 digits."))
        return token


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code from your administrator"),
        max_length=20,
        help_text=_("12 letters and digits, for example 7KQM-2XPA-9RTD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        from .services import ENROLMENT_LENGTH, normalise_enrolment_code

        code = normalise_enrolment_code(self.cleaned_data["code"])
        if len(code) != ENROLMENT_LENGTH:
            raise forms.ValidationError(_("The enrolment code has 12 letters and digits."))
        return code


class UserCreateForm(BaseUserCreationForm):
    """An administrator creates an account with an initial password that meets the
    password rules; the user should change it at first login."""

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "language"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Initial password")
        self.fields["password2"].label = _("Initial password again")


class PasswordResetForm(SetPasswordForm):
    """An administrator sets a new password for a user (validated like any password)."""


class GrantForm(forms.ModelForm):
    """A role and the one scope that role is granted within (Grant.clean decides)."""

    province = forms.ModelChoiceField(
        Province.objects.all(), label=_("Province"), required=False, widget=ProvinceSelect()
    )

    class Meta:
        model = Grant
        fields = ["role", "peer_group", "organisation", "support_model", "province"]
        help_texts = {
            "role": _(
                "Peer educators and group leaders need a peer group; hotline and provider "
                "staff an organisation; coordinators a support model; provincial managers a "
                "province. National managers and administrators need nothing else."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer_group"].queryset = PeerGroup.objects.select_related(  # type: ignore[attr-defined]
            "support_model__province"
        ).filter(active=True)
        self.fields["organisation"].queryset = Organisation.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["support_model"].queryset = SupportModel.objects.all()  # type: ignore[attr-defined]
