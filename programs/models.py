"""Organisations, support models (mô hình), peer groups and their members, and the
business establishments that outreach and the workers' rights model work with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.fields import user_field
from core.models import Encrypted
from geo.fields import commune_field, optional_province_field, province_field


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("State agency (Chi cục PCTNXH, Sở)")
        MASS_ORGANISATION = "mass", _("Mass organisation (Hội Phụ nữ, Đoàn)")
        COMMUNITY_GROUP = "community", _("Community group")
        SERVICE_PROVIDER = "provider", _("Service provider")
        ESTABLISHMENT = "establishment", _("Business establishment")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = optional_province_field(None)
    commune = commune_field(None)
    description = models.TextField(_("description"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class SupportModel(models.Model):
    class Kind(models.TextChoices):
        PEER_CAPACITY = "peer_capacity", _("Peer-group capacity building")
        COMMUNITY_SERVICES = "community_services", _("Community service provision")
        WORKER_RIGHTS = "worker_rights", _("Worker rights in establishments")
        SELF_HELP = "self_help", _("Self-help group")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    province = province_field("support_models")
    communes = models.ManyToManyField(
        "geo.Commune", blank=True, related_name="support_models", verbose_name=_("communes served")
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_models",
        verbose_name=_("lead organisation"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    decision_number = models.CharField(_("approving decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("approving decision date"), null=True, blank=True)
    budget_vnd = models.BigIntegerField(_("budget (VND)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("support model")
        verbose_name_plural = _("support models")

    def __str__(self) -> str:
        return self.name


class PeerGroup(models.Model):
    class Kind(models.TextChoices):
        PEER_GROUP = "peer", _("Peer group")
        SELF_HELP = "self_help", _("Self-help group")
        CLUB = "club", _("Club")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PEER_GROUP)
    support_model = models.ForeignKey(
        SupportModel,
        on_delete=models.PROTECT,
        related_name="peer_groups",
        verbose_name=_("support model"),
    )
    communes = models.ManyToManyField(
        "geo.Commune", blank=True, related_name="peer_groups", verbose_name=_("communes")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name

    @property
    def province_id(self) -> str:
        return self.support_model.province_id


class Membership(models.Model):
    """A member of a peer group, known by the alias the group uses (never a legal name)."""

    class Role(models.TextChoices):
        CORE = "core", _("Core member")
        NETWORK = "network", _("Network member")

    peer_group = models.ForeignKey(
        PeerGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("peer group"),
    )
    alias = models.CharField(_("alias"), max_length=100)
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("user account"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["peer_group", "alias"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return self.alias


class Establishment(Encrypted):
    """A business establishment (cơ sở kinh doanh dịch vụ) reached by outreach.

    Deliberately holds no link to inspection or enforcement data: see docs/architecture.md.
    The owner's contact is encrypted like client identity (core.crypto)."""

    class Kind(models.TextChoices):
        KARAOKE = "karaoke", _("Karaoke bar")
        HOTEL = "hotel", _("Hotel")
        GUESTHOUSE = "guesthouse", _("Guesthouse")
        MASSAGE = "massage", _("Massage parlour")
        BAR = "bar", _("Bar or nightclub")
        RESTAURANT = "restaurant", _("Restaurant or café")
        OTHER = "other", _("Other")

    crypto_prefix = "establishment"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, verbose_name=_("commune"))
    support_model = models.ForeignKey(
        SupportModel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="establishments",
        verbose_name=_("support model"),
    )
    owner_contact_blob = models.BinaryField(null=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name


class EstablishmentAgreement(models.Model):
    """A cooperation agreement with an establishment (workers' rights model)."""

    class SignedBy(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        OWNER_AND_AGENCY = "owner_agency", _("Owner and state agency")
        OTHER = "other", _("Other")

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("establishment"),
    )
    signed_on = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300)
    signed_by = models.CharField(_("signed by"), max_length=20, choices=SignedBy.choices)
    recorded_by = user_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "activities_establishmentagreement"  # moved here, no row copied
        ordering = ["-signed_on", "-id"]
        verbose_name = _("establishment agreement")
        verbose_name_plural = _("establishment agreements")
