"""Forms of the hotline: validation at the edge, choices limited to the counsellor's scope;
each builds the typed input of one use case in `hotline.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.forms import FACE_TO_FACE_FIELDS, ClientRegisterForm, client_code_field
from core.forms import NO_NAMES, must_choose
from directory.models import Service
from programs.models import PeerGroup
from referrals.forms import ServiceChoiceField, optional_client
from referrals.queries import NOT_AVAILABLE

from . import queries
from .models import HotlineCall
from .services import CLOCK_SLACK, MAX_CALL_MINUTES, CallerRegistration


def _f(form: forms.BaseForm, name: str) -> Any:
    """A form field, untyped: choices and querysets are set per user at run time."""
    return form.fields[name]


def _duration_field(help_text: Any) -> forms.IntegerField:
    """A call's length in minutes, optional: left empty, the service counts it."""
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=MAX_CALL_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=help_text,
    )


def _local_time_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A local date and time typed in the browser's date-time picker."""
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        **kwargs,
    )


class HotlineCallForm(forms.Form):
    started_at = _local_time_field(_("Start time"))
    duration_minutes = _duration_field(
        _("Leave empty while the call is in progress: end it on the call's page.")
    )
    ended_at = _local_time_field(
        _("End time"),
        required=False,
        help_text=_("Or the end time instead of the duration: the minutes are counted."),
    )
    client_code = client_code_field(
        _("Client code"), 12, required=False, help_text=_("Leave empty for an anonymous caller.")
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=must_choose(HotlineCall.Topic.choices))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=HotlineCall.Urgency.choices, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label=_("Action taken"), choices=must_choose(HotlineCall.Action.choices)
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["started_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["urgency"].initial = HotlineCall.Urgency.ROUTINE

    def clean_started_at(self) -> Any:
        started = self.cleaned_data["started_at"]
        if started > timezone.now() + CLOCK_SLACK:
            raise forms.ValidationError(_("The call cannot start in the future."))
        return started

    def clean_client_code(self) -> Any:
        return optional_client(self.user, self.cleaned_data.get("client_code", ""))


class CallEndForm(forms.Form):
    """Ending a call saved while in progress: nothing typed ends it now."""

    duration_minutes = _duration_field(
        _("Leave empty to end the call now: the minutes since its start are counted.")
    )


class CallReferralForm(forms.Form):
    service = ServiceChoiceField(label=_("Service"), queryset=Service.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_NAMES
    )
    consent_on_call = forms.BooleanField(
        label=_("The caller agrees, on this call, to share this referral with the provider"),
        help_text=_(
            "Tick only after reading the caller what is shared (the code, the population group "
            "and the reason, never a name) and hearing them agree. It is recorded as verbal "
            "consent taken by you."
        ),
        required=False,
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _f(self, "service").queryset = services.select_related("organisation__commune")


class CallerRegisterForm(ClientRegisterForm):
    """Registering an anonymous caller on the call: the clients' register form (same fields,
    same checks, same UIC recipe) with only what can be asked on the phone. The consent is
    verbal, taken by the counsellor; the names are used for the code and never stored."""

    duplicate_reason = forms.CharField(
        label=_("Why register anyway?"),
        max_length=200,
        required=False,
        help_text=format_lazy(
            "{} {}", _("For example: the caller has no code and is a different person."), NO_NAMES
        ),
    )
    # Asked at the first meeting with the peer group, not on the phone.
    NOT_ON_THE_PHONE = (
        *FACE_TO_FACE_FIELDS,
        "consent_method",
        "consent_phone",
        "share_with",
    )
    field_order = [*ClientRegisterForm.field_order, "duplicate_reason"]

    def __init__(self, *args: Any, groups: Any, show_register_anyway: bool = False, **kw: Any):
        super().__init__(*args, groups=groups, show_register_anyway=show_register_anyway, **kw)
        for name in self.NOT_ON_THE_PHONE:
            del self.fields[name]
        if not show_register_anyway:
            del self.fields["duplicate_reason"]
        group = _f(self, "peer_group")
        group.label = _("Peer group that will follow the caller up")
        group.widget = forms.Select()  # shown even when there is only one: tell the caller
        group.widget.choices = group.choices
        group.label_from_instance = _group_label
        labels = {
            "given_name": _("Caller's given name"),
            "mother_given_name": _("Caller's mother's given name"),
            "consent_follow_up": _(
                "The caller agrees, on this call, to be registered and followed up by the group"
            ),
            "register_anyway": _("Register anyway: the caller is a different person"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "consent_follow_up" in self.fields:
            self.fields["consent_follow_up"].help_text = _(
                "Tick only after reading the caller the notice above and hearing them agree. "
                "It is recorded as verbal consent taken by you."
            )

    def clean_consent_follow_up(self) -> bool:
        if not self.cleaned_data.get("consent_follow_up"):
            raise forms.ValidationError(
                _("The caller must agree to registration before you can register them.")
            )
        return True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("register_anyway") and not (data.get("duplicate_reason") or "").strip():
            self.add_error("duplicate_reason", _("Write why this caller is registered anyway."))
        return data

    def registration(self) -> CallerRegistration:
        """The typed input of `hotline_caller_register`, from the cleaned form."""
        data = self.cleaned_data
        return CallerRegistration(
            **self.pseudonymous(),
            consent_follow_up=data["consent_follow_up"],
            register_anyway=bool(data.get("register_anyway")),
            duplicate_reason=data.get("duplicate_reason", ""),
        )


def _group_label(group: PeerGroup) -> str:
    communes = ", ".join(c.name for c in group.communes.all())
    return f"{group.name} · {communes}" if communes else group.name


class CallLinkForm(forms.Form):
    """The short code a caller gives, to link an anonymous call to their record."""

    client_code = client_code_field(
        _("Caller's short code"),
        12,
        help_text=_("On the caller's card or referral slip (6 characters)."),
    )

    def __init__(self, *args: Any, user: User, call: HotlineCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.call = call

    def clean_client_code(self) -> Any:
        code = self.cleaned_data["client_code"].strip().upper()
        client = queries.caller_link_clients(self.user, self.call).filter(short_code=code).first()
        if client is None:
            raise forms.ValidationError(NOT_AVAILABLE)
        return client
