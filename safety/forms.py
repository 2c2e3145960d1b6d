"""Forms of the safety app. The alert form has its own text fields: it never copies the
incident's text, and nothing about the victim is asked for."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import NO_NAMES, must_choose
from geo.forms import area_fields
from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup
from referrals.forms import client_code_field, free_text, not_in_future, optional_client

from .models import Incident, IncidentProtection, SafetyAlert, ViolenceType
from .services import STORED_AS_REPORTED, IncidentReport

if TYPE_CHECKING:
    from referrals.forms import ReferralForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _f(form: forms.BaseForm, name: str) -> Any:
    """A form field, untyped: choices are set at run time."""
    return form.fields[name]


def _area_fields(form: forms.BaseForm, *, commune_required: bool = False) -> None:
    # Built per instance: the widgets reverse a URL, which must not run at import time.
    form.fields["province"], form.fields["commune"] = area_fields(
        province_required=True, commune_required=commune_required
    )


def consent_box(label: Any) -> forms.BooleanField:
    """One consent the person gives, asked for each time: a box left unticked (a refusal)
    unless the recorder ticks it."""
    return forms.BooleanField(label=label, required=False)


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, validators=[not_in_future])
    place_type = forms.ChoiceField(
        label=_("Place type"), choices=must_choose(Incident.PlaceType.choices)
    )
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none())
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"), queryset=Commune.objects.none(), required=False
    )
    violence_types = forms.ModelMultipleChoiceField(
        label=_("Types of violence"),
        queryset=ViolenceType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one type of violence.")},
    )
    perpetrator_kind = forms.ChoiceField(
        label=_("Who did it"), choices=must_choose(Incident.Perpetrator.choices)
    )
    client_code = client_code_field(
        _("Optional: the code of the registered client this happened to."), required=False
    )
    reported_via = forms.ChoiceField(label=_("Reported"), choices=[])
    action_taken = forms.ChoiceField(
        label=_("Action taken"), choices=must_choose(Incident.Action.choices)
    )
    protections = forms.MultipleChoiceField(
        label=_("Protection referral"),
        choices=IncidentProtection.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_report = consent_box(_("The person agrees that this is reported to the authorities"))
    consent_share = consent_box(_("The person agrees that it is shared with service providers"))
    consent_alert = consent_box(
        _("The person agrees to a safety alert (without anything about them)")
    )
    details = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            "{} {}",
            _(
                "Optional. Stored encrypted; only your group, the hotline that recorded it and "
                "the model's coordinators can read it."
            ),
            NO_NAMES,
        ),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        reported_via_choices: list[Any],
        provinces: list[str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        _area_fields(self)
        if provinces is not None:
            # Only the recorder's own area (safety.services._check_recorder_scope).
            _f(self, "province").queryset = Province.objects.filter(pk__in=provinces)
            _f(self, "commune").queryset = Commune.objects.filter(
                province_id__in=provinces
            ).select_related("province")
        _f(self, "reported_via").choices = reported_via_choices
        if len(reported_via_choices) == 1:
            self.fields["reported_via"].initial = reported_via_choices[0][0]
            self.fields["reported_via"].widget = forms.HiddenInput()
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_client_code(self) -> Any:
        return optional_client(self.user, self.cleaned_data.get("client_code", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        province, commune = data.get("province"), data.get("commune")
        if province and commune and commune.province_id != province.pk:
            self.add_error("commune", _("This commune is not in the chosen province."))
        return data

    def report(
        self, *, peer_group: PeerGroup | None, hotline: Organisation | None
    ) -> IncidentReport:
        """The typed input of `incident_record` for this recorder, from the cleaned form."""
        data = self.cleaned_data
        return IncidentReport(
            **{name: data[name] for name in (*STORED_AS_REPORTED, "province", "details")},
            violence_types=[t.code for t in data["violence_types"]],
            client=data["client_code"],
            peer_group=peer_group,
            hotline=hotline,
            protections=list(data["protections"]),
        )


class AlertForm(forms.ModelForm):
    class Meta:
        model = SafetyAlert
        fields = [
            "subject",
            "headline",
            "warning",
            "province",
            "commune",
            "issued_on",
            "expires_on",
        ]
        widgets = {
            "issued_on": DATE,
            "expires_on": DATE,
            "warning": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "headline": _("Short: what to watch out for."),
            "warning": _(
                "Describe the danger (person, vehicle, place, how to stay safe). Never name or "
                "describe the person who was hurt."
            ),
        }

    def __init__(self, *args: Any, user: User, incident: Any, **kwargs: Any) -> None:
        from .queries import alert_communes_for, alert_provinces_for

        super().__init__(*args, **kwargs)
        _area_fields(self)
        # Only where this publisher may publish from this incident: its own province.
        _f(self, "province").queryset = alert_provinces_for(user, incident)
        _f(self, "commune").queryset = alert_communes_for(user, incident)
        today = timezone.localdate()
        self.fields["issued_on"].initial = today
        self.fields["expires_on"].initial = today + timedelta(days=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date must be after the alert date."))
        if expires and expires < timezone.localdate():
            self.add_error("expires_on", _("The expiry date has already passed."))
        province, commune = data.get("province"), data.get("commune")
        if province and commune and commune.province_id != province.pk:
            self.add_error("commune", _("This commune is not in the chosen province."))
        return data


class AlertDeclineForm(forms.Form):
    note = free_text(
        _("Note for the author"), _("Optional: what to change before writing the alert again.")
    )


class AlertWithdrawForm(forms.Form):
    reason = free_text(_("Why is it withdrawn?"), _("Optional. Recorded in the audit log."))


def protection_referral_form(
    data: Any, *, services: Any, kind: str, allow_override: bool
) -> ReferralForm:
    """The referrals app's own form (service, reason, urgency, note, coordinators'
    override), with the services of this protection kind and defaults for a referral
    after violence: emergency for a shelter, urgent otherwise; the reason prefilled
    with the protection only (never the account of what happened)."""
    from referrals.forms import ReferralForm

    label = str(IncidentProtection.Kind(kind).label)
    form = ReferralForm(
        data,
        services=services,
        allow_override=allow_override,
        consent_inline=True,
        initial={
            "urgency": "emergency" if kind == IncidentProtection.Kind.SHELTER else "urgent",
            "reason": _("Protection after violence: %(kind)s.") % {"kind": label.lower()},
        },
    )
    _f(form, "service").queryset = services.select_related("organisation")
    return form
