"""Forms of outreach pages. A contact form is prefilled (today, the client, the last place
used, HIV/STI prevention) so that logging takes: "Log contact" → Save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client
from core.forms import ReadChoiceField, apply_errors
from core.widgets import CommuneSelect, LongSelect, TickBoxes
from geo.models import Commune
from programs.models import Establishment, PeerGroup

from . import queries, services
from .models import ItemKind, Material, MaterialStock, Need, PlaceType, Topic

COMMODITIES = (ItemKind.CONDOM, ItemKind.LUBRICANT, ItemKind.NEEDLE_SYRINGE)


def ticks(label: Any, choices: Any) -> forms.MultipleChoiceField:
    """An optional list of tick boxes (the topics talked about, the needs seen): none
    ticked is a valid answer."""
    return forms.MultipleChoiceField(label=label, choices=choices, required=False, widget=TickBoxes)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _qty(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=services.MAX_QUANTITY,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class ContactForm(forms.Form):
    peer_group = ReadChoiceField(
        queryset=None,
        label=_("Peer group"),
    )
    contact_date = forms.DateField(label=_("Date"), widget=DateInput())
    head_count = forms.IntegerField(
        label=_("People reached"),
        min_value=1,
        max_value=services.MAX_HEAD_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Anonymous group outreach: count the people, never name them."),
    )
    place_type = forms.ChoiceField(label=_("Place"), choices=PlaceType.choices)
    establishment = forms.ModelChoiceField(
        Establishment.objects.none(),
        label=_("Establishment"),
        required=False,
        widget=LongSelect,  # every establishment of the groups' provinces
    )
    commune = forms.ModelChoiceField(
        Commune.objects.none(), label=_("Commune or ward"), required=False, widget=CommuneSelect()
    )
    topics = ticks(_("Topics"), Topic.choices)
    needs = ticks(_("Needs identified"), Need.choices)

    def __init__(
        self,
        *args: Any,
        groups: Sequence[PeerGroup],
        client: Client | None = None,
        materials: list[MaterialStock] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        self.client = client
        self.holder: Any = None
        groups = list(groups)
        # The group sent is one of `groups`, as read by the view with its model and lead
        # organisation (queries.logging_groups), which the service reads next.
        fields["peer_group"].queryset = groups[0].__class__.objects.filter(
            pk__in=[g.pk for g in groups]
        )
        fields["peer_group"].rows = groups
        fields["commune"].queryset = queries.logging_communes(groups)
        fields["establishment"].queryset = queries.logging_establishments(groups)
        if client is not None or len(groups) == 1:
            fields["peer_group"].widget = forms.HiddenInput()
            fields["peer_group"].initial = (client.peer_group if client else groups[0]).pk
        if client is not None:
            del fields["head_count"]
            del fields["commune"]
        for kind in COMMODITIES:
            fields[f"qty_{kind}"] = _qty(ItemKind(kind).label)
        self.material_fields: list[tuple[str, Material]] = []
        for row in materials or []:
            if row.material is None:
                continue
            name = f"material_{row.material_id}"
            label = _("%(title)s (%(left)d in stock)") % {
                "title": row.material.name,
                "left": row.quantity,
            }
            fields[name] = _qty(label)
            self.material_fields.append((name, row.material))

    def items(self) -> list[tuple[str, str, Material | None, int]]:
        """(field name, item kind, material, quantity) for every quantity typed."""
        out: list[tuple[str, str, Material | None, int]] = []
        for kind in COMMODITIES:
            qty = self.cleaned_data.get(f"qty_{kind}") or 0
            if qty:
                out.append((f"qty_{kind}", str(kind), None, qty))
        for name, material in self.material_fields:
            qty = self.cleaned_data.get(name) or 0
            if qty:
                out.append((name, ItemKind.MATERIAL, material, qty))
        return out

    def field_for(self, item_kind: str, material: Material | None) -> str | None:
        if material is not None:
            return f"material_{material.pk}"
        return f"qty_{item_kind}" if f"qty_{item_kind}" in self.fields else None

    def details(self) -> services.ContactDetails:
        """The contact this valid form describes, for `services.contact_log`: the page, the
        JSON API and the offline sync all log through it, so all refuse the same things."""
        data = self.cleaned_data
        return services.ContactDetails(
            # With a client this is the client's group (the hidden field's value); a
            # different one is refused by the service.
            peer_group=data["peer_group"],
            contact_date=data["contact_date"],
            place_type=data["place_type"],
            topics=data["topics"],
            needs=data["needs"],
            client=self.client,
            head_count=data.get("head_count") or 1,
            items=[services.Item(kind, qty, material) for _n, kind, material, qty in self.items()],
            commune=data.get("commune"),
            establishment=data.get("establishment"),
        )

    def show_refusal(self, error: ValidationError) -> None:
        """Put the service's refusal next to its field: short stock next to the item's
        quantity, anything else where `apply_errors` puts it."""
        if isinstance(error, services.InsufficientStock):
            self.add_error(self.field_for(error.item_kind, error.material), error.messages)
        else:
            apply_errors(self, error)


def contact_form_for(
    user: User,
    data: Any,
    *,
    client: Client | None,
    groups: list[PeerGroup],
    initial: dict[str, Any] | None = None,
) -> ContactForm:
    """The contact form for a user: the group is the client's, the only one, or the one
    posted; its stock holder decides which materials can be handed out."""
    group: PeerGroup | None = None
    if client is not None:
        # The client's group as read among `groups` (with its model and lead organisation).
        group = next((g for g in groups if g.pk == client.peer_group_id), client.peer_group)
    if group is None and len(groups) == 1:
        group = groups[0]
    if data is not None and group is None:
        group_id = str(data.get("peer_group", ""))
        group = next((g for g in groups if str(g.pk) == group_id), None)
    holder = queries.stock_holder(group) if group is not None else None
    form = ContactForm(
        data,
        initial=initial,
        groups=groups,
        client=client,
        materials=queries.materials_in_stock(holder),
    )
    form.holder = holder
    return form


class StockReceiveForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label=_("Organisation holding the stock"),
    )
    item_kind = forms.ChoiceField(label=_("Item"), choices=ItemKind.choices)
    material = forms.ModelChoiceField(
        Material.objects.filter(active=True),
        label=_("Material (for materials)"),
        required=False,
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    source = forms.CharField(label=_("From"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, material = data.get("item_kind"), data.get("material")
        if kind == ItemKind.MATERIAL and not material:
            self.add_error("material", _("Choose which material was received."))
        if kind and kind != ItemKind.MATERIAL and material:
            self.add_error("material", _("Leave this empty unless the item is a material."))
        return data


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "theme", "format"]
