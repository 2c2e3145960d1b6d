"""Forms of the activities app: validation at the edge, choices limited to the user's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clients.forms import ClientRegisterForm
from core.forms import clean_phone_digits, must_choose
from core.widgets import CommuneSelect
from directory.models import Service
from geo.models import Commune
from outreach.models import Material
from programs.models import Establishment, Membership, Organisation, PeerGroup, SupportModel
from referrals.forms import ServiceChoiceField
from referrals.queries import NOT_AVAILABLE, client_by_code

from . import queries
from .models import (
    ActivityKind,
    Audience,
    EstablishmentAgreement,
    HotlineCall,
    ParticipantKind,
    Topic,
    VenueType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Free text that may reach the audit log's reason or outlive a client's erasure.
NO_NAMES = _("Do not write names or phone numbers here.")


def _f(form: forms.BaseForm, name: str) -> Any:
    """A form field, untyped: choices and querysets are set per user at run time."""
    return form.fields[name]


def commune_field(required: bool = True) -> forms.ModelChoiceField:
    # Built per form instance: the widget reverses a URL, which must not run at import.
    return forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.select_related("province"),
        widget=CommuneSelect(),
        required=required,
        error_messages={"required": _("Choose the commune or ward where it took place.")},
    )


def participant_field(kind: str) -> str:
    return f"n_{kind}"


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=must_choose(ActivityKind.choices))
    audience = forms.ChoiceField(
        label=_("Audience"), choices=must_choose(Audience.choices), required=False
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=format_lazy("{} {}", _("Optional."), NO_NAMES),
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    support_model = forms.ModelChoiceField(
        label=_("Support model"), queryset=SupportModel.objects.none()
    )
    peer_group = forms.ModelChoiceField(
        label=_("Peer group"), queryset=PeerGroup.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(label=_("Commune or ward"), queryset=Commune.objects.none())
    venue_type = forms.ChoiceField(label=_("Venue type"), choices=must_choose(VenueType.choices))
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty for the model's lead organisation."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Group members present"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    client_codes = forms.CharField(
        label=_("Clients present (codes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocapitalize": "characters"}),
        help_text=_("Short codes, separated by spaces or new lines."),
    )
    establishments = forms.ModelMultipleChoiceField(
        label=_("Establishments"),
        queryset=Establishment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field()
        self.user = user
        models = queries.recordable_models(user)
        groups = queries.recordable_groups(user)
        _f(self, "support_model").queryset = models
        _f(self, "peer_group").queryset = groups
        _f(self, "organiser").queryset = queries.organisers_for(user)
        _f(self, "members").queryset = Membership.objects.filter(
            peer_group__in=groups, left_on__isnull=True
        ).select_related("peer_group")
        _f(self, "establishments").queryset = queries.establishments_for(user)
        if len(groups) > 1:
            _f(self, "members").label_from_instance = lambda m: f"{m.alias} · {m.peer_group}"
        if len(models) == 1:
            self.fields["support_model"].initial = models[0].pk
            self.fields["support_model"].widget = forms.HiddenInput()
        if len(groups) == 1 and not user_is_coordinator(user):
            self.fields["peer_group"].initial = groups[0].pk
            self.fields["peer_group"].widget = forms.HiddenInput()
            self.fields["peer_group"].required = True
            # The group meets where it works: its (first) commune, changeable.
            first = groups[0].communes.order_by("name").first()
            if first is not None:
                self.fields["commune"].initial = first.pk
        if not _f(self, "establishments").queryset.exists():
            del self.fields["establishments"]
        self.fields["held_on"].initial = timezone.localdate()
        for kind, label in ParticipantKind.choices:
            self.fields[participant_field(kind)] = forms.IntegerField(
                label=label, min_value=0, max_value=100_000, required=False
            )

    def participant_counts(self) -> dict[str, int]:
        return {
            kind: self.cleaned_data.get(participant_field(kind)) or 0
            for kind in ParticipantKind.values
        }

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        model = data.get("support_model")
        group = data.get("peer_group")
        if model and group and group.support_model_id != model.pk:
            self.add_error("peer_group", _("This group does not belong to the chosen model."))
        members = data.get("members") or []
        if members and not group:
            self.add_error("peer_group", _("Choose the group whose members were present."))
        elif group and any(m.peer_group_id != group.pk for m in members):
            self.add_error("members", _("Only members of the chosen group can be ticked."))
        raw = (data.get("client_codes") or "").replace(",", " ").split()
        codes = sorted({c.strip().upper() for c in raw if c.strip()})
        found = queries.clients_by_codes(self.user, group, codes) if codes else {}
        missing = [c for c in codes if c not in found]
        if missing:
            self.add_error(
                "client_codes",
                _("No client of this group has the code(s): %(codes)s.")
                % {"codes": ", ".join(missing)},
            )
        data["clients"] = list(found.values())
        if not self.errors:
            counts = self.participant_counts()
            if sum(counts.values()) == 0 and not members and not codes:
                self.add_error(
                    participant_field(ParticipantKind.MEMBER),
                    _("Enter how many people took part (at least one count)."),
                )
        return data


def user_is_coordinator(user: Any) -> bool:
    from accounts import scope
    from accounts.models import Role

    return scope.has_role(user, Role.COORDINATOR)


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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"] = commune_field()
        models = queries.establishment_models(user)
        _f(self, "support_model").queryset = models
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


class HotlineCallForm(forms.Form):
    started_at = forms.DateTimeField(
        label=_("Start time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty while the call is in progress: end it on the call's page."),
    )
    ended_at = forms.DateTimeField(
        label=_("End time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Or the end time instead of the duration: the minutes are counted."),
    )
    client_code = forms.CharField(
        label=_("Client code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        help_text=_("Leave empty for an anonymous caller."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=must_choose(HotlineCall.Topic.choices))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=HotlineCall.Urgency.choices, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label=_("Action taken"), choices=must_choose(HotlineCall.Action.choices)
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["started_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["urgency"].initial = HotlineCall.Urgency.ROUTINE

    def clean_started_at(self) -> Any:
        started = self.cleaned_data["started_at"]
        if started > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The call cannot start in the future."))
        return started

    def clean_client_code(self) -> Any:
        code = self.cleaned_data.get("client_code", "").strip().upper()
        if not code:
            return None
        client = client_by_code(self.user, code)
        if client is None:
            raise forms.ValidationError(NOT_AVAILABLE)
        return client


class CallEndForm(forms.Form):
    """Ending a call saved while in progress: nothing typed ends it now."""

    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty to end the call now: the minutes since its start are counted."),
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
        "commune",
        "establishment",
        "name",
        "nickname",
        "phone",
        "notes",
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


def _group_label(group: PeerGroup) -> str:
    communes = ", ".join(c.name for c in group.communes.all())
    return f"{group.name} · {communes}" if communes else group.name


class CallLinkForm(forms.Form):
    """The short code a caller gives, to link an anonymous call to their record."""

    client_code = forms.CharField(
        label=_("Caller's short code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        help_text=_("On the caller's card or referral slip (6 characters)."),
    )

    def __init__(self, *args: Any, user: Any, call: HotlineCall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.call = call

    def clean_client_code(self) -> Any:
        code = self.cleaned_data["client_code"].strip().upper()
        client = queries.caller_link_clients(self.user, self.call).filter(short_code=code).first()
        if client is None:
            raise forms.ValidationError(NOT_AVAILABLE)
        return client


class DistributionForm(forms.Form):
    """Items handed out at an activity (lowers the stock through outreach)."""

    item_kind = forms.ChoiceField(label=_("Item"), choices=[])
    material = forms.ModelChoiceField(
        label=_("Material"), queryset=Material.objects.none(), required=False
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)
    organisation = forms.ModelChoiceField(
        label=_("From the stock of"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, user: Any, activity: Any, **kwargs: Any) -> None:
        from outreach.models import ItemKind, Material

        super().__init__(*args, **kwargs)
        _f(self, "item_kind").choices = ItemKind.choices
        _f(self, "material").queryset = Material.objects.filter(active=True)
        orgs = queries.stock_holders(activity)
        _f(self, "organisation").queryset = orgs
        lead = activity.support_model.lead_organisation_id
        if lead and orgs.filter(pk=lead).exists():
            self.fields["organisation"].initial = lead

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, material = data.get("item_kind"), data.get("material")
        if kind == "material" and material is None:
            self.add_error("material", _("Choose which material was handed out."))
        if kind and kind != "material" and material is not None:
            self.add_error("material", _("Leave the material empty for this item."))
        return data


class HealthDayDeliveryForm(forms.Form):
    """A service delivered to a client at a mobile health-check day."""

    client_code = forms.CharField(
        label=_("Client code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    service_type = forms.ChoiceField(label=_("Service"), choices=[])
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, user: Any, activity: Any, **kwargs: Any) -> None:
        from directory.taxonomy import SERVICE_TYPES

        super().__init__(*args, **kwargs)
        self.user = user
        self.activity = activity
        _f(self, "service_type").choices = [
            (t.code, t.label) for t in SERVICE_TYPES.values() if t.category in ("health", "psych")
        ]
        _f(self, "provider").queryset = queries.health_day_providers(activity)

    def clean_client_code(self) -> Any:
        code = self.cleaned_data["client_code"].strip().upper()
        found = queries.clients_by_codes(self.user, None, [code])
        if code not in found:
            raise forms.ValidationError(NOT_AVAILABLE)
        return found[code]
