from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import NO_NAMES, apply_errors
from core.widgets import RadioButtons, TickBoxes
from directory.models import Service
from directory.taxonomy import grouped_service_type_choices
from programs.models import Organisation

from .models import Referral, ServiceDelivery
from .queries import NOT_AVAILABLE, client_by_code


def not_in_future(value: date) -> None:
    """A date something happened on (a service, an activity, an incident): today at the
    latest."""
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))


def free_text(
    label: Any, hint: Any = "", *, max_length: int = 200, required: bool = False, **options: Any
) -> forms.CharField:
    """Free text that may reach the audit log's reason or outlive a client's erasure: its
    help (after `hint`, when there is one) says not to write names or phone numbers."""
    help_text = format_lazy("{} {}", hint, NO_NAMES) if hint else NO_NAMES
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text, **options
    )


def code_input(**attrs: Any) -> forms.TextInput:
    """The input a code is typed in (a client's short code, a referral slip's code):
    capitals, never filled in by the browser."""
    return forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", **attrs})


def client_code_field(help_text: Any = "", *, required: bool = True) -> forms.CharField:
    """The field a client's short code is typed in, on every form that asks for one: up to
    12 characters, capitals, never filled in by the browser."""
    return forms.CharField(
        label=_("Client code"),
        max_length=12,
        required=required,
        widget=code_input(),
        help_text=help_text,
    )


def optional_client(user: Any, code: str) -> Any:
    """The client of a short code typed in a field that may stay empty (an anonymous
    caller or victim): None for no code; a code out of the user's reach is refused
    with the same words as an unknown one (queries.client_by_code)."""
    if not (code or "").strip():
        return None
    client = client_by_code(user, code)
    if client is None:
        raise forms.ValidationError(NOT_AVAILABLE)
    return client


class ServiceChoiceField(forms.ModelChoiceField):
    """Services as a list of tappable rows: the service, its type, the whole provider's
    name and where it is (nothing cut off at 360 px, as a drop-down would)."""

    widget = RadioButtons(attrs={"class": "service-choice"})

    def label_from_instance(self, obj: Any) -> Any:
        where = ""
        for location in obj.locations.all():
            if location.commune_id and not location.confidential:
                where = location.commune.name
                break
        if not where and obj.organisation.commune_id:
            where = obj.organisation.commune.name
        friendly = _("Friendly to key populations") if obj.friendly_to_key_populations else ""
        return format_html(
            '<span class="choice-text"><span class="choice-title">{}</span> '
            '<span class="muted">· {}</span><br><span class="choice-provider">{}</span>{}{}'
            "</span>",
            obj.name,
            obj.get_service_type_display(),
            obj.organisation.name,
            format_html('<br><span class="muted">{}</span>', where) if where else "",
            format_html(' <span class="badge friendly">{}</span>', friendly) if friendly else "",
        )


