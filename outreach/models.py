"""Outreach contacts (lượt tiếp cận), the materials catalogue, stock per organisation and
distribution of condoms, lubricant, needles and syringes and materials.

A contact names one client (head_count 1) or counts an anonymous group reached at a venue
(client null, head_count ≥ 1). Every item handed out is a Distribution row that lowered the
stock of the organisation holding the peer group's stock."""

from __future__ import annotations

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.fields import user_field
from clients.fields import optional_client_field
from geo.fields import commune_field, legacy_commune_field
from programs import fields as programs_fields


class PlaceType(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment")
    STREET = "street", _("Street or public place")
    ONLINE = "online", _("Online")
    HOTLINE = "hotline", _("Hotline")
    OFFICE = "office", _("Group office")
    HOME = "home", _("Home visit")


class Topic(models.TextChoices):
    SRH = "srh", _("Sexual and reproductive health")
    HIV_STI = "hiv_sti", _("HIV/STI prevention")
    SAFER_SEX = "safer_sex", _("Safer sex")
    VIOLENCE = "violence", _("Violence")
    LEGAL_RIGHTS = "legal_rights", _("Legal rights")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    LIVELIHOOD = "livelihood", _("Livelihood")
    DRUG_HARM_REDUCTION = "drug_harm_reduction", _("Drug harm reduction")


class Need(models.TextChoices):
    HEALTH_CHECK = "health_check", _("Health check or STI treatment")
    HIV_TEST = "hiv_test", _("HIV test")
    LEGAL_AID = "legal_aid", _("Legal advice or aid")
    VIOLENCE_SUPPORT = "violence_support", _("Protection from violence")
    PSYCH = "psych", _("Psychological counselling")
    VOCATIONAL = "vocational", _("Vocational training")
    JOB = "job", _("Job")
    LOAN = "loan", _("Loan")
    IDENTITY_PAPERS = "identity_papers", _("Identity papers")
    SHELTER = "shelter", _("Shelter")
    DRUG_TREATMENT = "drug_treatment", _("Drug treatment")
    OTHER = "other", _("Other")


class ItemKind(models.TextChoices):
    CONDOM = "condom", _("Condoms")
    LUBRICANT = "lubricant", _("Lubricant")
    NEEDLE_SYRINGE = "needle_syringe", _("Needles and syringes")
    MATERIAL = "material", _("Materials")


class OutreachContact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact_date = models.DateField(_("date"), db_index=True)
    client = optional_client_field("contacts")
    head_count = models.PositiveIntegerField(
        _("people reached"), default=1, validators=[MinValueValidator(1)]
    )
    peer_group = programs_fields.peer_group_field("contacts")
    peer_educator = user_field(_("peer educator"), "outreach_contacts")
    place_type = models.CharField(_("place"), max_length=20, choices=PlaceType.choices)
    establishment = programs_fields.optional_establishment_field("contacts")
    topics = models.JSONField(_("topics"), default=list, blank=True)
    needs = models.JSONField(_("needs identified"), default=list, blank=True)
    commune = commune_field()
    legacy_commune = legacy_commune_field()
    # Idempotency key chosen by the device that recorded the contact offline: the same key
    # sent twice (a retry after a dropped connection) finds this row instead of a second one.
    device_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contact_date", "-id"]
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        indexes = [
            # A group's contacts of a day, newest first (the peer's home: "today's
            # contacts"), read from the end of the index however many were logged.
            models.Index(fields=["peer_group", "contact_date", "id"]),
            # A client's latest contacts (client page, "not contacted for N days" on the
            # peer's home) and a peer's last place (contact form): a few index entries
            # each, however many contacts the country holds.
            models.Index(fields=["client", "contact_date", "id"]),
            models.Index(fields=["peer_educator", "contact_date", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(head_count=1),
                name="outreach_contact_client_counts_one",
            ),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="outreach_head_count_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_date:%d/%m/%Y} · {self.get_place_type_display()}"

    @property
    def is_group(self) -> bool:
        return self.client_id is None

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics]


class Material(models.Model):
    """A printed or digital material in the catalogue, by theme."""

    class Theme(models.TextChoices):
        LEGAL_AID = "legal_aid", _("Legal aid for sex workers")
        SAFETY_SKILLS = "safety_skills", _("Skills for dangerous and emergency situations")
        STI_PREVENTION = "sti_prevention", _("STI prevention")
        WORKER_RIGHTS = "worker_rights", _("Workers' rights handbook")
        HIV_PREVENTION = "hiv_prevention", _("HIV prevention and testing")
        SRH = "srh", _("Sexual and reproductive health")
        VIOLENCE = "violence", _("Gender-based violence")
        DRUG_HARM_REDUCTION = "drug_harm_reduction", _("Drug harm reduction")
        SERVICES = "services", _("Services directory and hotline")
        OTHER = "other", _("Other")

    class Format(models.TextChoices):
        PRINTED = "printed", _("Printed")
        DIGITAL = "digital", _("Digital")

    name = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.PRINTED
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "name"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name


def _material_field(
    related_name: str | None,
) -> models.ForeignKey[Material | None, Material | None]:
    """Which material, when the item is one (`_material_iff_kind`)."""
    return models.ForeignKey(
        Material,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("material"),
    )


def _material_iff_kind(name: str) -> models.CheckConstraint:
    """A row names a material exactly when its item kind is "material"."""
    return models.CheckConstraint(
        condition=(Q(item_kind="material") & Q(material__isnull=False))
        | (~Q(item_kind="material") & Q(material__isnull=True)),
        name=name,
    )


class MaterialStock(models.Model):
    """What an organisation holds: one row per commodity (condoms, lubricant, needles and
    syringes; material null) or per material (item_kind "material")."""

    organisation = programs_fields.organisation_field("stock", _("organisation"), models.CASCADE)
    item_kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    material = _material_field("stock")
    quantity = models.IntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "item_kind", "material__name"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_not_negative"),
            _material_iff_kind("stock_material_iff_kind"),
            models.UniqueConstraint(
                fields=["organisation", "item_kind"],
                condition=Q(material__isnull=True),
                name="stock_one_row_per_commodity",
            ),
            models.UniqueConstraint(
                fields=["organisation", "material"],
                condition=Q(material__isnull=False),
                name="stock_one_row_per_material",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_label}: {self.quantity}"

    @property
    def item_label(self) -> str:
        return (
            self.material.name if self.material is not None else str(self.get_item_kind_display())
        )


class StockReceipt(models.Model):
    """Stock received by an organisation (from a funder, a health centre, a print run)."""

    organisation = programs_fields.organisation_field(
        "stock_receipts", _("organisation"), models.CASCADE
    )
    item_kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    material = _material_field(None)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    received_on = models.DateField(_("received on"))
    source = models.CharField(_("from"), max_length=200, blank=True)
    received_by = user_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("stock receipt")
        verbose_name_plural = _("stock receipts")


_ITEM_LABELS = dict(ItemKind.choices)


class Distribution(models.Model):
    """Items handed out: lowered the stock of `organisation`."""

    distributed_on = models.DateField(_("date"), db_index=True)
    item_kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    material = _material_field("distributions")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    organisation = programs_fields.organisation_field("distributions", _("stock holder"))
    peer_group = programs_fields.optional_peer_group_field("distributions")
    contact = models.ForeignKey(
        OutreachContact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="distributions",
        verbose_name=_("contact"),
    )
    distributed_by = user_field(_("handed out by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-distributed_on", "-id"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="distribution_quantity_pos"),
            _material_iff_kind("distribution_material_iff_kind"),
        ]

    def __str__(self) -> str:
        return self.label(
            self.item_kind, self.material.name if self.material is not None else None, self.quantity
        )

    @staticmethod
    def label(item_kind: str, material_name: str | None, quantity: int) -> str:
        """What was handed out, as every page shows it: "Bao cao su × 2", or the material's
        title for a material."""
        what = material_name if material_name is not None else _ITEM_LABELS.get(item_kind)
        return f"{what if what is not None else item_kind} × {quantity}"
