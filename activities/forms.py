"""Forms of the activities app: validation at the edge, choices limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import must_choose
from geo.forms import commune_field
from geo.models import Commune
from outreach.forms import ticks
from outreach.models import Material
from programs.establishments.queries import establishments_for
from programs.models import Establishment, Membership, Organisation, PeerGroup, SupportModel
from referrals.forms import client_code_field, free_text, not_in_future
from referrals.queries import NOT_AVAILABLE

from . import queries, services
from .models import (
    ActivityKind,
    Audience,
    ParticipantKind,
    Topic,
    VenueType,
)
from .services import ActivityRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _f(form: forms.BaseForm, name: str) -> Any:
    """A form field, untyped: choices and querysets are set per user at run time."""
    return form.fields[name]


def participant_field(kind: str) -> str:
    return f"n_{kind}"


# The fields of an activity record taken from the form as they were typed.
AS_TYPED = (
    "kind",
    "audience",
    "title",
    "held_on",
    "support_model",
    "peer_group",
    "commune",
    "venue_type",
    "organiser",
)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=must_choose(ActivityKind.choices))
    audience = forms.ChoiceField(
        label=_("Audience"), choices=must_choose(Audience.choices), required=False
    )
    title = free_text(_("Title"), _("Optional."))
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=[not_in_future])
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
    topics = ticks(_("Topics"), Topic.choices)
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
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
        _f(self, "establishments").queryset = establishments_for(user)
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

    def record(self) -> ActivityRecord:
        """The typed input of `activity_record`, from the cleaned form."""
        data = self.cleaned_data
        return ActivityRecord(
            **{name: data[name] for name in AS_TYPED},
            topics=list(data["topics"]),
            participants=self.participant_counts(),
            members=list(data["members"]),
            clients=list(data["clients"]),
            establishments=list(data.get("establishments") or []),
        )

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


def user_is_coordinator(user: User) -> bool:
    from accounts import scope
    from accounts.models import Role

    return scope.has_role(user, Role.COORDINATOR)


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

    def __init__(self, *args: Any, user: User, activity: Any, **kwargs: Any) -> None:
        from outreach.models import ItemKind, Material

        super().__init__(*args, **kwargs)
        self.activity = activity
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

    def record(self, actor: User) -> Any:
        """Record the items handed out that the valid form says (the stock is lowered)."""
        return services.activity_distribute(
            actor=actor, activity=self.activity, **self.cleaned_data
        )


class HealthDayDeliveryForm(forms.Form):
    """A service delivered to a client at a mobile health-check day."""

    client_code = client_code_field()
    service_type = forms.ChoiceField(label=_("Service"), choices=[])
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, user: User, activity: Any, **kwargs: Any) -> None:
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

    def record(self, actor: User) -> Any:
        """Record the service delivery that the valid form says."""
        data = self.cleaned_data
        return services.health_day_delivery_record(
            actor=actor,
            activity=self.activity,
            client=data["client_code"],
            service_type=data["service_type"],
            provider=data["provider"],
        )