class ReferralForm(forms.Form):
    service = ServiceChoiceField(queryset=Service.objects.none(), label=_("Service"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("What the client needs. No names or phone numbers."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Referral.Urgency.choices, initial=Referral.Urgency.ROUTINE
    )
    note = forms.CharField(
        label=_("Note for the provider"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        services: Any,
        allow_override: bool = False,
        client: Any = None,
        consent_inline: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if consent_inline:  # Never pre-ticked: ticked only after the client, asked aloud, agreed.
            self.fields["consent_now"] = forms.BooleanField(
                label=_("The client agrees, asked now, to share this referral with the provider"),
                help_text=_(
                    "Needed only when no consent to share with this provider is on file. "
                    "Read the client what is shared (the code, the population group and the "
                    "reason, never a name) and tick only when they agree. It is recorded as "
                    "verbal consent taken by you."
                ),
                required=False,
            )
        if client is not None:
            self._share_fields(client)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        # In the order given (referrals.queries.referral_services: the client's area first).
        field.queryset = services.select_related("organisation__commune")
        if not services.query.order_by:
            field.queryset = field.queryset.order_by("service_type", "organisation__name", "name")
        if allow_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Override a missing consent (coordinators only)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=1000,
                help_text=format_lazy(
                    "{} {}",
                    _(
                        "Only if the client cannot consent now and the referral is needed: "
                        "write why. This is recorded in the audit log."
                    ),
                    NO_NAMES,
                ),
            )

    def _share_fields(self, client: Any) -> None:
        """What the sender may show the provider, for this referral only: nothing is
        ticked by default; it needs the client's consent to share with the provider."""
        consent_note = _(
            "Nothing is shared unless you tick it, and only with the client's consent to "
            "share with this provider on file. The provider always sees the client code "
            "and the reason."
        )
        self.fields["share_population_groups"] = forms.ModelMultipleChoiceField(
            label=_("Share with the provider: population groups"),
            queryset=client.population_groups.order_by("order", "code"),
            required=False,
            widget=TickBoxes,
            help_text=format_lazy(
                "{} {}", _("Tick only what the client agreed the provider may know."), consent_note
            ),
        )
        self.fields["share_birth_year"] = forms.BooleanField(
            label=_("Share with the provider: year of birth"), required=False
        )
        self.fields["share_gender"] = forms.BooleanField(
            label=_("Share with the provider: sex and gender identity"), required=False
        )

    def share_choices(self) -> dict[str, Any]:
        """The share choices of a valid form, as referral_send takes them."""
        data = self.cleaned_data
        return {
            "share_population_groups": list(data.get("share_population_groups") or []),
            "share_birth_year": bool(data.get("share_birth_year")),
            "share_gender": bool(data.get("share_gender")),
        }

    def referral(self) -> dict[str, Any]:
        """What a valid form gives the use cases that send a referral (referral_send and
        safety's incident_protection_refer), who sends it, to whom and from where aside."""
        data = self.cleaned_data
        return {
            "service": data["service"],
            "reason": data["reason"],
            "urgency": data["urgency"],
            "note": data["note"],
            "override_reason": data.get("override_reason", ""),
            "consent_now": data.get("consent_now", False),
        }

    def refused(self, error: ValidationError) -> None:
        """A referral the service refused, on the form: a missing sharing consent next to
        the box that records it (`consent_refused`), any other reason next to its field."""
        from .services import ConsentMissing

        if isinstance(error, ConsentMissing):
            self.consent_refused(error)
        else:
            apply_errors(self, error)

    def consent_refused(self, error: Any) -> None:
        """A referral refused for want of a sharing consent: say so next to the box that
        records it there and then, keeping everything typed (the box stays unticked)."""
        provider = self.cleaned_data["service"].organisation.name
        message = _(
            "No consent to share with %(provider)s is on file. Ask the client now: if they "
            "agree, tick this box and send again."
        ) % {"provider": provider}
        self.add_error("consent_now" if "consent_now" in self.fields else None, message)
        if self.cleaned_data.get("override_reason"):
            self.add_error("override_reason", error.messages)


class HotlineReferralForm(ReferralForm):
    client_code = client_code_field(_("The short code the caller gives you."))
    field_order = ["client_code", "service", "reason", "urgency", "note"]


class DeclineForm(forms.Form):
    reason = free_text(
        _("Why is the referral declined?"),
        max_length=1000,
        required=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _service_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Date of service"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,  # most services are recorded the day they are given
        validators=[not_in_future],
    )


def _service_type_field(label: Any = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("Service type"), choices=[("", "—"), *grouped_service_type_choices()]
    )


class CompleteForm(forms.Form):
    delivered_on = _service_date_field()
    service_types = forms.MultipleChoiceField(
        label=_("What was delivered"),
        choices=grouped_service_type_choices,
        widget=TickBoxes,
    )
    amount_vnd = forms.IntegerField(
        label=_("Amount of support (VND)"),
        required=False,
        min_value=0,
        help_text=_("Only where money is involved (a loan, a fee paid)."),
    )


class DeliveryForm(forms.Form):
    """A service received outside a referral."""

    service_type = _service_type_field()
    delivered_on = _service_date_field()
    amount_vnd = forms.IntegerField(label=_("Amount of support (VND)"), required=False, min_value=0)
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, record it again"), required=False, widget=forms.HiddenInput
    )

    def delivery(self) -> dict[str, Any]:
        """What a valid form gives delivery_record, who records it and for whom aside."""
        data = self.cleaned_data
        return {
            "service_type": data["service_type"],
            "provider": data.get("provider"),
            "delivered_on": data["delivered_on"],
            "amount_vnd": data["amount_vnd"],
        }


class ProviderDeliveryForm(DeliveryForm):
    client_code = client_code_field(
        _(
            "A code works here once the client was referred to you or agreed to share with "
            "your organisation. If it is refused, the client can give that consent through "
            "their peer group or the hotline."
        )
    )
    source = forms.ChoiceField(
        label=_("Where"),
        choices=[
            (ServiceDelivery.Source.WALK_IN, ServiceDelivery.Source.WALK_IN.label),
            (ServiceDelivery.Source.MOBILE_DAY, ServiceDelivery.Source.MOBILE_DAY.label),
        ],
    )
    field_order = ["client_code", "source", "service_type", "delivered_on", "amount_vnd"]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        orgs = list(organisations)
        if len(orgs) > 1:
            self.fields["provider"] = forms.ModelChoiceField(
                queryset=organisations, label=_("Provider")
            )
        self.organisations = orgs

    def delivery(self) -> dict[str, Any]:
        """The provider chosen (or the user's only one) and where the service was given."""
        data = self.cleaned_data
        return {
            **super().delivery(),
            "provider": data.get("provider") or self.organisations[0],
            "source": data["source"],
        }


class PeerDeliveryForm(DeliveryForm):
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Provider"),
        help_text=_("Where the client received the service."),
    )
    field_order = ["provider", "service_type", "delivered_on", "amount_vnd"]

    def __init__(self, *args: Any, providers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = providers

    def delivery(self) -> dict[str, Any]:
        return {**super().delivery(), "source": ServiceDelivery.Source.PEER_REPORTED}


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Referral code"),
        max_length=200,
        help_text=_("Type the code on the client's slip, or scan its QR code."),
        widget=code_input(autofocus=True),
    )


class CancelForm(forms.Form):
    reason = free_text(_("Why cancel?"), max_length=500, widget=forms.TextInput())
