"""The service directory: services offered by organisations (programs.Organisation),
where they are offered (locations, some of them confidential), and the cooperation
agreements that buy a number of services from a provider."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.fields import commune_field, optional_province_field
from programs import fields as programs_fields

from .taxonomy import SERVICE_TYPES, service_type_choices


class Location(models.Model):
    """A place where an organisation offers services.

    A confidential location (a shelter) keeps its address from everyone except the
    roles that need it (see directory.queries.can_see_address); exports redact it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = programs_fields.organisation_field(
        "locations", _("organisation"), models.CASCADE
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    province = optional_province_field()
    commune = commune_field()
    confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_("A shelter or safe house: only roles that need it see the address."),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        FEE = "fee", _("Fee")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = programs_fields.organisation_field("services", _("organisation"), models.CASCADE)
    service_type = models.CharField(
        _("service type"), max_length=40, choices=service_type_choices, db_index=True
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.CharField(_("eligibility"), max_length=300, blank=True)
    # ISO 639-1 codes, e.g. ["vi", "en"]
    languages = models.JSONField(_("languages"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=4, choices=Cost.choices, default=Cost.FREE)
    fee_note = models.CharField(_("fee"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    friendly_to_key_populations = models.BooleanField(
        _("friendly to key populations"), default=False
    )
    locations = models.ManyToManyField(
        Location, blank=True, related_name="services", verbose_name=_("locations")
    )
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.name} — {self.organisation}"

    @property
    def language_names(self) -> list[str]:
        """The languages spoken, by their own names ("Tiếng Việt", "English"); an
        unknown code is shown as it is."""
        import unicodedata

        from django.conf.locale import LANG_INFO

        # Django spells some names decomposed ("Tiếng Việt"); pages use one normal form.
        return [
            unicodedata.normalize("NFC", LANG_INFO.get(code, {}).get("name_local", code))
            for code in self.languages
        ]

    @property
    def category(self) -> str:
        return SERVICE_TYPES[self.service_type].category


class Agreement(models.Model):
    """A cooperation agreement or contract with a provider, with its budget lines."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = programs_fields.organisation_field("agreements", _("provider"))
    support_model = programs_fields.optional_support_model_field("agreements", models.SET_NULL)
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("contract number"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    budget_vnd = models.BigIntegerField(_("budget (VND)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementLine(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("agreement")
    )
    service_type = models.CharField(_("service type"), max_length=40, choices=service_type_choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    amount_vnd = models.BigIntegerField(_("amount (VND)"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("agreement line")
        verbose_name_plural = _("agreement lines")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "service_type"], name="agreement_line_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} × {self.quantity}"
